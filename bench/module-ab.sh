#!/bin/bash
# The module alone, two builds of pgwalk.ko side by side in one boot
# (docs/BENCH.md, change 15). Run as root inside a booted kernel, after
# make -C bench, with an older build of kmod/ for this kernel:
#
#   make vm-run KVER=6.12 VM_MEM=3G CMD='MODULE_BEFORE=OLD.ko bench/module-ab.sh > build/module-ab.txt'
#
# For each target (AB_TARGETS), BENCH_RUNS (15) rounds; each round loads
# one build, then the other (the order alternates), and times one session
# of bench/kread -t seq with each read pattern: pgwalkctl's (a 16 KiB read,
# then 64 KiB reads) and 1 MiB reads. MODULE_AFTER (build/kmod/RELEASE/
# pgwalk.ko) is the newer build. Prints one "sample" line per session,
# then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
runs=${BENCH_RUNS:-15}
before=${MODULE_BEFORE:?MODULE_BEFORE: an older pgwalk.ko for this kernel}
after=${MODULE_AFTER:-build/kmod/$(uname -r)/pgwalk.ko}
set_aslr "${BENCH_ASLR:-0}"
stage=/tmp/bench-bin
stage "$stage" "$bin/kread" "$bin/workload"
kread=$stage/kread
out=/tmp/module-ab.txt
: > "$out"
echo "guest kernel=$(uname -r) cpus=$(nproc) commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for t in ${AB_TARGETS:-tiny ktarget python thp many-vmas}; do
	bin=$stage start_workload "$t" || { echo "skip $t"; continue; }
	sleep 1
	for run in $(seq 1 "$runs"); do
		order="before after"
		[ $((run % 2)) = 0 ] && order="after before"
		for build in $order; do
			if [ "$build" = before ]; then load_module "$before"; else load_module "$after"; fi
			"$kread" -t seq "$wl_pid" > /dev/null # its first session after the load, unrecorded
			for reads in pgwalkctl 1MiB; do
				r=$kread_reads
				[ "$reads" = 1MiB ] && r=1048576,1048576
				echo "sample $t $build $reads $("$kread" -t seq -r "$r" "$wl_pid")" | tee -a "$out"
			done
		done
	done
	stop_workload
done
load_module "$after"
python3 - "$out" <<'PY'
import re, statistics, sys
d = {}
for line in open(sys.argv[1]):
    f = line.split()
    d.setdefault((f[1], f[3], f[2]), []).append(float(re.search(r"seconds=([0-9.]+)", line).group(1)))
print("| target | reads | before (ms) | after (ms) | after / before |")
print("|---|---|--:|--:|--:|")
for (t, reads) in dict.fromkeys((k[0], k[1]) for k in d):
    b, a = (statistics.median(d[(t, reads, x)]) * 1e3 for x in ("before", "after"))
    print(f"| {t} | {reads} | {b:.2f} | {a:.2f} | {a / b:.2f} |")
PY
