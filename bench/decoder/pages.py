# A synthetic saved stream for timing the client's decoder on the host
# (docs/BENCH.md, "Profiling", change 11): about a million one-page
# records, the decoder's worst case per byte, about 25 MB.
#   python3 bench/decoder/pages.py > /tmp/pages.pgw
import struct
from stream import PAGE, TABLE, info, write


def table(rec, a, pfn):
    end = a + TABLE
    for _ in range(256):
        rec(0x04, 4, 1, struct.pack("<QQQ", a, (pfn << 12) | 0x67, info(pfn))); a += PAGE; pfn += 5
        rec(0x05, 4, 1, struct.pack("<Q", a)); a += PAGE
    assert a == end
    return pfn


write(100, 20, table)
