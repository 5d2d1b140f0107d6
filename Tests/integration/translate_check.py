#!/usr/bin/env python3
"""translate's raw values against the stream they came from, read here with
a decoder of docs/FORMAT.md of its own.

usage: translate_check.py CTL PID STREAM.pgw
Picks up to 40 addresses the stream shows at the PTE level and the first
page of each huge PMD leaf, then checks, level by level:
  - `translate --input STREAM --json`: every raw value equals the stream's;
  - `translate --pid PID --json` (a walk of its own, made just now): the same,
    but for the accessed bit (x86 bit 5), which the kernel may clear between
    two walks of an idle process.
"""
import json, struct, subprocess, sys

ctl, pid, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
assert data[:6] == b"PGWALK", "not a pgwalk stream"
header_len, = struct.unpack_from("<H", data, 10)
levels, = struct.unpack_from("<I", data, 24)
obs = []  # (level 0-4, addr, next, raw, info)
at = header_len
while at < len(data):
    rtype, arg8, arg16, length = struct.unpack_from("<BBHI", data, at)
    if rtype == 0x03:
        addr, nxt, raw, info = struct.unpack_from("<QQQQ", data, at + 8)
        obs.append((arg8, addr, nxt, raw, info))
    elif rtype == 0x04:
        addr, = struct.unpack_from("<Q", data, at + 8)
        for i in range(arg16):
            raw, info = struct.unpack_from("<QQ", data, at + 16 + 16 * i)
            obs.append((4, addr + 4096 * i, addr + 4096 * (i + 1), raw, info))
    elif rtype == 0x08:
        addr, raw, info, rstep, istep = struct.unpack_from("<QQQQQ", data, at + 8)
        m = (1 << 64) - 1
        for i in range(arg16):
            obs.append((4, addr + 4096 * i, addr + 4096 * (i + 1), (raw + i * rstep) & m, (info + i * istep) & m))
    elif rtype == 0x05:
        addr, = struct.unpack_from("<Q", data, at + 8)
        for i in range(arg16):
            obs.append((4, addr + 4096 * i, addr + 4096 * (i + 1), 0, 0))
    at += length

def raw_at(level, address):
    found = None
    for o in obs:
        if o[0] == level and o[1] <= address < o[2]:
            found = o[3]
    return found

ptes = [o for o in obs if o[0] == 4]
picked = [o[1] + 0x321 for o in ptes[:: max(1, len(ptes) // 40)]]
picked += [o[1] + 0x1234 for o in obs if o[0] == 3 and o[4] & 0x1f == 0x11]
if not picked:
    sys.exit("no addresses in the stream")

def check(args, mask, what):
    out = subprocess.run([ctl, "translate", "--json"] + args + [hex(a) for a in picked],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    bad = 0
    for t in doc["translations"]:
        address = int(t["address"], 16)
        for level in t["levels"]:
            n = ["pgd", "p4d", "pud", "pmd", "pte"].index(level["level"])
            want = raw_at(n, address)
            got = int(level["raw"], 16) if level.get("raw") else None
            if (got is None) != (want is None) or (got is not None and got & mask != want & mask):
                bad += 1
                print(f"{what}: {hex(address)} {level['level']}: translate {got and hex(got)}, stream {want and hex(want)}")
        if levels == 4 and t["levels"][1].get("raw") != t["levels"][0].get("raw"):
            bad += 1
            print(f"{what}: {hex(address)}: the folded p4d differs from the pgd")
    return bad

bad = check(["--input", path], (1 << 64) - 1, "--input")
bad += check(["--pid", pid], ~0x20 & ((1 << 64) - 1), "--pid")
print(f"{len(picked)} addresses, {bad} differences")
sys.exit(1 if bad else 0)
