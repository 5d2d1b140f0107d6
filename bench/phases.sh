#!/bin/bash
# Where walk's and verify's time goes on small real processes and on
# many-vmas, phase by phase (docs/BENCH.md, "Where the time goes"). Run as
# root inside a booted kernel, after make -C bench and make client:
#
#   make vm-run KVER=7.x CMD='bench/phases.sh'      (VM_MEM=3G for the JVM)
#
# For each target, BENCH_RUNS (5) interleaved runs of (a) bench/pagemap_read,
# pgwalkctl walk --format none --stats and pgwalkctl verify --stats, each
# under bench/runstat (the whole process's wall time). pgwalkctl's --stats
# line carries the work's time and its phases (t_probes, t_session, ...).
# Prints one "sample TARGET TOOL RUN ..." line per run; bench/phases.py
# turns them into the table of medians.
#
#   BENCH_RUNS=5 PHASES_TARGETS='tiny ktarget python jvm many-vmas'
#   PGWALKCTL_BEFORE=FILE   a second pgwalkctl (an older build), measured in
#                           the same loop as walk_before and verify_before:
#                           before and after see the same load
#   MODULE_BEFORE=FILE      instead, a second pgwalk.ko (an older build of
#                           kmod/ for this kernel): walk_before and
#                           verify_before run the same pgwalkctl with that
#                           module loaded in place of the one the boot
#                           loaded (build/kmod/RELEASE/pgwalk.ko, or
#                           MODULE_AFTER=FILE), swapped every run
#   PHASES_FLOOR=1          also (k) the module alone (bench/kread -t seq,
#                           reading as pgwalkctl and bench/run.sh do)
#                           and replay: pgwalkctl walk --input of the
#                           target's stream saved once, the client's work
#                           with no module and no process (what walk would
#                           cost on top of (k) if the two never overlapped;
#                           docs/BENCH.md, "What is still missed")
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/common.sh
pgwalkctl=${PGWALKCTL:-.build/release/pgwalkctl}
runs=${BENCH_RUNS:-5}
targets=${PHASES_TARGETS:-tiny ktarget python jvm many-vmas}

# As bench/run.sh: ASLR off (QEMU keeps each program's translated code) and
# the measured programs on the guest's tmpfs.
set_aslr "${BENCH_ASLR:-0}"
stage=/tmp/bench-bin
stage "$stage" "$bin/pagemap_read" "$bin/runstat" "$bin/workload" "$bin/kread" "$pgwalkctl"
tools="pagemap walk verify"
[ -n "${PHASES_FLOOR:-}" ] && tools="pagemap module walk replay verify"
if [ -n "${PGWALKCTL_BEFORE:-}" ]; then
	mkdir -p "$stage/before"
	cp "$PGWALKCTL_BEFORE" "$stage/before/pgwalkctl"
	before=$stage/before/pgwalkctl
	tools="pagemap walk verify walk_before verify_before"
elif [ -n "${MODULE_BEFORE:-}" ]; then
	module_after=${MODULE_AFTER:-build/kmod/$(uname -r)/pgwalk.ko}
	[ -e "$MODULE_BEFORE" ] && [ -e "$module_after" ] || { echo "phases: no $MODULE_BEFORE or $module_after" >&2; exit 2; }
	tools="pagemap walk verify swap walk_before verify_before swap"
	echo "before module $MODULE_BEFORE"
fi
# swap: the other of the two modules in place of the one loaded.
module_loaded=after
swap_module() {
	local ko=$MODULE_BEFORE
	[ "$module_loaded" = before ] && ko=$module_after
	rmmod pgwalk && insmod "$ko" || { echo "phases: cannot load $ko" >&2; exit 1; }
	if [ "$module_loaded" = before ]; then module_loaded=after; else module_loaded=before; fi
}
[ -e "$bin/Hold.class" ] && cp "$bin/Hold.class" "$stage/"
runstat=$stage/runstat pagemap_read=$stage/pagemap_read kread=$stage/kread
pgwalkctl=$stage/$(basename "$pgwalkctl")
export LD_LIBRARY_PATH=$stage/lib

echo "guest kernel=$(uname -r) cpus=$(nproc) commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# One unrecorded run of each program first (no first-run translation).
sleep 100000 &
warm=$!
for cmd in "$pagemap_read $warm" "$pgwalkctl walk --pid $warm --format none --stats" \
	"$pgwalkctl verify --pid $warm --stats" ${before:+"$before walk --pid $warm --format none" "$before verify --pid $warm"}; do
	$cmd > /dev/null 2>&1 || true
done
kill "$warm"; wait "$warm" 2>/dev/null || true

for t in $targets; do
	bin=$stage start_workload "$t" || { echo "skip $t"; continue; }
	pid=$wl_pid
	sleep 1
	echo "target $t pid=$pid vmas=$(wc -l < "/proc/$pid/maps") rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
	[ -n "${PHASES_FLOOR:-}" ] && "$kread" -t seq "$pid" /tmp/phases.pgw > /dev/null
	for run in $(seq 1 "$runs"); do
		for tool in $tools; do
			case $tool in
			swap) swap_module; continue ;;
			pagemap) cmd=("$pagemap_read" "$pid") ;;
			module) cmd=("$kread" -t seq -r "$kread_reads" "$pid") ;;
			replay) cmd=("$pgwalkctl" walk --input /tmp/phases.pgw --format none --stats) ;;
			walk) cmd=("$pgwalkctl" walk --pid "$pid" --format none --stats) ;;
			verify) cmd=("$pgwalkctl" verify --pid "$pid" --stats) ;;
			walk_before) cmd=("${before:-$pgwalkctl}" walk --pid "$pid" --format none --stats) ;;
			verify_before) cmd=("${before:-$pgwalkctl}" verify --pid "$pid" --stats) ;;
			esac
			# runstat's line (stderr) and the tool's own line, as one.
			out=$(RUNSTAT_KEEP_STDOUT=1 "$runstat" "${cmd[@]}" 2>&1 > /tmp/phases.out | tr '\n' ' ')
			case $tool in pagemap | module) out="$out $(cat /tmp/phases.out)" ;; esac
			echo "sample $t $tool $run $out"
		done
	done
	stop_workload
done
echo "finished"
