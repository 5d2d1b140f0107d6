#!/bin/bash
# Records the streams the Swift unit tests decode (Tests/PgwalkKitTests/
# Fixtures/*.pgw) from the real module, in the booted kernel: `make fixtures`
# runs it once per paging mode. Run as root with pgwalk.ko loaded.
set -euo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
target=Tests/kernel/build/pgwalk-target
ko=${PGWALK_KO:-kmod/pgwalk.ko}
fixtures=Tests/PgwalkKitTests/Fixtures
mode=${PGWALK_PAGING:-4}level

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

# Each stream with and without seq, from the same target holding still:
# the unit tests check that the PTE_SEQ records expand to the others' calls.
start_target
"$ctl" walk --pid "$tpid" --no-seq --output "$fixtures/target-$mode.pgw" --format none
"$ctl" walk --pid "$tpid" --seq --output "$fixtures/target-$mode-seq.pgw" --format none
"$ctl" conform --pid "$tpid" --no-seq --output "$fixtures/target-$mode-trace.pgw"
"$ctl" conform --pid "$tpid" --seq --output "$fixtures/target-$mode-trace-seq.pgw"
stop_target

# A trace that spans several chunks: 8 MiB more of 4K pages, 16 KiB buffer.
start_target --big 8
rmmod pgwalk
insmod "$ko" buffer_kib=16
"$ctl" conform --pid "$tpid" --no-seq --output "$fixtures/big-$mode-trace-16k.pgw"
"$ctl" conform --pid "$tpid" --seq --output "$fixtures/big-$mode-trace-seq-16k.pgw"
stop_target
ls -l "$fixtures"/*"$mode"*.pgw
