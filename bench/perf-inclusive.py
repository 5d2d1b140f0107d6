#!/usr/bin/env python3
"""Where one program's system calls spend their time, from a perf recording.

    python3 bench/perf-inclusive.py build/bench/perf/tiny-module.script.gz kread [--top N]

The input is what bench/profile.sh saves (`perf script -F comm,ip,sym`,
gzipped, call graphs on), e.g. PROFILE_TOOLS=module records bench/kread.
Of the samples of COMM inside read() or write() (a frame vfs_read,
vfs_write, ksys_read, ksys_write or ksys_pread64), it prints how many have
each function anywhere on their stack (inclusive counts, the N largest)
and as their innermost frame. docs/BENCH.md, "Change 15", shows its output:
a session of the module on a small process spent half of its read() in
allocating (and clearing) its buffer.
"""
import argparse
import collections
import gzip

SYSCALL_FRAMES = {"vfs_read", "vfs_write", "ksys_read", "ksys_write", "ksys_pread64"}


def samples(path):
    """Each sample as (command, [innermost frame, ..., outermost frame])."""
    comm, frames = None, []
    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if comm is not None:
                    yield comm, frames
                comm, frames = None, []
            elif line[0] not in " \t":
                comm, frames = line.split()[0], []
            else:
                parts = line.strip().split(None, 1)
                frames.append(parts[1] if len(parts) > 1 else "?")
    if comm is not None:
        yield comm, frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("script")
    parser.add_argument("comm")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    total, inside = 0, []
    for comm, frames in samples(args.script):
        if comm != args.comm:
            continue
        total += 1
        if SYSCALL_FRAMES & set(frames):
            inside.append(frames)
    if not inside:
        raise SystemExit(f"{args.script}: no sample of {args.comm} in read() or write()")
    print(f"{args.script}: {total} samples of {args.comm}, {len(inside)} in read() or write()")
    inclusive = collections.Counter(f for frames in inside for f in set(frames))
    innermost = collections.Counter(frames[0] for frames in inside if frames)
    print("inclusive:")
    for name, n in inclusive.most_common(args.top):
        print(f"{n:7d} {100 * n / len(inside):5.1f}%  {name}")
    print("innermost:")
    for name, n in innermost.most_common(args.top // 2):
        print(f"{n:7d} {100 * n / len(inside):5.1f}%  {name}")


if __name__ == "__main__":
    main()
