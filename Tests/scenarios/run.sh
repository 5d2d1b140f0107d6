#!/bin/bash
# The scenario matrix, run as root in the booted kernel (scripts/check-kernel
# runs it once with 4-level and once with 5-level paging; by hand:
# scripts/vm-run Tests/scenarios/run.sh, PAGING=5 for 5-level).
#
# Runs `pgwalkctl selftest --json --setup` (every scenario of
# docs/SCENARIOS.md; settings it changes are put back), keeps the JSON in
# build/scenarios/results-<release>-<N>level.json, prints one ok / not ok
# line per scenario (a skip is "ok N - name # SKIP reason"), one for a
# selftest interrupted by SIGTERM putting everything back
# (interrupt-check.sh), and "N passed, N failed"; then writes the table of
# every kernel and level run so far to build/scenarios/RESULTS.md. It never
# changes a tracked file: `Tests/scenarios/render-table.py --doc
# docs/SCENARIOS.md` puts the table into the doc, by hand, after the matrix.
#
# Environment: PGWALKCTL (default .build/release/pgwalkctl),
# PGWALK_SCENARIO (default: next to PGWALKCTL), SCENARIOS (names, default all).
set -uo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
scenario_bin=${PGWALK_SCENARIO:-$(dirname "$ctl")/pgwalk-scenario}
for f in "$ctl" "$scenario_bin"; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - $f is missing: swift build -c release --product pgwalkctl --product pgwalk-scenario"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# KSM merges in well under a second with pages_to_scan=1000; do not let a
# slow guest spend the default 30 s on it.
export PGWALK_SCENARIO_KSM_WAIT=${PGWALK_SCENARIO_KSM_WAIT:-20}

args=(selftest --json --setup --scenario-binary "$scenario_bin")
for name in ${SCENARIOS:-}; do args+=(--scenario "$name"); done

mkdir -p build/scenarios
tmp=$(mktemp build/scenarios/results.XXXXXX)
"$ctl" "${args[@]}" > "$tmp"
rc=$?
if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp" 2>/dev/null; then
	echo "not ok 1 - pgwalkctl selftest printed no JSON (exit $rc)"
	rm -f "$tmp"
	echo "0 passed, 1 failed"
	exit 1
fi
read -r release levels < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["kernel_release"], d["paging_levels"])' "$tmp")
out=build/scenarios/results-${release}-${levels}level.json
mv "$tmp" "$out"
chmod 644 "$out"

# Settings must also come back when selftest is interrupted.
interrupt=$(Tests/scenarios/interrupt-check.sh "$ctl" "$scenario_bin")
python3 Tests/scenarios/tap.py "$out" "settings restored after SIGTERM (${levels}-level)=$interrupt"
tap=$?
python3 Tests/scenarios/render-table.py --results build/scenarios --output build/scenarios/RESULTS.md ||
	echo "# could not write build/scenarios/RESULTS.md"
# exit 1 from selftest means failed scenarios (already counted); anything
# else is a crash of the suite itself.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	echo "# pgwalkctl selftest exited with $rc"
	exit 1
fi
exit $tap
