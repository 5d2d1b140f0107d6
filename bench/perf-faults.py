#!/usr/bin/env python3
"""Which code takes the page faults of a pgwalkctl run's work.

Reads `perf script -F ip,sym` of a `perf record -e page-faults -c 1 -g`
recording (bench/profile.sh with PROFILE_EVENT=page-faults; gzip or plain),
keeps the faults whose call chain passes through the walk or verify
command's run() (the work, not start-up), and counts them by the frame that
faulted and the first PgwalkKit frame above it (docs/BENCH.md, change 25).

    python3 bench/perf-faults.py build/bench/perf/thp-verify.faults.gz
"""
import collections
import gzip
import signal
import sys

WORK = ("11WalkCommandV3run", "13VerifyCommandV3run")


def chains(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as f:
        text = f.read()
    for block in text.split("\n\n"):
        frames = []
        for line in block.strip().splitlines():
            parts = line.split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else "?")
        if frames:
            yield frames


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    total = 0
    counts = collections.Counter()
    for frames in chains(sys.argv[1]):
        total += 1
        if not any(w in f for f in frames for w in WORK):
            continue
        kit = next((f for f in frames if f.startswith("$s9PgwalkKit")), "-")
        counts[(frames[0][:48], kit[:100])] += 1
    work = sum(counts.values())
    print(f"{total} faults, {work} during the work")
    for (top, kit), n in counts.most_common(25):
        print(f"{n:6}  {top:48}  {kit}")


if __name__ == "__main__":
    main()
