#!/usr/bin/env python3
"""diff_check.py DIFF.json START END CHANGE MIN_PAGES [+FLAG|-FLAG ...]

Checks a `pgwalkctl diff --json` document (schema pgwalk.diff/1,
docs/JSON.md): the runs inside [START, END) whose change is CHANGE cover at
least MIN_PAGES pages, and each of them has every +FLAG among its
flags_set and every -FLAG among its flags_cleared. Also checks that the
runs' page counts agree with their bounds. Exit 0 when it holds."""
import json
import sys

doc = json.load(open(sys.argv[1]))
lo, hi = int(sys.argv[2], 16), int(sys.argv[3], 16)
change, want = sys.argv[4], int(sys.argv[5])
flags = sys.argv[6:]
if doc.get("schema") != "pgwalk.diff/1":
    sys.exit(f"schema is {doc.get('schema')!r}")
page = doc["page_size"]
pages = 0
seen = {}
for vma in doc["vmas"]:
    for run in vma["runs"]:
        start, end = int(run["start"], 16), int(run["end"], 16)
        if run["pages"] * page != end - start:
            sys.exit(f"run {run['start']}-{run['end']} says {run['pages']} pages")
        a, b = max(start, lo), min(end, hi)
        if a >= b:
            continue
        seen[run["change"]] = seen.get(run["change"], 0) + (b - a) // page
        if run["change"] != change:
            continue
        for f in flags:
            where = "flags_set" if f[0] == "+" else "flags_cleared"
            if f[1:] not in run[where]:
                sys.exit(f"run {run['start']}-{run['end']}: {f[1:]} not in {where} {run[where]}")
        pages += (b - a) // page
if pages < want:
    sys.exit(f"{pages} pages {change} in {sys.argv[2]}-{sys.argv[3]}, want >= {want}; changes there: {seen}")
print(f"{pages} pages {change}; all changes there: {seen}")
