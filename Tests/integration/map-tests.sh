# Sourced by Tests/integration/run.sh (uses its ok/not_ok/check, $ctl,
# $work): pgwalkctl map of a live scenario, checked in its markup
# (Tests/integration/map_check.py --dom-only), and the progress line of walk
# and verify, on a pty and off it.

. Tests/integration/diff-steps.sh
start_diff_steps "$work/map-layout"
mpid=$diff_steps_pid
check "map --pid: writes the HTML page" "$ctl" map --pid "$mpid" --output "$work/map.html"
"$ctl" walk --pid "$mpid" --output "$work/map.pgw" > /dev/null
check "map --input: the same page from a saved stream" "$ctl" map --input "$work/map.pgw" --output "$work/map2.html"
if grep -oiE 'https?://[^"]*|<script' "$work/map.html" | grep -v '^http://www.w3.org/2000/svg$' | grep -q .; then
	not_ok "map: the page loads nothing from the network and has no script"
else
	ok "map: the page loads nothing from the network and has no script"
fi
# The DOM here; Chromium's drawing of a recorded page is checked on the host
# (Tests/host/run.sh), where it takes seconds, not minutes under emulation.
if python3 Tests/integration/map_check.py --dom-only "$work/map.html" "$work/map-layout" "$work" > "$work/out" 2>&1; then
	ok "map: the 4K, THP and none regions are drawn where the layout has them, each in its class ($(cat "$work/out"))"
else
	not_ok "map: the regions are drawn where the layout has them" "$work/out"
fi

# Progress: on a pty (script), walk and verify show it; piped, or with
# --json/--format json, never. PGWALK_PROGRESS_AFTER=0 shows it at once.
progress() { grep -c $'\r\033\\[K' "$work/out"; }
PGWALK_PROGRESS_AFTER=0 script -qec "'$ctl' walk --pid $mpid" /dev/null > "$work/out" 2>&1
if [ "$(progress)" -gt 0 ]; then ok "progress: walk on a pty shows it"; else not_ok "progress: walk on a pty shows it" "$work/out"; fi
PGWALK_PROGRESS_AFTER=0 script -qec "'$ctl' verify --pid $mpid" /dev/null > "$work/out" 2>&1
if [ "$(progress)" -gt 0 ]; then ok "progress: verify on a pty shows it"; else not_ok "progress: verify on a pty shows it" "$work/out"; fi
PGWALK_PROGRESS_AFTER=0 script -qec "'$ctl' verify --pid $mpid --json" /dev/null > "$work/out" 2>&1
if [ "$(progress)" -eq 0 ]; then ok "progress: verify --json on a pty does not"; else not_ok "progress: verify --json on a pty does not" "$work/out"; fi
PGWALK_PROGRESS_AFTER=0 script -qec "'$ctl' walk --pid $mpid --format json" /dev/null > "$work/out" 2>&1
if [ "$(progress)" -eq 0 ]; then ok "progress: walk --format json on a pty does not"; else not_ok "progress: walk --format json on a pty does not" "$work/out"; fi
PGWALK_PROGRESS_AFTER=0 "$ctl" walk --pid "$mpid" > "$work/out" 2>&1
if [ "$(progress)" -eq 0 ]; then ok "progress: walk to a file does not"; else not_ok "progress: walk to a file does not" "$work/out"; fi
kill "$mpid" 2>/dev/null
wait "$mpid" 2>/dev/null
