# Starting `pgwalk-scenario diff-steps` (one mm change per step, on request:
# Tests/integration/scenario-step.sh), sourced by the scripts that walk it.
# Uses $ctl (pgwalkctl, beside which the scenario program is built).

# start_diff_steps LAYOUT: starts the scenario, keeps what it prints up to
# "ready" (its regions) in the file LAYOUT and sets diff_steps_pid. One at
# a time: kill and wait for it before starting the next.
start_diff_steps() {
	local line
	: > "$1"
	coproc DIFF_STEPS { exec "${PGWALK_SCENARIO:-$(dirname "$ctl")/pgwalk-scenario}" diff-steps; }
	while read -r -t 60 line <&"${DIFF_STEPS[0]}"; do
		echo "$line" >> "$1"
		[ "$line" = ready ] && break
	done
	diff_steps_pid=$DIFF_STEPS_PID
}

# region_bounds LAYOUT NAME: the start and end of the scenario's region NAME.
region_bounds() {
	awk -v n="$2" '$1 == "region" && $2 == n { print $3, $4 }' "$1"
}
