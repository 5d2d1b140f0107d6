# A synthetic saved stream for timing the client's decoder on the host
# (docs/BENCH.md, "Profiling", change 11): 400 VMAs of 32 PTE tables, each
# table a mix of PTE_RUN, NONE_RUN and PTE_SEQ records, about 22 MB.
#   python3 bench/decoder/runs.py > /tmp/runs.pgw
import struct, sys
out = bytearray()
PAGE = 4096
start = 0x7f0000000000
V, TABLES = 400, 32
end = start + V * TABLES * (2 << 20)
hdr = bytearray(b"PGWALK\0\0")
hdr += struct.pack("<HHIIIII", 1, 160, (1 << 1) | (1 << 3), 1234, 12, 4, (6 << 16) | (12 << 8))
hdr += struct.pack("<QQQ", start, end, 0x7ffffffff000)
for shift, ptrs in [(39, 512), (39, 1), (30, 512), (21, 512), (12, 512)]:
    hdr += struct.pack("<II", shift, ptrs)
hdr += struct.pack("<II", 262144, 0)
hdr += b"6.12.0-bench".ljust(56, b"\0")
assert len(hdr) == 160
out += hdr
n = 0
def rec(t, a8, a16, body):
    global n
    out.extend(struct.pack("<BBHI", t, a8, a16, 8 + len(body)) + body)
    n += 1
LEAF, WRITE, USER, ACC, DIRTY = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
def info(pfn, leaf=True):
    return 1 | (LEAF if leaf else 0) | WRITE | USER | ACC | DIRTY | (pfn << 24)
pfn = 0x100000
addr = start
for v in range(V):
    vs, ve = addr, addr + TABLES * (2 << 20)
    name = b"[anon-%d]" % v if v % 3 else b"/usr/lib/libbench.so"
    body = struct.pack("<QQQQQII", vs, ve, 0x100073, 0, 0, 0, 0b11) + name.ljust((len(name) + 7) // 8 * 8, b"\0")
    rec(0x02, 0, len(name), body)
    for t in range(TABLES):
        ta = vs + t * (2 << 20)
        rec(0x03, 3, 0, struct.pack("<QQQQ", ta, ta + (2 << 20), 0x1234067, info(pfn + 7, leaf=False)))
        a = ta
        # PTE_RUN of 100 scattered pages
        els = b"".join(struct.pack("<QQ", ((pfn + 3 * i) << 12) | 0x67, info(pfn + 3 * i)) for i in range(100))
        rec(0x04, 4, 100, struct.pack("<Q", a) + els); a += 100 * PAGE; pfn += 300
        rec(0x05, 4, 300, struct.pack("<Q", a)); a += 300 * PAGE
        rec(0x08, 4, 112, struct.pack("<QQQQQ", a, (pfn << 12) | 0x67, info(pfn), 1 << 12, 1 << 24)); a += 112 * PAGE; pfn += 112
        assert a == ta + (2 << 20)
    addr = ve
stream_bytes = len(out)
rec(0x0f, 0, 0, struct.pack("<iIQQQ", 0, 1, end, stream_bytes, n))
sys.stdout.buffer.write(out)
