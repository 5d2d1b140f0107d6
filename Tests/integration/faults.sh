# pgwalkctl under faults in the booted kernel (docs/RELIABILITY.md, "The
# client under faults"): sourced by Tests/integration/run.sh, whose helpers
# (ok, not_ok, check, check_exit, start_target, stop_target) and variables
# ($ctl, $ko, $work) it uses. Each fault must end in a message and the
# documented exit code, never a crash (exit >= 128) or a hang (timeout).
#
# The session is held open deterministically: --output is a FIFO nobody
# reads yet, so pgwalkctl blocks writing the copy of a stream larger than
# the pipe (--no-seq: 16 bytes a page, 64 MiB of 4K pages = 256 KiB) with
# its walk session open. With buffer_kib=16 the module fills that stream
# in 16 chunks, so most of the walk is still to come when it blocks.

info=/sys/kernel/debug/pgwalk/info
sessions() { awk '$1 == "sessions:" { print $2 }' "$info" 2>/dev/null; }

# hold_session: starts `pgwalkctl walk --pid $tpid --no-seq --output FIFO`
# in the background ($held_pid) and waits until its session is open.
hold_session() {
	rm -f "$work/fifo"; mkfifo "$work/fifo"
	exec 8<> "$work/fifo"
	# Neither it nor the reader below may inherit fd 8, the shell's own
	# end: a reader holding a writer's end never sees end-of-file.
	timeout 60 "$ctl" walk --pid "$tpid" --no-seq --output "$work/fifo" > "$work/held.out" 2> "$work/held.err" 8<&- &
	held_pid=$!
	local i
	for i in $(seq 100); do
		[ "$(sessions)" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# release_session: drains the FIFO into $work/held.pgw; waits for
# pgwalkctl; its exit status in $held_rc.
release_session() {
	# The reader's end is opened here, before the shell's own (fd 8, read
	# and write) is closed: for a moment without a reader the blocked
	# writer would get EPIPE. The reader gets none of the writing ends, or
	# it would never see end-of-file.
	exec 9< "$work/fifo"
	timeout 120 cat <&9 > "$work/held.pgw" 8<&- 9<&- &
	local cat_pid=$!
	exec 8<&- 9<&-
	wait "$held_pid"; held_rc=$?
	wait "$cat_pid"
}

reload buffer_kib=16 || not_ok "faults: reload with buffer_kib=16"
start_target --big 64

# The target dies mid-walk: killed while the session is held.
if hold_session; then
	kill -9 "$tpid"; wait "$tpid" 2>/dev/null
	release_session
	if [ "$held_rc" -eq 5 ] && grep -q "pid $tpid exited" "$work/held.err" \
		&& "$ctl" walk --input "$work/held.pgw" > /dev/null 2>&1; then
		ok "target killed mid-walk: exit 5, '$(head -c 100 "$work/held.err")', the saved stream valid"
	else
		cat "$work/held.err" > "$work/out"; echo "exit $held_rc" >> "$work/out"
		not_ok "target killed mid-walk: exit $held_rc, want 5" "$work/out"
	fi
else
	not_ok "target killed mid-walk: no session seen open"; release_session
fi

# verify of a target killed at some point: exit 0 (done before) or 5, with a message.
bad=0
for delay in 0 0.05 0.1 0.2 0.4; do
	start_target --big 16
	timeout 120 "$ctl" verify --pid "$tpid" > /dev/null 2> "$work/err" & vpid=$!
	sleep "$delay"; kill -9 "$tpid"; wait "$tpid" 2>/dev/null
	wait "$vpid"; rc=$?
	if ! { [ "$rc" -eq 0 ] || { [ "$rc" -eq 5 ] && [ -s "$work/err" ]; }; }; then
		bad=$((bad + 1)); { cat "$work/err"; echo "delay $delay: exit $rc"; } >> "$work/verify-killed"
	fi
done
if [ "$bad" -eq 0 ]; then ok "verify of a target killed after 0-0.4 s: exit 0 or 5 with a message, 5 runs"
else not_ok "verify of a target killed meanwhile: $bad of 5 runs" "$work/verify-killed"; fi
start_target --big 64

# The module unloaded mid-session: rmmod is refused while pgwalkctl's
# session is open, and the walk finishes intact.
if hold_session; then
	if rmmod pgwalk 2> "$work/rmmod.err"; then
		not_ok "rmmod during a session: it succeeded"
		insmod "$ko"
	else
		ok "rmmod during a session: refused ($(head -c 80 "$work/rmmod.err"))"
	fi
	release_session
	if [ "$held_rc" -eq 0 ] && "$ctl" walk --input "$work/held.pgw" > /dev/null 2>&1; then
		ok "the session rmmod tried to end: exit 0, stream valid"
	else
		not_ok "the session rmmod tried to end: exit $held_rc" "$work/held.err"
	fi
else
	not_ok "rmmod during a session: no session seen open"; release_session
fi

# ... and between the sessions of a verify (its passes, its re-checks):
# rmmod retried until it succeeds; verify either finished (0) or says the
# module is not loaded (3).
bad=0
for _ in 1 2 3; do
	timeout 120 "$ctl" verify --pid "$tpid" > /dev/null 2> "$work/err" & vpid=$!
	for _ in $(seq 2000); do rmmod pgwalk 2>/dev/null && break; done
	wait "$vpid"; rc=$?
	[ -d /sys/module/pgwalk ] || insmod "$ko"
	if ! { [ "$rc" -eq 0 ] || { [ "$rc" -eq 3 ] && grep -q "not loaded" "$work/err"; }; }; then
		bad=$((bad + 1)); { cat "$work/err"; echo "exit $rc"; } >> "$work/unload-verify"
	fi
done
if [ "$bad" -eq 0 ]; then ok "module unloaded while verify runs: exit 0 or 3 with a message, 3 runs"
else not_ok "module unloaded while verify runs: $bad of 3 runs" "$work/unload-verify"; fi

# The disk fills during --output: a 64 KiB tmpfs, and /dev/full.
mkdir -p "$work/small" && mount -t tmpfs -o size=64k tmpfs "$work/small"
check_full() {
	local name=$1 file=$2
	timeout 60 "$ctl" walk --pid "$tpid" --no-seq --output "$file" > /dev/null 2> "$work/err"
	local rc=$?
	if [ "$rc" -eq 7 ] && grep -q "No space left on device" "$work/err" && [ "$(sessions)" = 0 ]; then
		ok "$name: exit 7, '$(head -c 100 "$work/err")', session closed"
	else
		not_ok "$name: exit $rc, want 7 with ENOSPC (sessions $(sessions))" "$work/err"
	fi
}
check_full "--output on a full 64 KiB tmpfs" "$work/small/walk.pgw"
check_full "--output /dev/full" /dev/full
umount "$work/small"

stop_target
reload || { [ -d /sys/module/pgwalk ] || insmod "$ko"; }
