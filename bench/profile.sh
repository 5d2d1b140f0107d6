#!/bin/bash
# Profiling, run in the guest (scripts/vm-run 'bench/profile.sh ...'):
# saves each workload's stream to build/bench/streams/W.pgw (for
# callgrind/perf of `pgwalkctl walk --input` on the host), and records
# pgwalkctl walk and verify with perf (cpu-clock; reports in
# build/bench/perf/). PROFILE_TOOLS picks what perf records: walk, verify
# (pgwalkctl), module (bench/kread -t seq) and pagemap (bench/pagemap_read),
# each run eight times in one recording, from the guest's tmpfs with ASLR
# off as bench/run.sh measures. Each recording's samples are also saved as
# build/bench/perf/W-TOOL.script.gz, for bench/perf-categories.py (where a
# small process's time goes: the module, page faults, the Swift runtime's
# type lookups, system calls, the client's own code).
#   PGWALKCTL=... PROFILE_PERF='dense-4k sparse-spread' bench/profile.sh dense-4k thp ...
#   PROFILE_PERF=dense-4k PROFILE_TOOLS='module pagemap' bench/profile.sh dense-4k
#   PROFILE_FREQ=25000 PROFILE_PERF='tiny python' bench/profile.sh tiny python
# PROFILE_EVENT=page-faults records every page fault instead, with its call
# chain (build/bench/perf/W-TOOL.faults.gz, for bench/perf-faults.py: which
# code faults during the work, docs/BENCH.md change 25):
#   PROFILE_EVENT=page-faults PROFILE_PERF='tiny thp' bench/profile.sh tiny thp
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
mkdir -p build/bench/streams build/bench/perf
set_aslr "${BENCH_ASLR:-0}"
stage=/tmp/bench-bin
stage "$stage" "$bin/pagemap_read" "$bin/kread" "${PGWALKCTL:-.build/release/pgwalkctl}"
export LD_LIBRARY_PATH=$stage/lib
pgwalkctl=$stage/$(basename "${PGWALKCTL:-pgwalkctl}")
kread=$stage/kread pagemap_read=$stage/pagemap_read
for w in "$@"; do
	start_workload "$w" || continue
	echo "== $w $(cat /tmp/bench.wl)"
	"$kread" "$wl_pid" "build/bench/streams/$w.pgw"
	"$kread" -t seq "$wl_pid" "build/bench/streams/$w-seq.pgw"
	case " ${PROFILE_PERF:-} " in
	*" $w "*)
		for tool in ${PROFILE_TOOLS:-walk verify}; do
			case $tool in
			walk) cmd=("$pgwalkctl" walk --pid "$wl_pid" --format none) ;;
			verify) cmd=("$pgwalkctl" verify --pid "$wl_pid") ;;
			module) cmd=("$kread" -t seq "$wl_pid") ;;
			pagemap) cmd=("$pagemap_read" "$wl_pid") ;;
			*) echo "profile: unknown tool $tool" >&2; exit 2 ;;
			esac
			if [ "${PROFILE_EVENT:-cpu-clock}" = page-faults ]; then
				# One run after two unrecorded ones, every fault sampled.
				"${cmd[@]}" > /dev/null; "${cmd[@]}" > /dev/null
				perf record -q -e page-faults -c 1 -g -o /tmp/perf.data -- "${cmd[@]}" \
					> /dev/null 2>/tmp/perf.err || cat /tmp/perf.err
				perf script -i /tmp/perf.data -F ip,sym 2>/dev/null | gzip > "build/bench/perf/$w-$tool.faults.gz"
				python3 bench/perf-faults.py "build/bench/perf/$w-$tool.faults.gz" | head -20
				continue
			fi
			perf record -q -e cpu-clock -F "${PROFILE_FREQ:-2000}" -g -o /tmp/perf.data -- \
				bash -c 'for i in 1 2 3 4 5 6 7 8; do "$@" > /dev/null; done' - "${cmd[@]}" \
				2>/tmp/perf.err || cat /tmp/perf.err
			perf report -i /tmp/perf.data --stdio --no-children --sort dso,symbol \
				-g none --percent-limit 0.5 2>/dev/null | head -60 > "build/bench/perf/$w-$tool.txt"
			perf script -i /tmp/perf.data -F comm,ip,sym 2>/dev/null | gzip > "build/bench/perf/$w-$tool.script.gz"
			head -40 "build/bench/perf/$w-$tool.txt"
		done ;;
	esac
	stop_workload
done
