# A synthetic saved stream for timing the client's decoder on the host
# (docs/BENCH.md, "Profiling", change 11): 400 VMAs of 32 PTE tables, each
# table a mix of PTE_RUN, NONE_RUN and PTE_SEQ records, about 22 MB.
#   python3 bench/decoder/runs.py > /tmp/runs.pgw
import struct
from stream import PAGE, TABLE, info, write


def table(rec, a, pfn):
    end = a + TABLE
    # PTE_RUN of 100 scattered pages
    els = b"".join(struct.pack("<QQ", ((pfn + 3 * i) << 12) | 0x67, info(pfn + 3 * i)) for i in range(100))
    rec(0x04, 4, 100, struct.pack("<Q", a) + els); a += 100 * PAGE; pfn += 300
    rec(0x05, 4, 300, struct.pack("<Q", a)); a += 300 * PAGE
    rec(0x08, 4, 112, struct.pack("<QQQQQ", a, (pfn << 12) | 0x67, info(pfn), 1 << 12, 1 << 24)); a += 112 * PAGE; pfn += 112
    assert a == end
    return pfn


write(400, 32, table)
