# Shared by bench/run.sh and bench/profile.sh (sourced, in the guest).
bin=build/bench/bin
mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)

# start_workload W: starts workload W in the background, waits for its
# "ready" line (in /tmp/bench.wl), sets wl_pid. Fails if it cannot run.
start_workload() {
	local w=$1
	rm -f /tmp/bench.wl
	case "$w" in
	tiny) sleep 100000 & echo "ready pid=$! start=0 len=0 touched=0 anon_huge_kib=0" > /tmp/bench.wl ;;
	big)
		# 4 GiB, if the guest has room for it (and the rest); else skip.
		if [ "$mem_kib" -lt $((5 * 1024 * 1024 + 512 * 1024)) ]; then
			echo "skip big: the guest has $mem_kib KiB" >&2
			return 1
		fi
		"$bin/workload" big > /tmp/bench.wl & ;;
	*) "$bin/workload" "$w" > /tmp/bench.wl & ;;
	esac
	wl_pid=$!
	for _ in $(seq 1 6000); do
		grep -q '^ready' /tmp/bench.wl 2>/dev/null && return 0
		kill -0 "$wl_pid" 2>/dev/null || { echo "workload $w died" >&2; return 1; }
		sleep 0.1
	done
	return 1
}

# stage DIR PROGRAM...: copy the programs to DIR (the guest's tmpfs) and the
# shared libraries they load to DIR/lib, for LD_LIBRARY_PATH. Loaded over 9p
# instead (the project, the host's /opt/swift), every start of pgwalkctl
# reads its ~30 MB of Swift libraries through 9p again, which took 2 to 20 s
# under TCG and swamped what is measured.
stage() {
	local dir=$1 p
	shift
	mkdir -p "$dir/lib"
	cp "$@" "$dir/"
	for p in "$@"; do
		{ ldd "$p" || true; } | awk '$2 == "=>" && $3 ~ /^\// {print $3}' |
			xargs -r cp -n -t "$dir/lib/"
	done
}

# set_aslr N: the guest's randomize_va_space from now on (docs/BENCH.md,
# "The emulator's first run": 0 lets QEMU keep each program's translated
# code between runs); the value it had comes back when the script exits.
set_aslr() {
	if [ -z "${aslr_was:-}" ]; then
		aslr_was=$(cat /proc/sys/kernel/randomize_va_space)
		trap 'echo "$aslr_was" > /proc/sys/kernel/randomize_va_space' EXIT
	fi
	echo "$1" > /proc/sys/kernel/randomize_va_space
}

stop_workload() {
	kill "$wl_pid" 2>/dev/null || true
	wait "$wl_pid" 2>/dev/null || true
}
