# Sourced by Tests/integration/run.sh (uses its ok/not_ok, $ctl, $work):
# each kind of change `pgwalkctl diff --pid P -- COMMAND` reports, made by
# the scenario program (pgwalk-scenario diff-steps) in this kernel, checked
# in the JSON by Tests/integration/diff_check.py.

. Tests/integration/diff-steps.sh
# The kernel's own scanners change page table entries of a target that
# holds still: NUMA balancing makes them PROT_NONE for hinting faults (this
# guest has two nodes), MGLRU's aging and DAMON clear accessed bits. Each
# case here names one change, so they are off while it runs (as for
# record-fixtures.sh), and put back after.
. Tests/lib/knobs.sh
set_knob /proc/sys/kernel/numa_balancing 0
set_knob /sys/kernel/mm/lru_gen/enabled n
set_knob /sys/module/damon_stat/parameters/enabled N
start_diff_steps "$work/diff-layout"
dpid=$diff_steps_pid

# diff_case NAME REGION CHANGE MIN_PAGES "FLAGS" COMMAND...: runs diff
# around COMMAND, then checks REGION for CHANGE (and FLAGS: +set -cleared).
diff_case() {
	local name=$1 reg=$2 change=$3 want=$4 flags=$5; shift 5
	local bounds
	bounds=$(region_bounds "$work/diff-layout" "$reg")
	if [ -z "$bounds" ]; then
		ok "diff: $name # SKIP no region $reg (no THP here)"
		return
	fi
	"$ctl" diff --pid "$dpid" --json -- "$@" > "$work/diff.json" 2> "$work/diff.err"
	local rc=$?
	if [ $rc -ne 0 ] && grep -q " skip" "$work/diff.err"; then
		ok "diff: $name # SKIP $(grep ' skip' "$work/diff.err" | head -n 1)"
		return
	fi
	if [ $rc -ne 0 ]; then
		not_ok "diff: $name (exit $rc)" "$work/diff.err"
		return
	fi
	# shellcheck disable=SC2086 # bounds is two words, flags a word list
	if python3 Tests/integration/diff_check.py "$work/diff.json" $bounds "$change" "$want" $flags > "$work/diff.out" 2>&1; then
		ok "diff: $name ($(cat "$work/diff.out"))"
	else
		not_ok "diff: $name" "$work/diff.out"
	fi
}
step=Tests/integration/scenario-step.sh

diff_case "pages written are mapped" map mapped 16 "" "$step" "$dpid" map
diff_case "MADV_DONTNEED unmaps" unmap unmapped 16 "" "$step" "$dpid" unmap
diff_case "a write to a page COW-shared with a child breaks COW (new writable frame)" cow cow-broken 16 "+write" "$step" "$dpid" cow
diff_case "mprotect of half a THP splits it into PTEs" split thp-split 512 "" "$step" "$dpid" split
diff_case "MADV_COLLAPSE collapses 512 PTEs into a THP" collapse thp-collapsed 512 "" "$step" "$dpid" collapse
diff_case "mprotect(PROT_READ) clears the write bit" rdonly flags-changed 16 "-write" "$step" "$dpid" rdonly
diff_case "a write to a clean shared page sets its dirty bit" dirty flags-changed 16 "+dirty" "$step" "$dpid" dirty
diff_case "UFFDIO_WRITEPROTECT sets uffd-wp" uffd flags-changed 16 "+uffd-wp -write" "$step" "$dpid" uffd
diff_case "move_pages to the other NUMA node migrates (new frame, still writable)" migrate migrated 16 "" "$step" "$dpid" migrate

# KSM: run it fast for the test, and put the settings back.
ksm=/sys/kernel/mm/ksm
if [ -w $ksm/run ]; then
	ksm_saved="$(cat $ksm/run) $(cat $ksm/pages_to_scan) $(cat $ksm/sleep_millisecs)"
	echo 1000 > $ksm/pages_to_scan; echo 20 > $ksm/sleep_millisecs; echo 1 > $ksm/run
	diff_case "KSM merges identical writable pages into one write-protected frame" ksm ksm-merged 14 "-write" "$step" "$dpid" ksm
	read -r r s m <<< "$ksm_saved"
	echo "$s" > $ksm/pages_to_scan; echo "$m" > $ksm/sleep_millisecs; echo "$r" > $ksm/run
else
	ok "diff: KSM # SKIP no $ksm/run (CONFIG_KSM)"
fi

# clear_refs 4 write-protects every page of the process, so the cases
# above, which watch the write bit go, come before it.
diff_case "clear_refs 1 clears the accessed bits" softdirty flags-changed 16 "-accessed" sh -c "echo 1 > /proc/$dpid/clear_refs"
diff_case "clear_refs 4 clears soft-dirty (and write-protects)" softdirty flags-changed 16 "-soft-dirty -write" sh -c "echo 4 > /proc/$dpid/clear_refs"
diff_case "a write after clear_refs 4 sets soft-dirty on the same frame" softdirty flags-changed 16 "+soft-dirty" "$step" "$dpid" softdirty

# Swap: a zram device of our own when none is active; removed afterwards.
zram_made=
if ! awk 'NR > 1 { found = 1 } END { exit !found }' /proc/swaps && modprobe zram num_devices=1 2>/dev/null &&
	[ -e /sys/block/zram0/disksize ]; then
	echo 64M > /sys/block/zram0/disksize && mkswap /dev/zram0 > /dev/null && swapon /dev/zram0 && zram_made=1
fi
diff_case "MADV_PAGEOUT swaps pages out" swap swapped-out 16 "" "$step" "$dpid" swapout
diff_case "reading swapped-out pages swaps them in" swap swapped-in 16 "" "$step" "$dpid" swapin
if [ -n "$zram_made" ]; then
	swapoff /dev/zram0; echo 1 > /sys/block/zram0/reset; rmmod zram 2>/dev/null
fi

kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null

# The diff of two saved streams agrees with the live one: walk, change, walk.
start_diff_steps "$work/diff-layout2"
dpid=$diff_steps_pid
"$ctl" walk --pid "$dpid" --output "$work/before.pgw" > /dev/null
Tests/integration/scenario-step.sh "$dpid" map > /dev/null
"$ctl" walk --pid "$dpid" --output "$work/after.pgw" > /dev/null
"$ctl" diff "$work/before.pgw" "$work/after.pgw" --json > "$work/diff.json" 2>&1
bounds=$(region_bounds "$work/diff-layout2" map)
# shellcheck disable=SC2086
check "diff of two saved streams: the pages written are mapped" python3 Tests/integration/diff_check.py "$work/diff.json" $bounds mapped 16
check_exit "diff: one saved stream is a usage error" 2 "$ctl" diff "$work/before.pgw"
check_exit "diff --pid without a command is a usage error" 2 "$ctl" diff --pid "$dpid"
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null

restore_knobs
