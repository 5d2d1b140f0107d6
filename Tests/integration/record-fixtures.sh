#!/bin/bash
# Records the streams the Swift unit tests decode (Tests/PgwalkKitTests/
# Fixtures/) from the real module, in the booted kernel: `make fixtures`
# runs it in each kernel of the matrix, once per paging mode. Run as root
# with pgwalk.ko loaded.
#
# Where they go: Fixtures/ itself for Debian 6.1, the project's first
# kernel, whose recordings other tests name; Fixtures/NAME/ for any other
# kernel, NAME being its name in the matrix (6.12, 7.x), or the release
# when the matrix does not know it. FIXTURE_KERNEL=NAME overrides.
set -euo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
target=Tests/kernel/build/pgwalk-target
ko=${PGWALK_KO:-kmod/pgwalk.ko}
mode=${PGWALK_PAGING:-4}level

# The matrix name of the running kernel (build/matrix/NAME holds its release).
kernel_name() {
	local rec rel _root
	for rec in build/matrix/*; do
		[ -s "$rec" ] || continue
		read -r rel _root < "$rec"
		if [ "$rel" = "$(uname -r)" ]; then
			basename "$rec"
			return
		fi
	done
	uname -r
}

kernel=${FIXTURE_KERNEL:-$(kernel_name)}
case $kernel in
6.1) fixtures=Tests/PgwalkKitTests/Fixtures ;;
*) fixtures=Tests/PgwalkKitTests/Fixtures/$kernel ;;
esac
mkdir -p "$fixtures"
echo "# recording $mode fixtures of $(uname -r) into $fixtures"

start_target() {
	coproc TARGET { exec "$target" "$@"; }
	local line
	while read -r -t 60 line <&"${TARGET[0]}"; do [ "$line" = ready ] && break; done
	tpid=$TARGET_PID
}

stop_target() {
	kill "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
}

# The pages the walk reports, as rows: two recordings of a target holding
# still give the same.
rows() {
	"$ctl" walk --input "$1" --format csv
}

# record NAME COMMAND...: COMMAND --no-seq into NAME.pgw, then COMMAND --seq
# into NAME-seq.pgw (NAME-trace-seq-16k.pgw for NAME-trace-16k), again until
# both show the same pages: the unit tests check that the PTE_SEQ records
# expand to the other's calls. Should the kernel still change the target
# in between (accessed bits, below), the pair is recorded again.
record() {
	local name=$1 seqname try
	shift
	case $name in
	*-16k) seqname=${name%-16k}-seq-16k ;;
	*) seqname=$name-seq ;;
	esac
	for try in 1 2 3 4 5; do
		"$@" --no-seq --output "$fixtures/$name.pgw"
		"$@" --seq --output "$fixtures/$seqname.pgw"
		if cmp -s <(rows "$fixtures/$name.pgw") <(rows "$fixtures/$seqname.pgw"); then
			return 0
		fi
		echo "# $name: the target changed between the two recordings (try $try), again"
	done
	echo "record-fixtures: $name and $seqname never showed the same pages" >&2
	return 1
}

# Keep the kernel from clearing accessed bits of the idle target while
# recording, and put its settings back afterwards: DAMON_STAT (on by
# default in Debian's 7.x) samples physical memory by clearing them through
# the rmap, MGLRU's aging walks page tables (6.12, 7.x).
. Tests/lib/knobs.sh
trap restore_knobs EXIT
set_knob /sys/module/damon_stat/parameters/enabled N
set_knob /sys/kernel/mm/lru_gen/enabled n

start_target
record "target-$mode" "$ctl" walk --pid "$tpid" --format none
record "target-$mode-trace" "$ctl" conform --pid "$tpid"
stop_target

# A trace that spans several chunks: 8 MiB more of 4K pages, 16 KiB buffer.
start_target --big 8
rmmod pgwalk
insmod "$ko" buffer_kib=16
record "big-$mode-trace-16k" "$ctl" conform --pid "$tpid"
stop_target
# The page map's host test draws (Tests/host/run.sh).
Tests/integration/record-map-fixture.sh "$fixtures/map-diff-steps-$mode" > /dev/null
ls -l "$fixtures"/*"$mode"*.pgw
