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
# mount namespace, so nothing stays mounted when it ends. PGWALK_BIND, a
# colon-separated list of absolute paths, binds those too (a kernel tree
# outside the project).
in_root() {
	local root=$1 project=$PWD
	shift
	if [ "$root" = / ]; then
		"$@"
		return
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private sh -euc '
		root=$1 project=$2 binds=$3
		shift 3
		mkdir -p "$root$project" "$root/proc" "$root/dev"
		mount --bind "$project" "$root$project"
		old_ifs=$IFS IFS=:
		for d in $binds; do
			mkdir -p "$root$d"
			mount --bind "$d" "$root$d"
		done
		IFS=$old_ifs
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		cd "$root"
		exec chroot "$root" /usr/bin/env -u LD_LIBRARY_PATH \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "cd \"\$0\" && exec \"\$@\"" "$project" "$@"
	' sh "$root" "$project" "${PGWALK_BIND:-}" "$@"
}

# --- Kernel trees of your own (KDIR=): a configured and built tree, built in
# place or with O=.

# The release a tree builds.
tree_release() {
	if [ -s "$1/include/config/kernel.release" ]; then
		cat "$1/include/config/kernel.release"
	else
		make -s -C "$1" kernelrelease 2>/dev/null
	fi
}

# A value of the tree's .config, quotes removed; empty when unset.
tree_config() {
	sed -n "s/^$2=//p" "$1/.config" 2>/dev/null | sed 's/^"\(.*\)"$/\1/'
}

# The absolute paths a tree's build reads: the tree, and its sources when
# it was built with O= (its "source" link), colon-separated for PGWALK_BIND.
tree_paths() {
	local kdir src
	kdir=$(cd "$1" && pwd -P)
	src=$(readlink -f "$kdir/source" 2>/dev/null || true)
	if [ -n "$src" ] && [ "$src" != "$kdir" ]; then
		echo "$kdir:$src"
	else
		echo "$kdir"
	fi
}

# "ROOT MAKE-ARGS..." for building against a tree with the compiler that
# built it: the root (/, one under build/roots, or KROOT=) whose compiler
# prints the tree's CONFIG_CC_VERSION_TEXT. Kbuild only warns when the
# compilers differ, but a module built by another compiler can disagree with
# the kernel on flags and plugins. Fails when no root has it.
tree_compiler() {
	local kdir=$1 text cc args r got roots
	text=$(tree_config "$kdir" CONFIG_CC_VERSION_TEXT)
	[ -n "$text" ] || return 1
	case "$text" in
	*clang*)
		cc=clang
		args=CC=clang
		[ "$(tree_config "$kdir" CONFIG_LD_IS_LLD)" != y ] || args=LLVM=1
		;;
	*)
		cc=${text%% *}
		args=CC=$cc
		;;
	esac
	roots=${KROOT:-/ $(ls -d "${PGWALK_ROOTS:-$PWD/build/roots}"/*/ 2>/dev/null)}
	for r in $roots; do
		[ "$r" = / ] || r=$(cd "$r" && pwd)
		got=$(PGWALK_BIND= in_root "$r" sh -c "$cc --version 2>/dev/null | head -n 1") || continue
		if [ "$got" = "$text" ]; then
			echo "$r $args"
			return 0
		fi
	done
	return 1
}
