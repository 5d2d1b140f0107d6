#!/bin/bash
# In a guest booted with lockdown=integrity and no module (vm-run KMOD=none
# VM_APPEND=lockdown=integrity): the kernel refuses the module (signed by
# DKMS's own key, which is not enrolled), pgwalkctl says why (exit 8) and
# info shows the level; walk says the module is not loaded.
set -uo pipefail
cd "$(dirname "$0")/../.."
ctl=${PGWALKCTL:-.build/release/pgwalkctl}
ko=${PGWALK_DKMS_KO:?PGWALK_DKMS_KO: the DKMS-built pgwalk.ko}
work=$(mktemp -d)
. Tests/lib/tap.sh
echo "# lockdown boot: $(uname -r), $(cat /proc/cmdline | grep -o 'lockdown=[a-z]*')"
grep -q ' /sys/kernel/security securityfs ' /proc/mounts || mount -t securityfs securityfs /sys/kernel/security
check "the kernel booted locked down at integrity" grep -q '\[integrity\]' /sys/kernel/security/lockdown
insmod "$ko" > "$work/insmod" 2>&1
rc=$?
echo "# insmod under lockdown: exit $rc: $(cat "$work/insmod")"
if [ "$rc" -ne 0 ]; then ok "insmod of the DKMS-signed module is refused"; else not_ok "insmod succeeded under lockdown"; rmmod pgwalk; fi
check_exit "pgwalkctl load --module: exit 8" 8 "$ctl" load --module "$ko"
check "... names lockdown and module signing with a MOK key" bash -c "grep -q 'locked down (lockdown=integrity)' '$work/last' && grep -q 'MOK' '$work/last'"
check "info shows lockdown: integrity" bash -c "'$ctl' info | grep -q '^lockdown: integrity'"
check_exit "walk: module not loaded, exit 3" 3 "$ctl" walk --pid 1
tap_summary
