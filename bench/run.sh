#!/bin/bash
# The benchmark driver, run as root inside the booted kernel (make bench
# does: scripts/vm-run bench/run.sh). For each workload: start it, then
# BENCH_RUNS times, interleaved, (a) the raw pagemap reader, (a2) the
# PAGEMAP_SCAN reader where the kernel has the ioctl, (k) the module
# alone (debugfs read to the end, with `seq` as pgwalkctl asks, and once
# more without it), (b) pgwalkctl walk --format none and
# (c) pgwalkctl verify, each under runstat (wall time, peak RSS), the last
# two with --stats (the work's own time, start-up excluded); then (a), (k),
# (b) and (c) again over the workload's own mapping only (the *_map tools:
# [start, start + len) as the workload reports it). Writes one line per
# measurement to $BENCH_RAW; bench/render.py takes medians.
#
#   BENCH_RUNS=5 BENCH_WORKLOADS='dense-4k thp ...' PGWALKCTL=.build/release/pgwalkctl
#   BENCH_ASLR=0|2   the guest's randomize_va_space while measuring (default 0)
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/common.sh
pgwalkctl=${PGWALKCTL:-.build/release/pgwalkctl}
runs=${BENCH_RUNS:-5}
raw=${BENCH_RAW:-build/bench/raw.txt}
# The synthetic workloads and three real processes (bench/common.sh:
# Tests/kernel's target, a Python interpreter, a JVM where Java is installed).
workloads=${BENCH_WORKLOADS:-tiny ktarget python jvm dense-4k thp sparse-spread sparse-runs many-vmas big}
mkdir -p "$(dirname "$raw")"
: > "$raw"

emit() { echo "$*" >> "$raw"; echo "$*"; }

# The commit measured ("+": with uncommitted changes), for bench/render.py.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit=$commit+

# Address space randomization off while measuring (docs/BENCH.md, "The
# emulator's first run"): QEMU's TCG translates each block of guest code
# the first time it runs at a given virtual address and keeps the
# translation, so a kernel function is translated once per boot, while a
# program whose code ASLR moves on every start is translated again in every
# process. pagemap's reads are kernel code, pgwalkctl's decoding is user
# code: with ASLR on, every pgwalkctl run pays ~0.02-0.03 s of translation
# that (a) does not and hardware never does. BENCH_ASLR=2 measures with it.
aslr=${BENCH_ASLR:-0}
set_aslr "$aslr"

emit "guest kernel=$(uname -r) cpus=$(nproc) mem_kib=$mem_kib commit=$commit aslr=$aslr" \
	"thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)" \
	"buffer_size=$(awk '/^buffer_size:/ {print $2}' /sys/kernel/debug/pgwalk/info)" \
	"cpu=$(awk -F': ' '/^model name/ {gsub(/ /, "_", $2); print $2; exit}' /proc/cpuinfo)"

# Run the measured programs from the guest's tmpfs (stage in
# bench/common.sh). The C helpers are copied too, so that (a) and (b) start
# alike. LD_LIBRARY_PATH (runstat's, inherited) wins over pgwalkctl's
# RUNPATH.
stage=/tmp/bench-bin
stage "$stage" "$bin"/* "$pgwalkctl"
bin=$stage
pgwalkctl=$stage/$(basename "$pgwalkctl")
export LD_LIBRARY_PATH=$stage/lib
emit "staged $(du -sk "$stage" | cut -f1) KiB in $stage"

# (a2) where the kernel has PAGEMAP_SCAN (6.7+): pagemap_scan exits 3 without it.
scan=0
"$bin/pagemap_scan" $$ > /dev/null 2>&1 && scan=1
emit "pagemap_scan supported=$scan"

# One unrecorded run of every measured program, so that no tool's first
# sample carries the emulator's translation of its code (see BENCH_ASLR).
sleep 100000 &
warm=$!
for cmd in "$bin/pagemap_read $warm" "$bin/pagemap_scan $warm" "$bin/kread -t seq -r $kread_reads $warm" "$bin/kread -r $kread_reads $warm" \
	"$pgwalkctl walk --pid $warm --format none --stats" "$pgwalkctl verify --pid $warm --stats"; do
	$cmd >/dev/null 2>&1 || true
done
kill "$warm"; wait "$warm" 2>/dev/null || true

# runstat's stderr line, prefixed: "sample W TOOL RUN wall=... maxrss_kib=..."
measure() {
	local w=$1 tool=$2 run=$3
	shift 3
	local out
	# runstat's line and pgwalkctl's --stats line, both on stderr: one line.
	out=$(RUNSTAT_KEEP_STDOUT=1 "$bin/runstat" "$@" 2>&1 >/tmp/bench.out | tr '\n' ' ') || true
	emit "sample $w $tool $run $out $(tr '\n' ' ' </tmp/bench.out | tr -s ' ' | head -c 300)"
}

for w in $workloads; do
	SECONDS=0
	start_workload "$w" || { emit "skip $w"; continue; }
	emit "workload $w $(cat /tmp/bench.wl) setup_s=$SECONDS"
	pid=$wl_pid
	n=$runs
	for run in $(seq 1 "$n"); do
		measure "$w" pagemap "$run" "$bin/pagemap_read" "$pid"
		[ "$scan" = 0 ] || measure "$w" scan "$run" "$bin/pagemap_scan" "$pid"
		measure "$w" module "$run" "$bin/kread" -t seq -r "$kread_reads" "$pid"
		measure "$w" module_noseq "$run" "$bin/kread" -r "$kread_reads" "$pid"
		measure "$w" walk "$run" "$pgwalkctl" walk --pid "$pid" --format none --stats
		measure "$w" verify "$run" "$pgwalkctl" verify --pid "$pid" --stats
	done
	# The workload's own mapping, without the rest of the process.
	start=$(sed -n 's/.* start=\(0x[0-9a-f]*\).*/\1/p' /tmp/bench.wl)
	len=$(sed -n 's/.* len=\([0-9]*\).*/\1/p' /tmp/bench.wl)
	if [ "${len:-0}" -gt 0 ]; then
		end=$(printf '0x%x' $((start + len)))
		for run in $(seq 1 "$n"); do
			measure "$w" pagemap_map "$run" "$bin/pagemap_read" "$pid" "$start" "$end"
			[ "$scan" = 0 ] || measure "$w" scan_map "$run" "$bin/pagemap_scan" "$pid" "$start" "$end"
			measure "$w" module_map "$run" "$bin/kread" -t "seq start=$start end=$end" -r "$kread_reads" "$pid"
			measure "$w" walk_map "$run" "$pgwalkctl" walk --pid "$pid" --start "$start" --end "$end" \
				--format none --stats
			measure "$w" verify_map "$run" "$pgwalkctl" verify --pid "$pid" --start "$start" --end "$end" --stats
		done
	fi
	emit "done $w seconds=$SECONDS"
	stop_workload
done

# The kernel memory of a session: 64 sessions open at once on one target.
sleep 100000 &
sp=$!
emit "sessmem $("$bin/sessmem" 64 "$sp")"
kill "$sp"; wait "$sp" 2>/dev/null || true
emit "finished"
