#!/bin/bash
# bench/verify-all.sh [SLEEPERS [RUNS]]: `pgwalkctl verify --all` (and
# `walk --all --format json`) against reading every process's pagemap, on a
# guest holding SLEEPERS (300) `sleep` processes and a Python interpreter
# that has imported json, sqlite3 and ssl, besides what the guest runs.
# Runs as root in a booted kernel with the module loaded:
#   make -C bench && make vm-run KVER=7.x CMD='bench/verify-all.sh 300 3'
# (a) every pid of /proc through bench/pagemap_read (its maps, then each
#     VMA's pagemap entries), the work alone summed over the processes and
#     the loop's wall time (one process start per pid);
# (c) verify --all, its --stats seconds (the work alone) and wall time;
# (b) walk --all --format json > /dev/null, likewise.
# Prints one line per run and the medians (docs/BENCH.md, "verify --all").
set -u
cd "$(dirname "$0")/.."
ctl=${PGWALKCTL:-.build/release/pgwalkctl}
reader=${PAGEMAP_READ:-build/bench/bin/pagemap_read}
sleepers=${1:-300}
runs=${2:-3}
work=$(mktemp -d)
children=()
cleanup() { kill "${children[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq "$sleepers"); do sleep 3600 & children+=($!); done
python3 -c 'import json, sqlite3, ssl, time; print("ready", flush=True); time.sleep(3600)' > "$work/py" & children+=($!)
while ! grep -q ready "$work/py"; do sleep 0.2; done
now() { date +%s.%N; }
echo "# $(uname -r): $(ls -d /proc/[0-9]* | wc -l) pids in /proc, $sleepers sleepers and a python3"

for run in $(seq "$runs"); do
	t0=$(now)
	for d in /proc/[0-9]*; do "$reader" "${d#/proc/}" 2>/dev/null; done > "$work/a"
	t1=$(now)
	"$ctl" verify --all --stats > "$work/c" 2> "$work/c.err" || { echo "verify --all failed: $?"; cat "$work/c.err"; exit 1; }
	t2=$(now)
	"$ctl" walk --all --format json --stats > /dev/null 2> "$work/b.err" || { echo "walk --all failed"; cat "$work/b.err"; exit 1; }
	t3=$(now)
	python3 - "$work" "$t0" "$t1" "$t2" "$t3" "$run" <<'PY'
import re, sys
w, t0, t1, t2, t3, run = sys.argv[1], *map(float, sys.argv[2:6]), sys.argv[6]
a = [l for l in open(w + "/a") if "seconds=" in l]
a_work = sum(float(re.search(r"seconds=([0-9.]+)", l).group(1)) for l in a)
a_pages = sum(int(re.search(r"vma_pages=(\d+)", l).group(1)) for l in a)
c = dict(kv.split("=") for kv in open(w + "/c.err").read().split()[2:])
b = dict(kv.split("=") for kv in open(w + "/b.err").read().split()[2:])
total = open(w + "/c").read().splitlines()[-1]
print("run %s: (a) pagemap %d processes %d pages work %.3f s wall %.3f s | (c) verify --all work %s s wall %.3f s"
      " pages %s | (b) walk --all work %s s wall %.3f s | %s"
      % (run, len(a), a_pages, a_work, t1 - t0, c["seconds"], t2 - t1, c["pages"], b["seconds"], t3 - t2, total))
with open(w + "/runs", "a") as f:
    f.write("%f %f %s %f %s %f\n" % (a_work, t1 - t0, c["seconds"], t2 - t1, b["seconds"], t3 - t2))
PY
done
python3 - "$work/runs" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
m = [statistics.median(col) for col in zip(*rows)]
print("median of %d: (a) work %.3f wall %.3f | (c) verify --all work %.3f wall %.3f | (b) walk --all work %.3f wall %.3f"
      % (len(rows), *m))
print("ratio, work alone: verify/pagemap %.2f, walk/pagemap %.2f; wall: verify/pagemap %.2f, walk/pagemap %.2f"
      % (m[2] / m[0], m[4] / m[0], m[3] / m[1], m[5] / m[1]))
PY
