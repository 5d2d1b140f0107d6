#!/usr/bin/env python3
"""Checks the output of `pgwalkctl verify --all` and `walk --all` against
/proc and against itself: the total adds up, every user process has its
line or entry, the named processes ended as expected.

    all_check.py text FILE [PID=RESULT ...]       verify --all's text
    all_check.py verify-json FILE [PID=RESULT ...] verify --all --json
    all_check.py walk-json FILE [PID=RESULT ...]   walk --all --format json

RESULT is what that pid's line or entry must say: match, walked,
not-permitted, exited. Exits 1 with the reason on stderr.
"""
import json
import re
import sys

TOTAL = re.compile(
    r"^(\d+) processes: (\d+) verified \((\d+) match, (\d+) mismatch\), (\d+) skipped "
    r"\((\d+) kernel threads, (\d+) exited, (\d+) not permitted\), (\d+) failed; "
    r"(\d+) pages checked, (\d+) persistent mismatches: (.*)$")
LINE = re.compile(r"^pid (\d+) \((.*)\): (.*)$")


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(1)


def expect(cond, why):
    if not cond:
        fail(why)


def text(path, wants):
    lines = open(path).read().splitlines()
    expect(lines, "no output")
    m = TOTAL.match(lines[-1])
    expect(m, "last line is not the total: %r" % lines[-1])
    n, verified, match, mismatch, skipped, kthreads, exited, denied, failed, pages, persistent = map(int, m.groups()[:11])
    expect(n == verified + skipped + failed, "processes %d != verified + skipped + failed" % n)
    expect(skipped == kthreads + exited + denied, "skipped %d != its parts" % skipped)
    expect(verified == match + mismatch, "verified %d != match + mismatch" % verified)
    expect(kthreads >= 1, "no kernel thread counted (a booted kernel has some)")
    per = {}
    for line in lines[:-1]:
        lm = LINE.match(line)
        expect(lm, "not a process line: %r" % line)
        per[int(lm.group(1))] = lm.group(3)
    expect(len(per) == len(lines) - 1, "a pid has two lines")
    expect(len(per) == n - kthreads, "%d lines for %d processes that are not kernel threads" % (len(per), n - kthreads))
    said = {"match": sum(1 for s in per.values() if re.match(r"\d+ pages, all match", s)),
            "exited": sum(1 for s in per.values() if s.startswith("skipped, exited")),
            "not-permitted": sum(1 for s in per.values() if s.startswith("skipped, not permitted"))}
    expect(said["match"] == match, "%d match lines, total says %d" % (said["match"], match))
    expect(said["exited"] == exited and said["not-permitted"] == denied, "skip lines disagree with the total")
    counted = sum(int(s.split()[0]) for s in per.values() if re.match(r"\d+ pages", s))
    expect(counted == pages, "the lines' pages add up to %d, the total says %d" % (counted, pages))
    for pid, want in wants.items():
        expect(pid in per, "no line for pid %d" % pid)
        got = per[pid]
        ok = {"match": re.match(r"\d+ pages, all match", got),
              "exited": got.startswith("skipped, exited"),
              "not-permitted": got.startswith("skipped, not permitted")}[want]
        expect(ok, "pid %d: %r, want %s" % (pid, got, want))
    print("# %d processes: %d verified, %d kernel threads, %d exited, %d not permitted, %d pages"
          % (n, verified, kthreads, exited, denied, pages))


def document(path, schema, done_key, wants):
    doc = json.load(open(path))
    expect(doc["schema"] == schema, "schema %r" % doc["schema"])
    s = doc["summary"]
    skipped = s["skipped"]
    expect(set(skipped) == {"kernel-thread", "exited", "not-permitted"}, "skipped keys %r" % skipped)
    expect(s["processes"] == s[done_key] + sum(skipped.values()) + s["failed"], "summary does not add up: %r" % s)
    expect(skipped["kernel-thread"] >= 1, "no kernel thread counted")
    entries = {e["pid"]: e for e in doc["processes"]}
    expect(len(entries) == len(doc["processes"]), "a pid has two entries")
    expect(len(entries) == s["processes"] - skipped["kernel-thread"], "one entry per process that is not a kernel thread")
    expect(sum(1 for e in entries.values() if e["result"] in ("match", "mismatch", "walked")) == s[done_key],
           "entries done != summary")
    expect(s[done_key] >= 1, "nothing %s" % done_key)
    for pid, want in wants.items():
        expect(pid in entries, "no entry for pid %d" % pid)
        e = entries[pid]
        got = e["reason"] if e["result"] == "skipped" else e["result"]
        expect(got == want, "pid %d: %r, want %s" % (pid, e, want))
        if want == "walked":
            w = e["walk"]
            expect(w["schema"] == "pgwalk.walk/1" and w["pid"] == pid and w["status"] == 0, "pid %d's walk" % pid)
            expect(any(r for v in w["vmas"] for r in v["rows"]), "pid %d's walk has no rows" % pid)
        if want == "match":
            expect(e["summary"]["pages"] > 0 and e["summary"]["persistent"] == 0, "pid %d: %r" % (pid, e))
    if schema == "pgwalk.verify-all/1":
        expect(doc["result"] == "match", "result %r" % doc["result"])
        pages = sum(e["summary"]["pages"] for e in entries.values() if "summary" in e)
        expect(pages == s["pages"], "entries' pages %d != summary's %d" % (pages, s["pages"]))
    print("# %d processes, %d %s, skipped %r" % (s["processes"], s[done_key], done_key, skipped))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    wants = {int(p): r for p, r in (a.split("=") for a in sys.argv[3:])}
    if mode == "text":
        text(path, wants)
    elif mode == "verify-json":
        document(path, "pgwalk.verify-all/1", "verified", wants)
    elif mode == "walk-json":
        document(path, "pgwalk.walk-all/1", "walked", wants)
    else:
        fail("unknown mode " + mode)


main()
