# Kernel settings (sysfs, /proc/sys) a test changes and puts back, sourced
# by the suites that change them.

knobs_saved=()

# set_knob FILE VALUE: saves FILE's value, then writes VALUE. A file this
# kernel does not have, or that cannot be written, is left alone.
set_knob() {
	[ -w "$1" ] || return 0
	knobs_saved+=("$1=$(cat "$1")")
	echo "$2" > "$1"
}

# restore_knobs: writes each saved value back, the latest first.
restore_knobs() {
	local i kv v
	for ((i = ${#knobs_saved[@]} - 1; i >= 0; i--)); do
		kv=${knobs_saved[$i]}
		v=${kv#*=}
		# THP's enabled reads "always [madvise] never": the selected word
		case $v in *\[*) v=${v#*[}; v=${v%%]*} ;; esac
		echo "$v" > "${kv%%=*}" 2>/dev/null
	done
	knobs_saved=()
}
