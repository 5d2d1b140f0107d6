#!/bin/bash
# Interrupts `pgwalkctl selftest --setup` while its swap scenario holds
# zram swap, and checks that the system is as before: no swap left on, zram
# unloaded if it was not loaded, KSM and THP as they were. Prints one line:
# "pass" or "fail: what differs". Used by run.sh; needs root.
#   interrupt-check.sh PGWALKCTL PGWALK_SCENARIO
set -uo pipefail
ctl=$1
scenario_bin=$2

snapshot() {
	cat /proc/swaps
	[ -e /sys/module/zram ] && echo "zram loaded" || echo "zram not loaded"
	cat /sys/kernel/mm/ksm/run /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
	cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
}

if grep -q zram /proc/swaps; then
	echo "pass (not checked: zram swap was already on)"
	exit 0
fi
before=$(snapshot)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$ctl" selftest --setup --hold-after-setup --scenario swap-4k --scenario-binary "$scenario_bin" >"$log" 2>&1 &
pid=$!
# selftest says when the swap scenario's settings are in place, then holds
# until a signal: interrupt exactly there. Bash builtins only (an exec over
# the guest's 9p root is slow).
exec 9<> <(:)
for _ in $(seq 3000); do
	[[ $(<"$log") == *"settings applied, holding"* ]] && break
	kill -0 "$pid" 2>/dev/null || break
	read -r -t 0.02 -u 9 _ || true
done
if ! grep -q zram /proc/swaps; then
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	echo "fail: selftest did not turn zram swap on before holding (exit $status): $(tr '\n' ' ' < "$log")"
	exit 0
fi
kill -TERM "$pid"
wait "$pid"
status=$?
after=$(snapshot)
if [ "$status" -ne 143 ]; then
	echo "fail: selftest exited with $status after SIGTERM, expected 143 (killed by SIGTERM after restoring)"
elif [ "$before" != "$after" ]; then
	echo "fail: settings differ after SIGTERM: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')"
else
	echo "pass"
fi
