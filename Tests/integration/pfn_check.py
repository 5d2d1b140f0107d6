#!/usr/bin/env python3
"""Check that every PFN `pgwalkctl walk --format json` prints equals what
/proc/PID/pagemap gives for that page (docs/JSON.md: the PFN of a page in a
row is row.pfn + (address - row.start) / page_size).

usage: pfn_check.py PID WALK.json
Prints a summary line; exits 1 on any difference or on a walk with no
present page (a check that checked nothing proves nothing).
"""
import json
import struct
import sys

PFN_MASK = (1 << 55) - 1
PRESENT = 1 << 63


def main():
    pid, path = int(sys.argv[1]), sys.argv[2]
    with open(path) as f:
        walk = json.load(f)
    if walk.get("schema") != "pgwalk.walk/1":
        print(f"unexpected schema {walk.get('schema')!r}")
        return 1
    if not walk["pfn_visible"]:
        print("PFNs hidden in the walk: nothing to compare")
        return 1
    page = walk["page_size"]
    checked = differ = 0
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        for vma in walk["vmas"]:
            for row in vma["rows"]:
                if row["kind"] != "present":
                    continue
                start, end = int(row["start"], 16), int(row["end"], 16)
                n = (end - start) // page
                pm.seek(start // page * 8)
                data = pm.read(n * 8)
                for i, (entry,) in enumerate(struct.iter_unpack("<Q", data)):
                    checked += 1
                    want = row["pfn"] + i
                    if not entry & PRESENT or entry & PFN_MASK != want:
                        differ += 1
                        if differ <= 10:
                            print(f"  {start + i * page:#x}: walk pfn {want:#x}, pagemap {entry:#x}")
    print(f"{checked} present pages, {differ} PFNs differ from pagemap")
    return 0 if checked > 0 and differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
