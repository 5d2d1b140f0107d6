#!/usr/bin/env python3
"""Where a pgwalkctl command's own work goes, from a perf recording.

    python3 bench/perf-categories.py build/bench/perf/tiny-verify.script.gz [--frames N]

The input is what bench/profile.sh saves (`perf script -F comm,ip,sym`,
gzipped, call graphs on). Only samples of pgwalkctl inside a subcommand's
run() count (`WalkCommand.run`, `VerifyCommand.run`): the work alone, as
the --stats seconds time it, not the process start. Each sample goes to
the first category that one of its innermost 25 frames matches, in this
order: the module's code (pgwalk_*), clearing a fresh page, any other page
fault, any other system call, the Swift runtime looking up a conformance or
a type by its mangled name (run-time generic metadata), and the client's
own code (the rest). With --frames N it also lists the N client functions
(innermost frame of PgwalkKit, PgwalkRender or pgwalkctl) most samples of
that last category fall in. docs/BENCH.md, "Change 14", shows its output.
"""
import argparse
import collections
import gzip

CATEGORIES = [
    ("pgwalk_", "module"),
    ("clear_page", "page fault, clearing a fresh page"),
    ("exc_page_fault", "page fault, other"),
    ("entry_SYSCALL", "system call"),
    ("conformsToProtocol", "Swift runtime: conformance lookup"),
    ("swift_getTypeByMangled", "Swift runtime: type by mangled name"),
]
CLIENT = "client code"
RUN = ("WalkCommandV3run", "VerifyCommandV3run")


def samples(path):
    """Each sample as [header, innermost frame, ..., outermost frame]."""
    current = []
    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if current:
                    yield current
                current = []
            elif line[0] not in " \t":
                current = [line.strip()]
            else:
                parts = line.strip().split(None, 1)
                current.append(parts[1] if len(parts) > 1 else "?")
    if current:
        yield current


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("script")
    parser.add_argument("--frames", type=int, default=0)
    args = parser.parse_args()
    counts = collections.Counter()
    client = collections.Counter()
    total = 0
    for sample in samples(args.script):
        if not sample[0].startswith("pgwalkctl"):
            continue
        frames = sample[1:]
        if not any(any(r in f for r in RUN) for f in frames):
            continue
        total += 1
        inner = frames[:25]
        category = next((name for pattern, name in CATEGORIES if any(pattern in f for f in inner)), CLIENT)
        counts[category] += 1
        if category == CLIENT:
            own = next((f for f in frames if "Pgwalk" in f or "pgwalkctl" in f), "?")
            client[own[:100]] += 1
    if total == 0:
        raise SystemExit(f"{args.script}: no sample of pgwalkctl in a command's run()")
    print(f"{args.script}: {total} samples in run()")
    for name, n in counts.most_common():
        print(f"{n:7d} {100 * n / total:5.1f}%  {name}")
    for name, n in client.most_common(args.frames):
        print(f"{n:7d} {100 * n / total:5.1f}%    {name}")


if __name__ == "__main__":
    main()
