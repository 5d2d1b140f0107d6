#!/bin/bash
# Tests of the VM harness itself (scripts/vm-run), on the host: it boots
# real guests, briefly. Prints "ok N - name" / "not ok N - name" and ends with
# "N passed, N failed".
#
#   Tests/harness/run.sh            the default kernel
#   KVER=7.x Tests/harness/run.sh   another of the matrix
set -uo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. Tests/lib/tap.sh
# vm-run's output ends with what went wrong.
tap_detail() { tail -n 20; }
boots() { grep -c 'booting it once more' "$1" || true; }

# A command that runs and fails is the test's failure: its status, one boot.
scripts/vm-run 'echo from-the-guest; exit 3' > "$work/out" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q '^from-the-guest$' "$work/out" && [ "$(boots "$work/out")" -eq 0 ]; then
	ok "a failing command: its exit status (3), its output, no second boot"
else
	not_ok "a failing command: exit $rc, want 3 with its output and one boot" "$work/out"
fi

# A guest that dies before the command starts (here: no init, the kernel
# panics) is booted once more, the output says so, and then it fails.
VM_APPEND=rdinit=/nonexistent scripts/vm-run 'echo never' > "$work/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$(boots "$work/out")" -eq 1 ] &&
	grep -q 'gave no exit status' "$work/out" && ! grep -q '^never$' "$work/out" &&
	[ -s build/vm/last/console.first.log ]; then
	ok "a guest that dies before the command: booted once more, said so, failed (exit $rc), first console kept"
else
	not_ok "a guest that dies before the command: exit $rc, $(boots "$work/out") retries" "$work/out"
fi

# A kernel that is not there: a clear message, no boot.
KVER=0.0-none scripts/vm-run true > "$work/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "no kernel '0.0-none'" "$work/out"; then
	ok "an unknown KVER: exit $rc and a message naming it"
else
	not_ok "an unknown KVER: exit $rc" "$work/out"
fi

tap_summary
