# The test lines the shell suites print, sourced by them: "ok N - name",
# "not ok N - name" with the failure's output as "#" comments, and last
# "N passed, N failed", the line scripts/check-kernel adds up. The suite
# sets $work, a scratch folder of its own, before it sources this file.

passed=0
failed=0
n=0

# tap_detail: how much of a failure's output not_ok shows (its first 30
# lines); a suite whose output ends with what matters redefines it.
tap_detail() { head -n 30; }
# tap_after: runs after each result; a suite may redefine it.
tap_after() { :; }

ok() {
	n=$((n + 1)); passed=$((passed + 1))
	echo "ok $n - $1"
	tap_after
}

# not_ok NAME [OUTPUT]: OUTPUT as comments; of a Swift test run, only its
# failures (✘), which its progress lines would hide.
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	tap_after
	[ -n "${2:-}" ] && [ -s "$2" ] || return 0
	if grep -q '✘' "$2"; then grep '✘' "$2"; else cat "$2"; fi | tap_detail | sed 's/^/#   /'
}

# check NAME COMMAND...: the command must exit 0.
check() {
	local name=$1; shift
	if "$@" > "$work/out" 2>&1; then ok "$name"; else not_ok "$name (exit $?)" "$work/out"; fi
}

# check_exit NAME CODE COMMAND...: the command must exit with CODE. Its
# output stays in $work/last for the checks of its message that follow.
check_exit() {
	local name=$1 want=$2; shift 2
	"$@" > "$work/out" 2>&1
	local got=$?
	cp "$work/out" "$work/last"
	if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, want $want)" "$work/out"; fi
}

# tap_summary: the closing line; fails when a test did.
tap_summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
