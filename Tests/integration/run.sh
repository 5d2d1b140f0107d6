#!/bin/bash
# Integration tests of pgwalkctl in the booted kernel (run by
# scripts/check-kernel through the VM harness, as root, module loaded).
# Prints "ok N - name" / "not ok N - name" and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

ctl=${PGWALKCTL:-.build/release/pgwalkctl}
target=Tests/kernel/build/pgwalk-target
ko=${PGWALK_KO:-kmod/pgwalk.ko}
work=$(mktemp -d)
. Tests/lib/tap.sh
tap_detail() { head -n 40; }
# Each test's time, when it is long, as a comment: make check counts minutes.
test_started=$SECONDS
tap_after() { [ $((SECONDS - test_started)) -lt 20 ] || echo "#   took $((SECONDS - test_started)) s"; test_started=$SECONDS; }

start_target() {
	: > "$work/layout"
	coproc TARGET { exec "$target" "$@"; }
	local line
	while read -r -t 60 line <&"${TARGET[0]}"; do
		echo "$line" >> "$work/layout"
		[ "$line" = ready ] && break
	done
	tpid=$TARGET_PID
	thp=$(awk '$1 == "thp" && $2 != "none" { print $2 }' "$work/layout")
}

stop_target() {
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
}

reload() {
	rmmod pgwalk && insmod "$ko" "$@"
}

echo "# integration tests: ${PGWALK_PAGING:-?}-level paging, $(uname -r)"
start_target

check "verify: the test process matches pagemap on every page" "$ctl" verify --pid "$tpid"
check "verify --freeze: matches, target resumed" "$ctl" verify --pid "$tpid" --freeze
state=$(awk '{ print $3 }' "/proc/$tpid/stat")
if [ "$state" != T ]; then ok "target is running again after --freeze (state $state)"; else not_ok "target left stopped after --freeze"; fi
check "verify --json: result match" bash -c "'$ctl' verify --pid $tpid --json | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r[\"result\"]==\"match\" and r[\"summary\"][\"pages\"]>0 else 1)'"

"$ctl" walk --pid "$tpid" --format json > "$work/walk.json"
check "walk --format json: every PFN equals pagemap's" python3 Tests/integration/pfn_check.py "$tpid" "$work/walk.json"

if [ -n "$thp" ]; then
	check "walk: the THP region is one 2M pmd row" bash -c "'$ctl' walk --pid $tpid --format csv | grep -q ',$thp,0x[0-9a-f]*,512,pmd,present,'"
	check "walk --source pagemap: the THP region is inferred as a pmd leaf" bash -c "'$ctl' walk --pid $tpid --source pagemap --format csv | grep -q ',$thp,0x[0-9a-f]*,512,pmd,present,'"
fi

check "conform: the Swift walker replays the kernel's trace exactly" "$ctl" conform --pid "$tpid" --output "$work/trace.pgw"
check "conform --input: a saved trace replays too" "$ctl" conform --input "$work/trace.pgw"

"$ctl" walk --pid "$tpid" --output "$work/walk.pgw" > "$work/live.txt"
"$ctl" walk --input "$work/walk.pgw" > "$work/saved.txt"
check "walk --output then --input: same rows" diff <(tail -n +2 "$work/live.txt") <(tail -n +2 "$work/saved.txt")
check "translate: every level's raw value is the stream's (--input, and --pid's own walk)" \
	python3 Tests/integration/translate_check.py "$ctl" "$tpid" "$work/walk.pgw"
"$ctl" walk --tree --pid "$tpid" --format json > "$work/tree.json"
check "walk --tree --format json: PTE entries in the tree = PTEs in the rows" python3 -c "
import json, sys
tree = json.load(open('$work/tree.json'))
rows = json.load(open('$work/walk.json'))
def ptes(t):
    n = 0
    for e in t.get('entries', []):
        n += ptes(e['table']) if 'table' in e else (e['entries'] if e['level'] == 'pte' else 0)
    return n
want = sum(r['entries'] for v in rows['vmas'] for r in v['rows'] if r['level'] == 'pte')
sys.exit(0 if ptes(tree['root']) == want and want > 0 else 1)"

# --stats: one key=value line on stderr, counting what was really read;
# t_readahead only when the stream outgrew the first 128 KiB and was read
# on a second thread (the target's stream grows past it after earlier runs
# in the same boot: 133 KB, 1052 records, in a fifth run on 6.12).
"$ctl" walk --pid "$tpid" --format none --stats --output "$work/stats.pgw" > "$work/stats.out" 2> "$work/stats.err"
check "walk --stats: nothing on stdout, stream_bytes is the saved stream's size, then the phases" bash -c "
	[ ! -s '$work/stats.out' ] &&
	grep -Eq '^pgwalkctl walk: seconds=[0-9]+\.[0-9]{6} records=[1-9][0-9]* stream_bytes=$(stat -c %s "$work/stats.pgw") chunks=[1-9][0-9]* t_session=[0-9]+\.[0-9]{6} t_stream=[0-9]+\.[0-9]{6}( t_readahead=[0-9]+\.[0-9]{6})? t_output=[0-9]+\.[0-9]{6}$' '$work/stats.err' ||
	{ echo 'stdout:'; head -c 300 '$work/stats.out'; echo 'stderr:'; cat '$work/stats.err'; ls -l '$work/stats.pgw'; exit 1; }"
"$ctl" verify --pid "$tpid" --json --stats > "$work/verify.json" 2> "$work/verify.err"
check "verify --stats: pages is the report's page count; the phases in order, adding up to no more than the whole" python3 -c "
import json, re, sys
pages = json.load(open('$work/verify.json'))['summary']['pages']
line = open('$work/verify.err').read()
m = re.fullmatch(r'pgwalkctl verify: seconds=(\d+\.\d{6}) pages=%d mismatches=\d+ persistent=0 scanned=\d+((?: t_[a-z]+=\d+\.\d{6})+)\n' % pages, line)
if not m: sys.exit('no match: ' + line)
phases = [p.split('=') for p in m.group(2).split()]
names = [n for n, _ in phases]
# t_readahead, when the stream is large enough for it, ran on the other
# thread during t_pass: not part of the sum.
total = sum(float(v) for n, v in phases if n != 't_readahead')
ok = names[:3] == ['t_probes', 't_session', 't_pass'] and names[-2:] == ['t_maps', 't_output'] and total <= float(m.group(1)) + 1e-5
sys.exit(0 if ok else 'phases %s sum %f, seconds %s' % (names, total, m.group(1)))"

# A VMA that starts with a long none row and has another (target --sparse):
# where the kernel has PAGEMAP_SCAN (6.7+), verify checks them by the scan
# (docs/VERIFY.md, "Long empty rows"), and the answer is the same.
stop_target
start_target --sparse
"$ctl" verify --pid "$tpid" --json --stats > "$work/sparse.json" 2> "$work/sparse.err"; rc=$?
check "verify of a sparse VMA: matches (exit $rc); scanned_pages and --stats' scanned= agree, more than 0 of the VMA's none pages with PAGEMAP_SCAN (6.7+), 0 without" python3 -c "
import json, os, re, sys
r = json.load(open('$work/sparse.json'))
line = open('$work/sparse.err').read()
m = re.search(r' pages=(\d+) .* scanned=(\d+) ', line)
if $rc != 0 or r['result'] != 'match' or not m: sys.exit('exit $rc, %s, %s' % (r['result'], line))
start, pages, first = [l.split()[1:4] for l in open('$work/layout') if l.startswith('sparse ')][0]
start, none_pages = int(start, 16), int(pages) - 2
vma = [v for v in r['vmas'] if int(v['start'], 16) == start]
release = tuple(int(x) for x in re.match(r'(\d+)\.(\d+)', os.uname().release).groups())
scanned = r['scanned_pages']
ok = (int(m.group(2)) == scanned and int(m.group(1)) == r['summary']['pages'] and len(vma) == 1
      and vma[0]['present'] == 2 and vma[0]['mismatches'] == 0
      and (0 < scanned <= none_pages if release >= (6, 7) else scanned == 0))
sys.exit(0 if ok else 'kernel %s: scanned %d of %d none pages; %s; %s' % (release, scanned, none_pages, vma, line))"
stop_target
start_target

check_exit "exit 5: no such process" 5 "$ctl" verify --pid 999999
check_exit "exit 2: usage error" 2 "$ctl" walk --pid 0
check_exit "exit 7: kernel thread" 7 "$ctl" walk --pid 2
if command -v setpriv >/dev/null; then
	check_exit "exit 4: permission denied for another user's process" 4 \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" walk --pid "$tpid"
fi
# --all: every user process of the guest, the target among them; kernel
# threads are counted, pgwalkctl leaves itself out (all_check.py).
"$ctl" verify --all > "$work/all.txt" 2> "$work/all.err"; rc=$?
check "verify --all: exit 0 ($rc), a line per user process, the total adds up, the target matches" \
	bash -c "cat '$work/all.err'; [ $rc -eq 0 ] && python3 Tests/integration/all_check.py text '$work/all.txt' $tpid=match 1=match"
grep '^#' "$work/out"
"$ctl" verify --all --json > "$work/all.json" 2> "$work/all.err"; rc=$?
check "verify --all --json: exit 0 ($rc), parses, an entry per user process, the target matches" \
	bash -c "cat '$work/all.err'; [ $rc -eq 0 ] && python3 Tests/integration/all_check.py verify-json '$work/all.json' $tpid=match"
"$ctl" walk --all --format json > "$work/walkall.json" 2> "$work/all.err"; rc=$?
check "walk --all --format json: exit 0 ($rc), parses, the target's entry holds its walk" \
	bash -c "cat '$work/all.err'; [ $rc -eq 0 ] && python3 Tests/integration/all_check.py walk-json '$work/walkall.json' $tpid=walked"
check_exit "verify --all --pid 1: usage error" 2 "$ctl" verify --all --pid 1
check "verify --all --pid 1: says why" grep -q -- "--all and --pid are exclusive" "$work/last"
if command -v setpriv >/dev/null; then
	# As uid 65534, with debugfs open to it (mounted 0700 by default; the
	# walk file itself is 0666): its own process is verified, root's (the
	# target, init) are skipped as not permitted and counted.
	debugfs_mode=$(stat -c %a /sys/kernel/debug)
	chmod 755 /sys/kernel/debug
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 600 & upid=$!
	# Until it sleeps, in clock_nanosleep(2) or nanosleep(2), not for a
	# fixed time: what is verified here is who may read what, so the
	# process read should be still, not setpriv or the dynamic loader
	# mid-way through starting it in a guest that shares its host.
	for _ in $(seq 1 300); do
		case $(cut -d' ' -f1 "/proc/$upid/syscall" 2>/dev/null) in 230 | 35) break ;; esac
		sleep 0.1
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" verify --all > "$work/unpriv.txt" 2> "$work/all.err"; rc=$?
	if [ $rc -ne 0 ]; then
		# What differed, for the failure's detail: the processes' lines
		# and the sleep's own verify, mismatches listed.
		grep -v 'all match' "$work/unpriv.txt" >> "$work/all.err"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" verify --pid "$upid" >> "$work/all.err" 2>&1
	fi
	check "verify --all as uid 65534: exit 0 ($rc), its own process verified, others skipped and counted" \
		bash -c "cat '$work/all.err'; [ $rc -eq 0 ] && python3 Tests/integration/all_check.py text '$work/unpriv.txt' $upid=match $tpid=not-permitted 1=not-permitted"
	grep '^#' "$work/out"
	kill "$upid"; wait "$upid" 2>/dev/null
	chmod "$debugfs_mode" /sys/kernel/debug
fi
head -c 100 "$work/walk.pgw" > "$work/truncated.pgw"
check_exit "exit 6: truncated stream" 6 "$ctl" walk --input "$work/truncated.pgw"

# Small buffer: many chunks; the trace still replays and verify still holds.
if reload buffer_kib=16; then
	check "buffer_kib=16: conform across chunk boundaries" "$ctl" conform --pid "$tpid"
	check "buffer_kib=16: verify" "$ctl" verify --pid "$tpid"
	reload
else
	not_ok "reload with buffer_kib=16"
fi

stop_target

# The read-ahead thread (docs/BENCH.md, change 17): a stream over 128 KiB
# (64 MiB of 4 KiB pages without PTE_SEQ: 16 bytes a page) is read from
# the module on a second thread while it is decoded. --stats says the
# thread ran; the rows it gave hold pagemap's PFNs and are the rows of the
# bytes it saved, which are a whole stream.
start_target --big 64
"$ctl" walk --pid "$tpid" --no-seq --format json --output "$work/ahead.pgw" --stats > "$work/ahead.json" 2> "$work/ahead.err"
check "read-ahead: a 64 MiB walk without PTE_SEQ is read on a second thread (t_readahead), every PFN equals pagemap's" bash -c "
	cat '$work/ahead.err'; grep -Eq ' t_readahead=[0-9]+\.[0-9]{6} ' '$work/ahead.err' &&
	[ \$(stat -c %s '$work/ahead.pgw') -gt 131072 ] && python3 Tests/integration/pfn_check.py $tpid '$work/ahead.json'"
"$ctl" walk --input "$work/ahead.pgw" --format json > "$work/ahead-saved.json"
check "read-ahead: the bytes it saved decode to the same rows" python3 -c "
import json, sys
live, saved = (json.load(open(p)) for p in ('$work/ahead.json', '$work/ahead-saved.json'))
same = live['vmas'] == saved['vmas'] and live['status'] == saved['status'] == 0
sys.exit(0 if same and sum(len(v['rows']) for v in live['vmas']) > 0 else 1)"
stop_target

# What follows tries the client, not the walk's levels: diff and map read
# whole walks, the faults end them early, the Procfs tests read pagemap.
# The 4-level boot of each kernel runs it; the 5-level boot, which adds
# only the p4d level to the walks above (and to the kernel suite's and the
# scenarios'), skips it: make check's time goes where it finds something.
# INTEGRATION_ALL=1 runs it at 5-level too.
if [ "${PGWALK_PAGING:-4}" = 4 ] || [ -n "${INTEGRATION_ALL:-}" ]; then
	# pgwalkctl diff, map and the progress line.
	. Tests/integration/diff-tests.sh
	. Tests/integration/map-tests.sh

	# Faults: the target dies, the module goes, the disk fills (faults.sh).
	. Tests/integration/faults.sh
	client_tests=1
else
	echo "# diff, map, faults and the Procfs tests: at 4-level paging (INTEGRATION_ALL=1 runs them here)"
	client_tests=
fi

# The pagemap reader's own tests on this kernel: on 6.1, which has no
# PAGEMAP_SCAN, the plain-read path only; from 6.7 on (6.12, 7.3) the ioctl
# too, against this kernel's semantics (the host's run covers its own).
# One at a time: some measure the whole test process (peak RSS of a 8 GiB
# sparse read), which tests running beside them in the guest's 2 CPUs raised
# past its bound on 7.3; serial they take some 15 s.
tests_bin=$(ls -d .build/debug/*PackageTests.xctest 2>/dev/null | head -n 1)
if [ -n "$tests_bin" ] && [ -n "$client_tests" ]; then
	check "Procfs unit tests on $(uname -r) (pagemap reads, and PAGEMAP_SCAN where the kernel has it)" \
		"$tests_bin" --testing-library swift-testing --filter Procfs --no-parallel
fi

# A target that exits: walk of a pid that is gone.
check_exit "exit 3: module not loaded" 3 bash -c "rmmod pgwalk; '$ctl' walk --pid 1; rc=\$?; insmod '$ko'; exit \$rc"

rm -rf "$work"
tap_summary
