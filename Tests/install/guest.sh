#!/bin/bash
# In a booted guest with no module loaded (vm-run KMOD=none), as root:
# the DKMS-built module ($PGWALK_DKMS_KO) installed where DKMS puts it,
# loaded and unloaded with pgwalkctl load/unload (modprobe), debugfs
# mounted by load, then lockdown raised at run time: walk and verify say
# what lockdown forbids (exit 8), and an unsigned reload is refused.
# Lockdown cannot be lowered again: these are this boot's last steps.
set -uo pipefail
cd "$(dirname "$0")/../.."
ctl=${PGWALKCTL:-.build/release/pgwalkctl}
ko=${PGWALK_DKMS_KO:?PGWALK_DKMS_KO: the DKMS-built pgwalk.ko}
rel=$(uname -r)
work=$(mktemp -d)
. Tests/lib/tap.sh
loaded() { grep -q '^pgwalk ' /proc/modules; }

echo "# install guest: $rel"
# The guest's init mounts no securityfs (systemd does on a real machine):
# without it the lockdown level cannot be read.
grep -q ' /sys/kernel/security securityfs ' /proc/mounts || mount -t securityfs securityfs /sys/kernel/security
sleep infinity & target=$! # the guest may run long beside other work

check_exit "walk without the module: exit 3" 3 "$ctl" walk --pid "$target"
check "... and the message names the command: sudo pgwalkctl load" grep -q "sudo pgwalkctl load" "$work/last"
check_exit "load as a user: exit 4, says to use sudo" 4 setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" load
check_exit "load without the module installed: modprobe fails, exit 7" 7 "$ctl" load
check "... and the message says how to install it" grep -q "sudo make install" "$work/last"

# /lib/modules/$rel is the kernel's modules, read-only over 9p, and depmod
# over all of them is slow under emulation: a tmpfs with the kernel's small
# index files and the module where DKMS installs it (updates/dkms) stands in
# for it while modprobe runs (pgwalk depends on no other module).
mods=/lib/modules/$rel
mkdir -p "$work/index"
cp "$mods"/modules.builtin* "$mods"/modules.order "$work/index/" 2>/dev/null
if [ -z "$(modinfo -F depends "$ko")" ] && mount -t tmpfs tmpfs "$mods"; then
	# Under the name DKMS gave it: pgwalk.ko, or pgwalk.ko.xz where the
	# kernel's modules are compressed (Debian 13).
	installed=$mods/updates/dkms/$(basename "$ko")
	cp "$work/index"/* "$mods/" && install -D -m 644 "$ko" "$installed" && depmod "$rel"
	check "modinfo finds pgwalk in updates/dkms, as DKMS installs it" bash -c "[ \"\$(modinfo -n pgwalk)\" = '$installed' ]"
	if umount /sys/kernel/debug 2>/dev/null; then
		check_exit "load: modprobe pgwalk and mount debugfs: exit 0" 0 "$ctl" load
		check "... debugfs is mounted again" grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
	else
		echo "# debugfs could not be unmounted: load's mount is not tested here"
		check_exit "load: modprobe pgwalk: exit 0" 0 "$ctl" load
	fi
	check "... pgwalk is loaded, from updates/dkms" bash -c "grep -q '^pgwalk ' /proc/modules && grep -q 'modprobe pgwalk' '$work/last'"
	check_exit "load again: already loaded, exit 0" 0 "$ctl" load
	check "info: versions agree, lockdown none" bash -c "'$ctl' info > '$work/info' && grep -q '^versions: agree' '$work/info' && grep -q '^lockdown: none' '$work/info' || { cat '$work/info'; exit 1; }"
	check "verify with the DKMS-built module" "$ctl" verify --pid "$target"
	check_exit "unload: exit 0" 0 "$ctl" unload
	check "... pgwalk is gone" bash -c "! grep -q '^pgwalk ' /proc/modules"
	check_exit "unload again: not loaded, exit 0" 0 "$ctl" unload
	umount "$mods"
else
	not_ok "cannot stand a tmpfs in for $mods (or pgwalk.ko depends on another module)"
fi
check_exit "load --module FILE (insmod): exit 0" 0 "$ctl" load --module "$ko"
check "... loaded" loaded

# Lockdown at run time (it can be raised, never lowered).
lock=/sys/kernel/security/lockdown
if [ -w "$lock" ] && echo integrity > "$lock"; then
	check "lockdown is now integrity" grep -q '\[integrity\]' "$lock"
	check_exit "walk under lockdown: exit 8" 8 "$ctl" walk --pid "$target"
	check "... says the kernel is locked down, what it forbids and what to do" bash -c \
		"grep -q 'locked down (lockdown=integrity)' '$work/last' && grep -q 'MOK-enrolled key' '$work/last' && grep -q 'turn lockdown off' '$work/last'"
	check_exit "verify under lockdown: exit 8" 8 "$ctl" verify --pid "$target"
	check "info under lockdown: names the level and still reads the module's info" bash -c \
		"'$ctl' info > '$work/info'; grep -q '^lockdown: integrity' '$work/info' && grep -q '^module: pgwalk' '$work/info' || { cat '$work/info'; exit 1; }"
	check_exit "walk --source pagemap still works under lockdown" 0 "$ctl" walk --pid "$target" --source pagemap
	check_exit "unload under lockdown: exit 0" 0 "$ctl" unload
	# The DKMS key is not one this kernel trusts: lockdown refuses the module.
	check_exit "load of a module signed by an untrusted key under lockdown: exit 8" 8 "$ctl" load --module "$ko"
	check "... says lockdown refused it, and how to sign with a MOK key" bash -c \
		"grep -q 'locked down' '$work/last' && grep -q 'MOK' '$work/last'"
else
	not_ok "cannot raise lockdown at run time ($lock: $(cat "$lock" 2>&1))"
fi
kill "$target"
tap_summary
