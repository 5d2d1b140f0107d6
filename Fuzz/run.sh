#!/bin/bash
# Runs the three decoder fuzzers built by `make fuzz-build` (docs/RELIABILITY.md,
# "Decoders under libFuzzer"), each from the committed corpus
# Fuzz/corpus/streams plus what it found before (build/fuzz/NAME/corpus).
#   Fuzz/run.sh runs N      N executions each (make fuzz-decoders: 10^6)
#   Fuzz/run.sh seconds S   S seconds each (make check-fuzz)
# FUZZ_CONFIG=debug runs the unoptimised build (make check-fuzz's).
# Fails when a fuzzer reports a crash, a timeout (-timeout), an allocation
# beyond -rss_limit_mb/-malloc_limit_mb, or a leak; the input that did it is
# kept as build/fuzz/NAME/crash-*. Prints one line of figures per fuzzer.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:-seconds}
amount=${2:-10}
case $mode in
runs) limit=(-runs="$amount") ;;
seconds) limit=(-max_total_time="$amount") ;;
*) echo "usage: Fuzz/run.sh runs N | seconds S" >&2; exit 2 ;;
esac

bin=Fuzz/.build/${FUZZ_CONFIG:-release}
declare -A fuzzers=([fuzz-stream]=$bin/fuzz-stream [fuzz-verify]=$bin/fuzz-verify [pgw-stream-c]=build/fuzz/bin/pgw-stream-c)
status=0
for name in fuzz-stream fuzz-verify pgw-stream-c; do
	exe=${fuzzers[$name]}
	dir=build/fuzz/$name
	mkdir -p "$dir/corpus"
	[ -x "$exe" ] || { echo "$name: $exe missing: make fuzz-build" >&2; exit 2; }
	start=$(date +%s)
	"$exe" "${limit[@]}" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$dir/crash-" "$dir/corpus" Fuzz/corpus/streams \
		> "$dir/log" 2>&1
	rc=$?
	seconds=$(( $(date +%s) - start ))
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$dir/log")
	rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$dir/log")
	rss=$(awk '/stat::peak_rss_mb/ { print $2 }' "$dir/log")
	corpus=$(ls "$dir/corpus" | wc -l)
	echo "$name: exit $rc, ${runs:-?} executions in ${seconds} s (${rate:-?}/s), peak RSS ${rss:-?} MB, corpus $corpus found + $(ls Fuzz/corpus/streams | wc -l) committed"
	if [ "$rc" -ne 0 ] || ls "$dir"/crash-* > /dev/null 2>&1; then
		status=1
		grep -E -m 5 'ERROR|SUMMARY|Fatal error|fuzz-' "$dir/log" | sed 's/^/  /'
		ls "$dir"/crash-* 2>/dev/null | sed 's/^/  reproducer: /'
	fi
done
exit $status
