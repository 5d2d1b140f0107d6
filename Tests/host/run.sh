#!/bin/bash
# pgwalkctl on the host, no module needed: corrupt saved streams and the
# client's faults that need no kernel module (docs/RELIABILITY.md).
# Run by `make check-host` (part of `make check`). Prints "ok N - name" /
# "not ok N - name" and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
fixtures=Tests/PgwalkKitTests/Fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. Tests/lib/tap.sh

echo "# host tests of pgwalkctl: $ctl"

# --- A corrupt stream: exit 6 and a message naming the byte offset. ---

# check_damaged FILE: runs "${CMD_ARGS[@]} FILE"; prints a line when it
# did not exit 6 with "at byte N", N within the file (a header of a format
# version this pgwalkctl does not read is exit 9, versions disagree).
check_damaged() {
	local file=$1 size out rc at want=6
	case $(basename "$file") in bad-version*) want=9 ;; esac
	size=$(stat -c %s "$file")
	out=$(timeout 20 "${CMD_ARGS[@]}" "$file" 2>&1 >/dev/null)
	rc=$?
	at=$(grep -o 'at byte [0-9]*' <<< "$out" | head -n 1 | grep -o '[0-9]*$')
	if [ "$rc" -ne "$want" ] || [ -z "$at" ] || [ "$at" -gt "$size" ]; then
		echo "$(basename "$file"): exit $rc: ${out:0:200}"
	fi
}
export -f check_damaged

# A recorded walk cut to its first 16 records (a valid stream ending as a
# walk whose target died does: Fuzz/make-seeds.py), damaged at every
# record; whole recordings damaged at their last 3 records (the END).
python3 Tests/host/corrupt.py Fuzz/corpus/streams/6.1-target-4level-seq-first16.pgw "$work/short" > /dev/null
python3 Tests/host/corrupt.py --last 3 "$fixtures/target-4level-seq.pgw" "$work/long" > /dev/null
python3 Tests/host/corrupt.py --last 3 "$fixtures/7.x/target-5level-trace.pgw" "$work/trace" > /dev/null

# damaged NAME DIRS CMD...: every damaged stream of DIRS through CMD.
damaged() {
	local name=$1 dirs=$2; shift 2
	local bad count
	count=$(for d in $dirs; do ls "$work/$d"; done | wc -l)
	bad=$(for d in $dirs; do
		printf '%s\0' "$work/$d"/*.pgw | CMD="$*" xargs -0 -P 2 -n 32 bash -c \
			'read -ra CMD_ARGS <<< "$CMD"; for f; do check_damaged "$f"; done' _
	done)
	if [ -z "$bad" ]; then
		ok "$name: $count damaged streams each exit 6 with the byte offset"
	else
		echo "$bad" > "$work/bad"
		not_ok "$name: $(wc -l < "$work/bad") of $count damaged streams" "$work/bad"
	fi
}
damaged "walk --input" "short long trace" "$ctl" walk --input
damaged "walk --tree --input" "short long trace" "$ctl" walk --tree --input
# conform wants a trace: a plain stream is refused (exit 7) before it is read.
damaged "conform --input" "trace" "$ctl" conform --input
damaged "translate --input" "short trace" "$ctl" translate 0x400000 --input

# A process to read from pagemap on this host (which has no module).
sleep 600 & helper=$!
trap 'kill $helper 2>/dev/null; rm -rf "$work"' EXIT

# --- Standard output a closed pipe: the reader went away (| head -c1). ---
# Outputs well beyond the pipe's 64 KiB (0.4-0.9 MB), so that the writes
# after head exits do fail (before the fix: death by SIGPIPE, status 141).
big=$fixtures/big-4level-trace-16k.pgw
for cmd in "walk --input $big" "walk --tree --depth 4 --input $big" \
	"walk --format json --input $big" "walk --source pagemap --pid $helper"; do
	# shellcheck disable=SC2086
	timeout 20 "$ctl" $cmd 2> "$work/err" | head -c1 > /dev/null
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ] && [ ! -s "$work/err" ]; then
		ok "pgwalkctl $cmd | head -c1: exit 0, quietly"
	else
		not_ok "pgwalkctl $cmd | head -c1: exit $rc" "$work/err"
	fi
done

# --- The disk fills: standard output on a full device. ---
for cmd in "walk --input $fixtures/target-4level.pgw" "walk --source pagemap --pid $helper"; do
	# shellcheck disable=SC2086
	timeout 20 "$ctl" $cmd > /dev/full 2> "$work/err"
	rc=$?
	if [ "$rc" -eq 7 ] && grep -q 'No space left on device' "$work/err"; then
		ok "pgwalkctl $cmd > /dev/full: exit 7, $(head -c 120 "$work/err")"
	else
		not_ok "pgwalkctl $cmd > /dev/full: exit $rc, want 7 and ENOSPC" "$work/err"
	fi
done

# --- /proc files vanish: the target exits while pagemap is read. ---
# A short-lived process, walked from pagemap over and over as it exits:
# each run either completes (0) or says the process is gone (5).
bad=0
for _ in $(seq 40); do
	sleep 0.02 & pid=$!
	timeout 20 "$ctl" walk --source pagemap --pid "$pid" > /dev/null 2> "$work/err"
	rc=$?
	wait "$pid" 2>/dev/null
	if ! { [ "$rc" -eq 0 ] || { [ "$rc" -eq 5 ] && grep -q "$pid" "$work/err"; }; }; then
		bad=$((bad + 1)); cp "$work/err" "$work/vanish-err"; echo "exit $rc" >> "$work/vanish-err"
	fi
done
if [ "$bad" -eq 0 ]; then ok "walk --source pagemap of a process exiting meanwhile: exit 0 or 5, 40 runs"
else not_ok "walk --source pagemap of a process exiting meanwhile: $bad of 40 runs" "$work/vanish-err"; fi
check_gone() {
	local name=$1; shift
	timeout 20 "$@" > /dev/null 2> "$work/err"
	local rc=$?
	if [ "$rc" -eq 5 ] && [ -s "$work/err" ]; then ok "$name: exit 5, $(head -c 120 "$work/err")"
	else not_ok "$name: exit $rc, want 5" "$work/err"; fi
}
sleep 0.01 & gone=$!; wait "$gone"
check_gone "walk --source pagemap of a process already gone" "$ctl" walk --source pagemap --pid "$gone"

# --- --stats: where the time went, phase by phase (docs/BENCH.md). ---
# stats_line PHASES...: the --stats line on $work/stats.err names these
# phases, in this order, after the counts, and they add up to no more than
# the whole.
stats_line() {
	python3 - "$work/stats.err" "$@" << 'PY'
import re, sys
line = open(sys.argv[1]).read()
m = re.fullmatch(r'pgwalkctl walk: seconds=(\d+\.\d{6})((?: [a-z_]+=\d+)*)((?: t_[a-z]+=\d+\.\d{6})+)\n', line)
if not m:
    sys.exit('not a --stats line: %r' % line)
phases = [p.split('=') for p in m.group(3).split()]
if [n for n, _ in phases] != ['t_' + n for n in sys.argv[2:]]:
    sys.exit('phases %s, want %s' % ([n for n, _ in phases], sys.argv[2:]))
if sum(float(v) for _, v in phases) > float(m.group(1)) + 1e-5:
    sys.exit('phases add up to more than seconds=%s' % m.group(1))
PY
}
"$ctl" walk --input "$fixtures/target-4level-seq.pgw" --format none --stats > /dev/null 2> "$work/stats.err"
check "walk --input --stats: records, then t_session, t_stream and t_output" stats_line session stream output
"$ctl" walk --source pagemap --pid $$ --format none --stats > /dev/null 2> "$work/stats.err"
check "walk --source pagemap --stats: t_pagemap and t_output" stats_line pagemap output

# --- pgwalkctl map, drawn by headless Chromium. ---
# A recorded walk of pgwalk-scenario diff-steps (record-map-fixture.sh) and
# its regions: the page must draw them where they are, in their classes'
# colours (DOM and screenshot pixels, Tests/integration/map_check.py).
# Here, not in the guests, where Chromium under emulation takes minutes.
if "$ctl" map --input "$fixtures/map-diff-steps-4level.pgw" --output "$work/map.html" 2> "$work/err"; then
	mkdir -p "$work/chromium"
	python3 Tests/integration/map_check.py "$work/map.html" "$fixtures/map-diff-steps-4level.layout" \
		"$work/chromium" > "$work/out" 2>&1
	case $? in
	0) ok "map: Chromium draws the 4K, THP and none regions where the layout has them, in the legend's colours" ;;
	77) ok "map: Chromium # SKIP $(tail -n 1 "$work/out")" ;;
	*) not_ok "map: Chromium draws the regions in the legend's colours" "$work/out" ;;
	esac
else
	not_ok "map --input of a recorded stream" "$work/err"
fi

tap_summary
