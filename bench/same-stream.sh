#!/bin/bash
# Whether two builds of pgwalk.ko write the same stream, byte for byte, for
# targets that hold still: for a change to the module that must not change
# what it sends (docs/BENCH.md, change 26). Run as root inside a booted
# kernel, after make -C bench and make client, with an older build of kmod/
# for this kernel:
#
#   make vm-run KVER=6.12 VM_MEM=3G CMD='MODULE_BEFORE=OLD.ko bench/same-stream.sh'
#
# For each target (SAME_TARGETS), with and without seq, pgwalkctl walk
# --output with one build loaded, then with the other (MODULE_AFTER,
# build/kmod/RELEASE/pgwalk.ko), and cmp. Prints "same" or "DIFFER" per
# stream and exits 1 if any differs; SAME_KEEP=DIR keeps both streams of
# each that differs there. DAMON's monitors (7.x runs damon_stat by
# default) clear the accessed bits of the pages they sample, so a target
# would differ between two walks whatever the builds: they are turned off
# for the run and back on after it. MODULE_BEFORE=the new build itself
# tells any other such change of the target from a change in the module.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
before=${MODULE_BEFORE:?MODULE_BEFORE: an older pgwalk.ko for this kernel}
after=${MODULE_AFTER:-build/kmod/$(uname -r)/pgwalk.ko}
pgwalkctl=${PGWALKCTL:-.build/release/pgwalkctl}
dir=$(mktemp -d)
damon_on=()
for p in /sys/module/damon_*/parameters/enabled; do
	[ "$(cat "$p" 2>/dev/null)" = Y ] || continue
	echo N > "$p" && damon_on+=("$p")
done
restore() { for p in "${damon_on[@]}"; do echo Y > "$p"; done; rm -rf "$dir"; }
trap restore EXIT
status=0
for t in ${SAME_TARGETS:-tiny ktarget dense-4k sparse-runs sparse-spread thp}; do
	start_workload "$t" || { echo "skip $t"; continue; }
	pid=$wl_pid
	sleep 1
	for seq in --seq --no-seq; do
		load_module "$before"
		"$pgwalkctl" walk --pid "$pid" --format none "$seq" --output "$dir/before.pgw" 2>/dev/null
		load_module "$after"
		"$pgwalkctl" walk --pid "$pid" --format none "$seq" --output "$dir/after.pgw" 2>/dev/null
		if cmp -s "$dir/before.pgw" "$dir/after.pgw"; then
			echo "same $t $seq $(stat -c %s "$dir/after.pgw") bytes"
		else
			echo "DIFFER $t $seq: $(cmp "$dir/before.pgw" "$dir/after.pgw" | head -1)"
			if [ -n "${SAME_KEEP:-}" ]; then
				mkdir -p "$SAME_KEEP"
				cp "$dir/before.pgw" "$SAME_KEEP/$t$seq-before.pgw"
				cp "$dir/after.pgw" "$SAME_KEEP/$t$seq-after.pgw"
			fi
			status=1
		fi
	done
	stop_workload
done
exit $status
