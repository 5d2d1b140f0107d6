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
	# Small real processes (bench/phases.sh): Tests/kernel's target
	# (make tests-kernel), a Python interpreter that has imported a few
	# modules, a JVM holding 100 MiB of heap with 8 threads (bench/Hold.java;
	# where Java is installed).
	ktarget)
		[ -x Tests/kernel/build/pgwalk-target ] || { echo "skip ktarget: make tests-kernel" >&2; return 1; }
		Tests/kernel/build/pgwalk-target --signal /tmp/bench.kt < /dev/null > /dev/null &
		wl_pid=$!
		for _ in $(seq 1 600); do grep -q '^ready' /tmp/bench.kt 2>/dev/null && break; sleep 0.1; done
		echo "ready pid=$wl_pid start=0 len=0" > /tmp/bench.wl
		return 0 ;;
	python)
		command -v python3 > /dev/null || { echo "skip python: no python3" >&2; return 1; }
		python3 -c 'import json, sqlite3, ssl, time; print("ready start=0 len=0", flush=True); time.sleep(1e6)' > /tmp/bench.wl & ;;
	jvm)
		if ! command -v java > /dev/null || [ ! -e "$bin/Hold.class" ]; then
			echo "skip jvm: no java here, or no $bin/Hold.class (a JDK on the host)" >&2
			return 1
		fi
		java -Xms256m -Xmx512m -cp "$bin" Hold > /tmp/bench.wl & ;;
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

# (k), bench/kread, reads as pgwalkctl does: a 16 KiB read, then 64 KiB
# reads (the module sizes each fill by the read that asks for it:
# docs/FORMAT.md 2.2). kread -r "$kread_reads".
kread_reads=16384,65536

# Loads pgwalk.ko from KO in place of the one loaded (module A/Bs).
load_module() {
	rmmod pgwalk 2>/dev/null || true
	insmod "$1"
}
