#!/bin/bash
# scenario-step.sh PID NAME: asks the pgwalk-scenario process PID (scenario
# diff-steps) for step NAME and waits until it has made it. Prints the
# scenario's answer; exits 0 for "done", 77 for "skip: why", 1 otherwise.
# Used as the COMMAND of `pgwalkctl diff --pid PID -- ...`.
set -u
pid=$1 name=$2
step=/tmp/pgwalk-scenario-$pid.step done=/tmp/pgwalk-scenario-$pid.done
rm -f "$done"
echo "$name" > "$step"
for i in $(seq 1 1200); do
	# Ask again now and then: a signal that came just before the scenario
	# blocked in read() would wait for the next one.
	if [ $((i % 20)) -eq 1 ]; then kill -USR1 "$pid" || exit 1; fi
	if [ -s "$done" ]; then
		answer=$(cat "$done")
		echo "$answer"
		case "$answer" in
		"$name done") exit 0 ;;
		"$name skip"*) exit 77 ;;
		*) exit 1 ;;
		esac
	fi
	sleep 0.05
done
echo "$name: no answer from pid $pid within 60 s"
exit 1
