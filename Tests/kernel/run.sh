#!/bin/sh
# In-guest entry point of the pgwalk kernel tests (see scripts/vm-run):
#   make vm-run CMD='Tests/kernel/run.sh'        (PAGING=5 for 5-level)
#   Tests/kernel/run.sh --list                   every test: name, topic, phase
#   Tests/kernel/run.sh --test NAME [--test NAME]...
#       only the tests NAME, or every test of the topic NAME (errors, access,
#       chunking, seq, trace, concurrency, lifecycle, stream, info,
#       callpath), with the steps below they need; an unknown NAME exits 2
# Assumes root, debugfs at /sys/kernel/debug and pgwalk.ko loaded. Builds
# nothing: run 'make -C Tests/kernel' (and 'make kmod') on the host first.
# The tests are declared in tests.c's table, one file per topic (t_*.c).
#
# 1. pgwalk-tests main                  default buffer
# 2. the shell session of FORMAT.md 1.2 (echo/cat), stream checked
# 3. a big target (64 MiB touched) walked with the default buffer, saved,
#    with and without seq; seq on its dense region
# 4. rmmod; insmod kmod/pgwalk.ko buffer_kib=16; pgwalk-tests chunk
#    (chunked stream == saved stream, with and without seq, trace chunking,
#    exit mid-walk)
# 5. the module is reloaded with its defaults
# 6. pgwalk-tests callpath: how walk_page_range()/ptrace_may_access() are
#    reached (ftrace redirect or export), proved by enabled_functions and
#    the redirect counters of info
# 7. sysctl kernel.ftrace_enabled cannot be set to 0 under the redirect;
#    rmmod takes the module's ftrace_ops away, insmod puts them back
# Each phase prints TAP-like lines; the last line is the whole run's
# "N passed, N failed". Exit status 1 on any failure. With --test only the
# steps that hold a test named run, and their set-up checks.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2
bin=$here/build

usage() {
	echo "usage: $0 [--list | --test NAME [--test NAME]...]" >&2
	exit 2
}

# --test NAME...: passed on to pgwalk-tests, which knows the names
select=
while [ $# -gt 0 ]; do
	case $1 in
	--list)
		exec "$bin/pgwalk-tests" --list
		;;
	--test)
		[ $# -ge 2 ] || usage
		select="$select --test $2"
		shift 2
		;;
	--test=*)
		select="$select --test ${1#--test=}"
		shift
		;;
	*)
		usage
		;;
	esac
done
ko=${PGWALK_KO:-$root/kmod/pgwalk.ko}
walk=/sys/kernel/debug/pgwalk/walk
info=/sys/kernel/debug/pgwalk/info
functions=/sys/kernel/tracing/enabled_functions

passed=0
failed=0
next=1
tmp=$(mktemp -d /tmp/pgwalk-tests.XXXXXX)
big_pid=

say_ok() { echo "ok $next - $1"; passed=$((passed + 1)); next=$((next + 1)); }
say_fail() { echo "not ok $next - $1"; failed=$((failed + 1)); next=$((next + 1)); }

finish() {
	[ -n "$big_pid" ] && kill "$big_pid" 2>/dev/null && wait "$big_pid" 2>/dev/null
	[ -n "${debugfs_mode:-}" ] && chmod "$debugfs_mode" /sys/kernel/debug 2>/dev/null
	rm -rf "$tmp"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# run_phase ARGS...: pgwalk-tests, its summary folded into ours
run_phase() {
	# shellcheck disable=SC2086
	"$bin/pgwalk-tests" --first "$next" $select "$@" > "$tmp/out" 2>&1
	rc=$?
	sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/# phase '"$1"': \1 passed, \2 failed/' "$tmp/out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out" | tail -n 1)
	if [ -z "$line" ]; then
		say_fail "pgwalk-tests $1 printed no summary (exit $rc)"
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	next=$((next + p + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		say_fail "pgwalk-tests $1 exited $rc"
	fi
}

reload() {
	rmmod pgwalk && insmod "$ko" "$@"
}

if [ "$(id -u)" -ne 0 ]; then
	say_fail "run as root"
	finish
fi
for f in "$bin/pgwalk-tests" "$bin/pgwalk-target"; do
	if [ ! -x "$f" ]; then
		say_fail "$f is built (make -C Tests/kernel on the host)"
		finish
	fi
done
# The steps to run: each pgwalk-tests phase with a test selected, and
# "shell" for run.sh's own checks of step 7; all of them without --test.
if [ -n "$select" ]; then
	# shellcheck disable=SC2086 # $select is --test NAME..., no blanks in a name
	if ! steps=$("$bin/pgwalk-tests" $select --phases); then
		rm -rf "$tmp"
		exit 2
	fi
	steps=$(echo $steps)
else
	steps="main file save chunk callpath shell"
fi
want() {
	case " $steps " in *" $1 "*) return 0 ;; esac
	return 1
}
if [ ! -e "$walk" ]; then
	say_fail "$walk exists (module loaded, debugfs mounted)"
	finish
fi
# the unprivileged-uid tests need to reach debugfs
debugfs_mode=$(stat -c %a /sys/kernel/debug)
chmod 755 /sys/kernel/debug

echo "# kernel $(uname -r), $(grep -q ' la57' /proc/cpuinfo && echo 'cpu la57' || echo 'no la57'), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
# What may clear accessed bits between two walks (kt.h, enum cmp_ad):
# DAMON_STAT runs from boot on 7.3; MGLRU ages only under memory pressure.
echo "# aging: DAMON_STAT $(cat /sys/module/damon_stat/parameters/enabled 2>/dev/null || echo absent), kdamond threads $(grep -l '^kdamond' /proc/[0-9]*/comm 2>/dev/null | wc -l), lru_gen $(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null || echo absent)"

# 1
want main && run_phase main

# 2: FORMAT.md 1.2, from a shell; the stream is checked by pgwalk-tests
if want file; then
	sleep 1000 &
	sleeper=$!
	# wait for the exec: a request made before it walks the forked shell's
	# address space, which exec then drops (the stream would end -ESRCH)
	i=0
	while [ "$(cat /proc/$sleeper/comm 2>/dev/null)" != sleep ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if (exec 3<>"$walk" && echo "pid=$sleeper" >&3 && cat <&3 > "$tmp/shell.pgw"); then
		run_phase file "$tmp/shell.pgw" "$sleeper"
	else
		say_fail "shell session (exec 3<>walk; echo pid=N >&3; cat <&3)"
	fi
	kill "$sleeper"
	wait "$sleeper" 2>/dev/null
fi

# 3
if want save || want chunk; then
	"$bin/pgwalk-target" --big 64 --signal "$tmp/big.txt" < /dev/null &
	big_pid=$!
	i=0
	while [ ! -s "$tmp/big.txt" ] && [ $i -lt 600 ] && kill -0 "$big_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -s "$tmp/big.txt" ]; then
		say_fail "big pgwalk-target (64 MiB) started"
		finish
	fi
	want save && run_phase save "$tmp/big.txt" "$tmp/big.pgw" "$tmp/big-seq.pgw"
fi

# 4
if want chunk; then
	if reload buffer_kib=16; then
		say_ok "module reloaded with buffer_kib=16"
		run_phase chunk "$tmp/big.txt" "$tmp/big.pgw" "$tmp/big-seq.pgw"
	else
		say_fail "module reloaded with buffer_kib=16"
	fi
fi

# 5
if [ -n "$big_pid" ]; then
	kill "$big_pid" 2>/dev/null
	wait "$big_pid" 2>/dev/null
	big_pid=
fi
if want chunk; then
	if grep -q '^pgwalk ' /proc/modules; then rmmod pgwalk; fi
	if insmod "$ko" && [ -e "$walk" ]; then
		say_ok "module reloaded with its defaults"
	else
		say_fail "module reloaded with its defaults"
	fi
fi

# 6
want callpath && run_phase callpath

# 7: the functions info says are reached through ftrace, and their stubs
# in enabled_functions (pgwalk-tests --list: reload-stubs)
want shell || finish
via_ftrace() { sed -n 's/^\(walk_page_range\|ptrace_may_access\): ftrace$/\1/p' "$info" | sort; }
traced_stubs() { sed -n 's/^pgwalk_call_\([a-z_]*\) \[pgwalk\] .*/\1/p' "$functions" | sort; }
if [ ! -r "$functions" ]; then
	say_fail "$functions readable (tracefs mounted)"
	finish
fi
if [ -n "$(via_ftrace)" ]; then
	if (echo 0 > /proc/sys/kernel/ftrace_enabled) 2>/dev/null; then
		echo 1 > /proc/sys/kernel/ftrace_enabled
		say_fail "sysctl kernel.ftrace_enabled=0 refused while the redirect is registered (it was accepted)"
	elif [ "$(cat /proc/sys/kernel/ftrace_enabled)" = 1 ]; then
		say_ok "sysctl kernel.ftrace_enabled=0 refused while the redirect is registered"
	else
		say_fail "sysctl kernel.ftrace_enabled=0 refused while the redirect is registered (it reads $(cat /proc/sys/kernel/ftrace_enabled))"
	fi
fi
want=$(via_ftrace | tr '\n' ' ')
rmmod pgwalk
if [ -z "$(traced_stubs)" ]; then
	say_ok "rmmod: enabled_functions lists no pgwalk stub any more"
else
	say_fail "rmmod: enabled_functions still lists $(traced_stubs | tr '\n' ' ')"
fi
if insmod "$ko" && [ -e "$walk" ]; then
	got=$(traced_stubs | tr '\n' ' ')
	# the load calls each redirected function once to check the redirect
	counts=$(grep -E '^((walk_page_range|ptrace_may_access)_redirects|stub_fallthroughs):' "$info" | tr '\n' ' ')
	expect=
	for fn in walk_page_range ptrace_may_access; do
		case " $want" in
		*" $fn "*) expect="$expect${fn}_redirects: 1 " ;;
		*) expect="$expect${fn}_redirects: 0 " ;;
		esac
	done
	expect="${expect}stub_fallthroughs: 0 "
	if [ "$got" = "$(via_ftrace | tr '\n' ' ')" ] && [ "$got" = "$want" ] &&
		[ "$counts" = "$expect" ]; then
		say_ok "insmod: stubs traced again for: ${want:-none}; $counts"
	else
		say_fail "insmod: stubs traced for '$got', info says ftrace for '$(via_ftrace | tr '\n' ' ')', before rmmod '$want'; info: '$counts', want '$expect'"
	fi
else
	say_fail "module reloaded after the rmmod check"
fi
finish
