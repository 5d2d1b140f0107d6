#!/bin/bash
# How many pread64 calls one `verify` makes on /proc/kpageflags and on
# pagemap, per build, on bench/phases.sh's small targets, in a booted guest
# (docs/BENCH.md, change 18): a count, which TCG's noise does not move.
#
#   make vm-run KVER=6.12 VM_MEM=3G CMD='bench/preads.sh OLD_PGWALKCTL NEW_PGWALKCTL'
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
command -v strace > /dev/null || { echo "bench/preads.sh: needs strace" >&2; exit 1; }
for t in ${PREADS_TARGETS:-tiny ktarget python jvm}; do
	start_workload "$t" || continue
	sleep 1
	for b in "$@"; do
		strace -f -y -e trace=pread64 -o /tmp/preads.strace "$b" verify --pid "$wl_pid" > /dev/null
		echo "$t $b: kpageflags $(grep -c '</proc/kpageflags>' /tmp/preads.strace)" \
			"pagemap $(grep -c 'pagemap>' /tmp/preads.strace)"
	done
	stop_workload
done
