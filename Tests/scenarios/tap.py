#!/usr/bin/env python3
"""Prints a pgwalk.selftest/1 JSON file as TAP-style lines: one ok / not ok
per scenario (a skip is "ok N - name # SKIP reason"), then "N passed, N
failed" for scripts/check-kernel. Exit 1 when a scenario failed.

  tap.py RESULTS.json [NAME=RESULT]...

Each NAME=RESULT adds one more check: RESULT "pass..." or "fail: why"."""
import json
import sys

doc = json.load(open(sys.argv[1]))
passed = failed = 0
levels = doc["paging_levels"]
for n, s in enumerate(doc["scenarios"], 1):
    reason = (s.get("reason") or "").replace("\n", " ")
    name = f'{s["name"]} ({levels}-level, {s["seconds"]:.1f}s)'
    if s["result"] == "pass":
        passed += 1
        print(f"ok {n} - {name}" + (f" # {reason}" if reason else ""))
    elif s["result"] == "skip":
        print(f"ok {n} - {name} # SKIP {reason}")
    else:
        failed += 1
        print(f"not ok {n} - {name}: {reason}")
n = len(doc["scenarios"])
for extra in sys.argv[2:]:
    name, result = extra.split("=", 1)
    n += 1
    if result.startswith("pass"):
        passed += 1
        print(f"ok {n} - {name}" + (f" # {result[4:].strip()}" if result[4:].strip() else ""))
    else:
        failed += 1
        print(f"not ok {n} - {name}: {result}")
for problem in doc.get("restore_failures", []):
    failed += 1
    print(f"not ok - restoring system settings: {problem}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
