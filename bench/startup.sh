#!/bin/bash
# Process start-up under the emulated guest (docs/BENCH.md, "Process
# start-up"): task clock and page faults of programs that do (almost)
# nothing, from the guest's tmpfs, with perf stat. `make bench-startup`
# builds the programs (build/bench/startup/) and runs this in the guest.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
stage=/tmp/startup
stage "$stage" build/bench/startup/*
export LD_LIBRARY_PATH=$stage/lib
cp Tests/PgwalkKitTests/Fixtures/target-4level-seq.pgw "$stage/small.pgw"

run() {
	echo "== $*"
	perf stat -r 15 -e task-clock,page-faults "$@" 2>&1 >/dev/null |
		grep -E "task-clock|page-faults|elapsed"
}
# Two rounds as Debian ships (randomize_va_space 2), two with address space
# randomization off (0), where the emulator reuses the code it translated
# for the previous run (docs/BENCH.md, "The emulator's first run").
for round in 1 2 3 4; do
	aslr=2
	[ "$round" -gt 2 ] && aslr=0
	set_aslr "$aslr"
	echo "# round $round, randomize_va_space $aslr"
	run /bin/true
	run "$stage/hello"
	run "$stage/hello-foundation"
	run "$stage/pgwalkctl" --version
	[ -x "$stage/pgwalkctl-static" ] && run "$stage/pgwalkctl-static" --version
	run "$stage/pgwalkctl" walk --input "$stage/small.pgw" --format none
	[ -x "$stage/pgwalkctl-static" ] && run "$stage/pgwalkctl-static" walk --input "$stage/small.pgw" --format none
done
