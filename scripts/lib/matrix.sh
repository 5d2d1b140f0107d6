# Shell functions shared by the scripts that install, build for and boot the
# kernel matrix (scripts/kernel-matrix). Source it; it defines no variables
# but $matrix_file and $matrix_dir.
#
# Every kernel has a root: "/" for a kernel installed on the host, or a
# debootstrapped Debian root under build/roots/ whose compiler matches the
# one the kernel was built with. The image is <root>/boot/vmlinuz-<release>,
# its modules and headers are <root>/lib/modules/<release>/.

matrix_file=${PGWALK_MATRIX_FILE:-scripts/kernel-matrix}
matrix_dir=${PGWALK_MATRIX_DIR:-build/matrix}

# The matrix lines without comments: "name distro suite paging...".
matrix_entries() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$matrix_file"
}

host_codename() {
	(. /etc/os-release && echo "${VERSION_CODENAME:-}")
}

# The root a distro's kernels live in: / on a host of that release.
distro_root() {
	if [ "$1" = "$(host_codename)" ]; then
		echo /
	else
		echo "${PGWALK_ROOTS:-$PWD/build/roots}/$1"
	fi
}

# The Debian archive this machine's apt already uses (never a name written
# into the project): the URI that serves the host's own release.
debian_mirror() {
	apt-cache policy 2>/dev/null | awk -v s="$(host_codename)/main" '
		$3 == s && $2 ~ /^(https?|file):/ { print $2; exit }'
}

# The release recorded for a matrix name by scripts/install-kernels.
matrix_release() {
	[ -s "$matrix_dir/$1" ] && awk '{ print $1; exit }' "$matrix_dir/$1"
}

# "release root" for a release or a matrix name, from the records; a release
# installed on the host that the matrix does not know gives "release /".
kernel_lookup() {
	local want=$1 rec rel root
	for rec in "$matrix_dir"/*; do
		[ -s "$rec" ] || continue
		read -r rel root < "$rec"
		if [ "$want" = "$rel" ] || [ "$want" = "$(basename "$rec")" ]; then
			echo "$rel $root"
			return 0
		fi
	done
	if [ -e "/boot/vmlinuz-$want" ]; then
		echo "$want /"
		return 0
	fi
	return 1
}

# The root of a release or matrix name ("/" on the host).
kernel_root() {
	kernel_lookup "$1" | awk '{ print $2 }'
}

# Run a command inside ROOT (a path, or / for the host) with the project
# directory bind-mounted at its own path and /proc, /dev mounted, in a private
# mount namespace, so nothing stays mounted when it ends.
in_root() {
	local root=$1 project=$PWD
	shift
	if [ "$root" = / ]; then
		"$@"
		return
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private sh -euc '
		root=$1 project=$2
		shift 2
		mkdir -p "$root$project" "$root/proc" "$root/dev"
		mount --bind "$project" "$root$project"
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		cd "$root"
		exec chroot "$root" /usr/bin/env -u LD_LIBRARY_PATH \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "cd \"\$0\" && exec \"\$@\"" "$project" "$@"
	' sh "$root" "$project" "$@"
}
