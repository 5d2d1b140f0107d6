#!/bin/bash
# Records the stream Tests/host/run.sh draws with `pgwalkctl map --input` and
# checks in headless Chromium: a walk of `pgwalk-scenario diff-steps` before
# any step, and the layout the scenario printed (its regions), as
# Tests/PgwalkKitTests/Fixtures/map-diff-steps-4level.{pgw,layout} (or the
# path given, less its suffixes). Run in the booted kernel as root with
# pgwalk.ko loaded; record-fixtures.sh (make fixtures) calls it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
out=${1:-Tests/PgwalkKitTests/Fixtures/map-diff-steps-${PGWALK_PAGING:-4}level}
. Tests/integration/diff-steps.sh
start_diff_steps "$out.layout"
pid=$diff_steps_pid
"$ctl" walk --pid "$pid" --output "$out.pgw" > /dev/null
kill "$pid"
wait "$pid" 2>/dev/null || true
ls -l "$out.pgw" "$out.layout"
