#!/bin/bash
# callgrind instruction counts of verify and walk on bench/phases.sh's small
# targets, in a booted guest (docs/BENCH.md, "Where the time goes"):
#
#   cp .build/release/pgwalkctl build/p && strip --strip-debug build/p   # valgrind 3.19 cannot read Swift's DWARF 5
#   make vm-run KVER=6.1 VM_MEM=3G CMD='CG_BIN=build/p bench/phases-callgrind.sh'
#
# Writes build/phases/cg.{verify,walk}.TARGET (callgrind_annotate reads
# them) and prints each run's total.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
out=build/phases
mkdir -p "$out"
cp "${CG_BIN:?CG_BIN: a stripped pgwalkctl}" /tmp/p
for t in ${CG_TARGETS:-tiny python jvm}; do
	start_workload "$t" || continue
	sleep 1
	pid=$wl_pid
	/tmp/p verify --pid "$pid" > /dev/null # once, so that nothing is first-run
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.verify.$t" /tmp/p verify --pid "$pid" > /dev/null 2> "$out/cg.verify.$t.err"
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.walk.$t" /tmp/p walk --pid "$pid" --format none > /dev/null 2> "$out/cg.walk.$t.err"
	echo "$t: verify $(grep -o 'Collected : [0-9]*' "$out/cg.verify.$t.err"), walk $(grep -o 'Collected : [0-9]*' "$out/cg.walk.$t.err")"
	stop_workload
done
