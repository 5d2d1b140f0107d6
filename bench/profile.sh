#!/bin/bash
# Profiling, run in the guest (scripts/vm-run 'bench/profile.sh ...'):
# saves each workload's stream to build/bench/streams/W.pgw (for
# callgrind/perf of `pgwalkctl walk --input` on the host), and records
# pgwalkctl walk and verify with perf (cpu-clock; reports in
# build/bench/perf/). PROFILE_TOOLS picks what perf records: walk, verify
# (pgwalkctl), module (bench/kread -t seq) and pagemap (bench/pagemap_read),
# each run eight times in one recording.
#   PGWALKCTL=... PROFILE_PERF='dense-4k sparse-spread' bench/profile.sh dense-4k thp ...
#   PROFILE_PERF=dense-4k PROFILE_TOOLS='module pagemap' bench/profile.sh dense-4k
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
pgwalkctl=${PGWALKCTL:-.build/release/pgwalkctl}
mkdir -p build/bench/streams build/bench/perf
for w in "$@"; do
	start_workload "$w" || continue
	echo "== $w $(cat /tmp/bench.wl)"
	"$bin/kread" "$wl_pid" "build/bench/streams/$w.pgw"
	"$bin/kread" -t seq "$wl_pid" "build/bench/streams/$w-seq.pgw"
	case " ${PROFILE_PERF:-} " in
	*" $w "*)
		for tool in ${PROFILE_TOOLS:-walk verify}; do
			case $tool in
			walk) cmd=("$pgwalkctl" walk --pid "$wl_pid" --format none) ;;
			verify) cmd=("$pgwalkctl" verify --pid "$wl_pid") ;;
			module) cmd=("$bin/kread" -t seq "$wl_pid") ;;
			pagemap) cmd=("$bin/pagemap_read" "$wl_pid") ;;
			*) echo "profile: unknown tool $tool" >&2; exit 2 ;;
			esac
			perf record -q -e cpu-clock -F 2000 -g -o /tmp/perf.data -- \
				bash -c 'for i in 1 2 3 4 5 6 7 8; do "$@" > /dev/null; done' - "${cmd[@]}" \
				2>/tmp/perf.err || cat /tmp/perf.err
			perf report -i /tmp/perf.data --stdio --no-children --sort dso,symbol \
				-g none --percent-limit 0.5 2>/dev/null | head -60 > "build/bench/perf/$w-$tool.txt"
			head -40 "build/bench/perf/$w-$tool.txt"
		done ;;
	esac
	stop_workload
done
