#!/bin/sh
# In-guest entry point of the reliability suite (see scripts/vm-run):
#   KVER=7.x scripts/vm-run 'Tests/reliability/run.sh'
# Assumes root, debugfs at /sys/kernel/debug and pgwalk.ko loaded ($PGWALK_KO).
# Builds nothing: 'make -C Tests/reliability' on the host first.
#
# 1. hostile requests (pgwalk-fuzz fuzz): FUZZ_REQUESTS sessions (default
#    1000; make fuzz: 10^5), FUZZ_THREADS (2) threads + one unprivileged process
# 2. module lifecycle:
#    - LIFECYCLE_CYCLES (default 1; make fuzz: 200) rmmod/insmod cycles, each
#      with 4 sessions walked and closed in between, sessions: 0 each time
#    - delete_module refused while a session is open, accepted after
#    - a read racing a close (LIFECYCLE_RACES, default 20)
#    - a session outliving its target (LIFECYCLE_OUTLIVE, default 10)
#    - buffer_kib changing mid-session
#    - 8 concurrent sessions x LIFECYCLE_ROUNDS (default 4) == a lone walk
# The defaults are make check's: an rmmod/insmod costs 10-17 s in the TCG
# guest (the ftrace redirect's registration and removal), so make check
# does two (one cycle, and the unload after the busy check); make fuzz
# (scripts/fuzz) runs the long figures.
# The last line is "N passed, N failed"; exit status 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2
fuzz=$here/build/pgwalk-fuzz
ko=${PGWALK_KO:-$root/kmod/pgwalk.ko}
walk=/sys/kernel/debug/pgwalk/walk
info=/sys/kernel/debug/pgwalk/info
requests=${FUZZ_REQUESTS:-1000}
threads=${FUZZ_THREADS:-2}
cycles=${LIFECYCLE_CYCLES:-1}
races=${LIFECYCLE_RACES:-20}
rounds=${LIFECYCLE_ROUNDS:-4}

passed=0
failed=0
next=1
tmp=$(mktemp -d /tmp/pgwalk-rel.XXXXXX)

say_ok() { echo "ok $next - $1"; passed=$((passed + 1)); next=$((next + 1)); }
say_fail() { echo "not ok $next - $1"; failed=$((failed + 1)); next=$((next + 1)); }

finish() {
	rm -rf "$tmp"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# run_phase NAME ARGS...: pgwalk-fuzz, its ok lines renumbered into ours
run_phase() {
	name=$1
	shift
	t0=$(date +%s.%N)
	"$fuzz" "$@" > "$tmp/out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	while IFS= read -r line; do
		case $line in
		"ok "*) say_ok "$name: ${line#ok * - }" ;;
		"not ok "*) say_fail "$name: ${line#not ok * - }" ;;
		*" passed, "*" failed") ;;
		*) echo "$line" ;;
		esac
	done < "$tmp/out"
	echo "# $name: $(echo "$t1 - $t0" | bc) s"
	grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out" ||
		say_fail "$name printed no summary (exit $rc)"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/out"; then
		say_fail "$name exited $rc"
	fi
}

loaded() { grep -q '^pgwalk ' /proc/modules; }
sessions() { sed -n 's/^sessions: //p' "$info"; }

if [ "$(id -u)" -ne 0 ]; then
	say_fail "run as root"
	finish
fi
if [ ! -x "$fuzz" ]; then
	say_fail "$fuzz is built (make -C Tests/reliability on the host)"
	finish
fi
if [ ! -e "$walk" ]; then
	say_fail "$walk exists (module loaded, debugfs mounted)"
	finish
fi
echo "# kernel $(uname -r), $(grep -q ' la57' /proc/cpuinfo && echo 'cpu la57' || echo 'no la57'), $(nproc) cpus; requests $requests, threads $threads, cycles $cycles"

# 1
run_phase fuzz fuzz --requests "$requests" --threads "$threads" --slab-bound "${FUZZ_SLAB_BOUND:-100}" --doc "$root/docs/FORMAT.md"

# 2: load/unload cycles with sessions in between
t0=$(date +%s.%N)
bad=
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	if ! rmmod pgwalk; then bad="cycle $i: rmmod failed"; break; fi
	if loaded || [ -e "$walk" ]; then bad="cycle $i: still loaded after rmmod"; break; fi
	if ! insmod "$ko"; then bad="cycle $i: insmod failed"; break; fi
	if ! "$fuzz" walk 4 > "$tmp/walk" 2>&1; then
		bad="cycle $i: $(grep '^not ok' "$tmp/walk")"
		break
	fi
	s=$(sessions)
	if [ "$s" != 0 ]; then bad="cycle $i: sessions: $s"; break; fi
done
t1=$(date +%s.%N)
if [ -z "$bad" ]; then
	say_ok "$cycles rmmod/insmod cycles, 4 sessions walked to END 0 and closed in each, sessions: 0 after each ($(echo "$t1 - $t0" | bc) s)"
else
	say_fail "$cycles rmmod/insmod cycles: $bad"
	loaded || insmod "$ko"
fi

# rmmod while a session is open: refused; after its close: accepted
run_phase rmmod-busy rmmod-busy
if loaded; then
	say_fail "the module is gone after the session closed"
	rmmod pgwalk
else
	say_ok "the module is gone after the session closed"
fi
if insmod "$ko" && [ -e "$walk" ]; then
	say_ok "module loaded again"
else
	say_fail "module loaded again"
	finish
fi
# and rmmod(8) itself, with a session held open by the shell
exec 3<>"$walk"
if rmmod pgwalk 2> "$tmp/rmmod.err"; then
	say_fail "rmmod(8) with a session open by the shell succeeded"
	insmod "$ko"
else
	say_ok "rmmod(8) with a session open by the shell is refused: $(cat "$tmp/rmmod.err")"
fi
exec 3<&-

run_phase read-close read-close "$races"
run_phase outlive outlive "${LIFECYCLE_OUTLIVE:-10}"
run_phase param param
run_phase fills fills
run_phase concurrent concurrent "$rounds"
s=$(sessions)
if [ "$s" = 0 ]; then say_ok "sessions: 0 at the end"; else say_fail "sessions: $s at the end"; fi
finish
