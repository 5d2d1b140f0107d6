#!/usr/bin/env python3
"""Writes damaged copies of a recorded stream, one file per damage, for
Tests/host/run.sh: NAME.pgw in OUTDIR, and a line "NAME" per file on stdout.

The damages: cut at every record boundary and in the middle of every
record (and inside the header); each record's type byte replaced by an
unknown type and by another known one; each record's length made too long,
too short, 0 and 2^32-1; bad magic, version and header length.
Usage: corrupt.py [--last N] STREAM.pgw OUTDIR (--last: damage only the
last N records, for long streams).
"""
import os
import struct
import sys


def records(data):
    at = struct.unpack_from("<H", data, 10)[0]
    while at + 8 <= len(data):
        length = struct.unpack_from("<I", data, at + 4)[0]
        yield at, length
        if length < 8:
            return
        at += length


def main():
    args = sys.argv[1:]
    last = None
    if args[0] == "--last":
        last = int(args[1])
        args = args[2:]
    data = open(args[0], "rb").read()
    out = args[1]
    os.makedirs(out, exist_ok=True)

    def write(name, content):
        with open(os.path.join(out, name + ".pgw"), "wb") as f:
            f.write(content)
        print(name)

    def patch(at, raw):
        return data[:at] + raw + data[at + len(raw):]

    recs = list(enumerate(records(data)))
    if last is not None:
        recs = recs[-last:]
    write("empty", b"")
    for cut in (7, 8, 12, 100, 159):
        write(f"cut-header-{cut}", data[:cut])
    write("bad-magic", patch(0, b"PGWALX"))
    write("bad-version", patch(8, struct.pack("<H", 99)))
    write("bad-header-len", patch(10, struct.pack("<H", 161)))
    for i, (at, length) in recs:
        write(f"cut-before-record-{i}", data[:at])
        write(f"cut-inside-record-{i}", data[:at + max(1, length // 2)])
        write(f"unknown-type-record-{i}", patch(at, b"\x7e"))
        other = 0x05 if data[at] != 0x05 else 0x03   # NONE_RUN, or ENTRY
        write(f"other-type-record-{i}", patch(at, bytes([other])))
        for name, bad in (("long", length + 8), ("short", length - 8), ("zero", 0), ("max", 0xFFFFFFFF)):
            write(f"len-{name}-record-{i}", patch(at + 4, struct.pack("<I", bad & 0xFFFFFFFF)))
    write("data-after-end", data + b"\0" * 8)


if __name__ == "__main__":
    main()
