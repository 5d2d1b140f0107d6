#!/bin/bash
# Profiling, run in the guest (scripts/vm-run 'bench/profile.sh ...'):
# saves each workload's stream to build/bench/streams/W.pgw (for
# callgrind/perf of `pgwalkctl walk --input` on the host), and records
# pgwalkctl walk and verify with perf (cpu-clock; reports in
# build/bench/perf/).
#   PGWALKCTL=... PROFILE_PERF='dense-4k sparse-spread' bench/profile.sh dense-4k thp ...
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
			args=(--pid "$wl_pid")
			[ $tool = walk ] && args+=(--format none)
			perf record -q -e cpu-clock -F 2000 -g -o /tmp/perf.data \
				"$pgwalkctl" $tool "${args[@]}" > /dev/null 2>/tmp/perf.err || cat /tmp/perf.err
			perf report -i /tmp/perf.data --stdio --no-children --sort dso,symbol \
				-g none --percent-limit 0.5 2>/dev/null | head -60 > "build/bench/perf/$w-$tool.txt"
			head -40 "build/bench/perf/$w-$tool.txt"
		done ;;
	esac
	stop_workload
done
