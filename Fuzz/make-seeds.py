#!/usr/bin/env python3
"""Small seeds for the decoder fuzzers, cut from recorded streams.

Each seed is a recorded stream's header and its first K records, ended by
an END record the way the module ends a walk whose target died (status
-ESRCH, walked_to at the header's start): a complete, valid stream of a
few hundred bytes, which libFuzzer mutates far faster than the 20-60 KB
recordings. Usage: make-seeds.py OUTDIR FIXTURE.pgw...
"""
import os
import struct
import sys

END_TYPE = 0x0F
ESRCH = -3


def records(data):
    header_len = struct.unpack_from("<H", data, 10)[0]
    at = header_len
    while at + 8 <= len(data):
        rtype = data[at]
        length = struct.unpack_from("<I", data, at + 4)[0]
        yield at, rtype, length
        at += length


def seed(data, count):
    header_len = struct.unpack_from("<H", data, 10)[0]
    start = struct.unpack_from("<Q", data, 32)[0]
    cut = header_len
    n = 0
    for at, rtype, length in records(data):
        if n == count or rtype == END_TYPE:
            break
        cut = at + length
        n += 1
    end = struct.pack("<BBHIiIQQQ", END_TYPE, 0, 0, 40, ESRCH, 1, start, cut, n)
    return data[:cut] + end


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        base = os.path.basename(path).removesuffix(".pgw")
        for count in (0, 4, 16, 48):
            name = os.path.join(outdir, f"{base}-first{count}.pgw")
            with open(name, "wb") as f:
                f.write(seed(data, count))


if __name__ == "__main__":
    main()
