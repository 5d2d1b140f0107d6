# The shared part of runs.py and pages.py: a saved stream (docs/FORMAT.md)
# of VMAS VMAs of TABLES PTE tables each, its header, records and END.
# Each generator says only what one PTE table holds (fill_table).
import struct
import sys

PAGE = 4096
TABLE = 2 << 20
LEAF, WRITE, USER, ACC, DIRTY = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8


def info(pfn, leaf=True):
    return 1 | (LEAF if leaf else 0) | WRITE | USER | ACC | DIRTY | (pfn << 24)


def write(vmas, tables, fill_table):
    """Writes the stream to stdout. fill_table(rec, table_address, pfn)
    emits one table's records with rec(type, a8, a16, body), covers the
    table's 2 MiB exactly and returns the next free PFN."""
    out = bytearray()
    start = 0x7f0000000000
    end = start + vmas * tables * TABLE
    hdr = bytearray(b"PGWALK\0\0")
    hdr += struct.pack("<HHIIIII", 1, 160, (1 << 1) | (1 << 3), 1234, 12, 4, (6 << 16) | (12 << 8))
    hdr += struct.pack("<QQQ", start, end, 0x7ffffffff000)
    for shift, ptrs in [(39, 512), (39, 1), (30, 512), (21, 512), (12, 512)]:
        hdr += struct.pack("<II", shift, ptrs)
    hdr += struct.pack("<II", 262144, 0)
    hdr += b"6.12.0-bench".ljust(56, b"\0")
    assert len(hdr) == 160
    out += hdr
    count = [0]

    def rec(t, a8, a16, body):
        out.extend(struct.pack("<BBHI", t, a8, a16, 8 + len(body)) + body)
        count[0] += 1

    pfn = 0x100000
    addr = start
    for v in range(vmas):
        vs, ve = addr, addr + tables * TABLE
        name = b"[anon-%d]" % v if v % 3 else b"/usr/lib/libbench.so"
        body = struct.pack("<QQQQQII", vs, ve, 0x100073, 0, 0, 0, 0b11) + name.ljust((len(name) + 7) // 8 * 8, b"\0")
        rec(0x02, 0, len(name), body)
        for t in range(tables):
            ta = vs + t * TABLE
            rec(0x03, 3, 0, struct.pack("<QQQQ", ta, ta + TABLE, 0x1234067, info(pfn + 7, leaf=False)))
            pfn = fill_table(rec, ta, pfn)
        addr = ve
    stream_bytes = len(out)
    rec(0x0f, 0, 0, struct.pack("<iIQQQ", 0, 1, end, stream_bytes, count[0]))
    sys.stdout.buffer.write(out)
