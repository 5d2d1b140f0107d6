#!/bin/bash
# make install into a DESTDIR, every file checked, and make uninstall; the
# version checks against a fake module; dkms build of the module for every
# installed kernel with headers (the host's, and 6.12 and 7.x in their
# Debian roots) in a private DKMS tree (nothing system-wide changes, the
# signing key included), then a booted guest of each kernel loading its
# DKMS-built module with 'pgwalkctl load' (Tests/install/guest.sh), and the
# host's kernel booted with lockdown=integrity (Tests/install/lockdown-boot.sh).
#
#   Tests/install/run.sh          (make check-install; root for DKMS)
#   SKIP_VM=1 Tests/install/run.sh   the host part only
# Prints "ok N - name" / "not ok N - name" and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH=/opt/swift/usr/bin:$PATH

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. Tests/lib/tap.sh
# The subcommands, from the source (one file per subcommand), not from the
# binary under test.
subcommands=$(sed -n 's/^ *commandName: "\([a-z]*\)",*$/\1/p' Sources/pgwalkctl/*Command.swift | sort)
[ "$(echo "$subcommands" | wc -l)" -ge 8 ] || { echo "Bail out! cannot read the subcommands from Sources/pgwalkctl"; exit 1; }
mentions_all() { # FILE: every subcommand is named in it
	local s
	for s in $subcommands; do grep -qw -- "$s" "$1" || { echo "$1 does not name '$s'"; return 1; }; done
}

echo "# install tests: DESTDIR, version checks, DKMS ($(uname -r) host)"
dest=$work/dest prefix=/usr
check "make install DESTDIR PREFIX=/usr" make -s install DESTDIR="$dest" PREFIX="$prefix"
bin=$dest$prefix/bin/pgwalkctl
man=$dest$prefix/share/man/man1/pgwalkctl.1
bash_c=$dest$prefix/share/bash-completion/completions/pgwalkctl
zsh_c=$dest$prefix/share/zsh/vendor-completions/_pgwalkctl
fish_c=$dest$prefix/share/fish/vendor_completions.d/pgwalkctl.fish
want=$(sed -n 's/^#define PGWALK_MODULE_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/pgwalk.h)
check "the installed pgwalkctl runs from another directory: --version is pgwalk.h's $want" \
	bash -c "cd / && [ \"\$('$bin' --version)\" = '$want' ]"
check "installed pgwalkctl is executable (mode 755)" bash -c "[ \"\$(stat -c %a '$bin')\" = 755 ]"
# man -l renders through groff; -Tutf8 -ww prints its warnings.
check "man page renders without groff warnings" bash -c \
	"groff -man -Tutf8 -ww '$man' > '$work/man.txt' 2> '$work/man.err' && [ ! -s '$work/man.err' ] && [ -s '$work/man.txt' ] || { cat '$work/man.err'; exit 1; }"
check "man page: NAME pgwalkctl, and every subcommand" bash -c \
	"MANWIDTH=100 man -l '$man' > '$work/man.txt' 2>&1 && grep -q '^NAME' '$work/man.txt' && grep -q 'pgwalkctl' '$work/man.txt' && $(declare -f mentions_all); subcommands='$subcommands' mentions_all '$work/man.txt'"
check "man page documents exit code 8 (lockdown) and 9 (versions)" grep -q "8 kernel locked down" "$man"
for c in "$bash_c" "$zsh_c" "$fish_c"; do
	check "completion ${c#"$dest"} names every subcommand" bash -c "$(declare -f mentions_all); subcommands='$subcommands' mentions_all '$c'"
done
check "bash completion loads and completes 'pgwalkctl lo' to load" bash -c \
	". '$bash_c' && COMP_WORDS=(pgwalkctl lo) COMP_CWORD=1 COMP_LINE='pgwalkctl lo' COMP_POINT=12 && _pgwalkctl pgwalkctl lo pgwalkctl && printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx load"
check "bash completion completes walk's options (--pid)" bash -c \
	". '$bash_c' && COMP_WORDS=(pgwalkctl walk --p) COMP_CWORD=2 COMP_LINE='pgwalkctl walk --p' COMP_POINT=18 && _pgwalkctl pgwalkctl --p walk && printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx -- --pid"
check "make uninstall removes every installed file" bash -c \
	"make -s uninstall DESTDIR='$dest' PREFIX='$prefix' && [ -z \"\$(find '$dest' -type f)\" ] || find '$dest' -type f"

# A fake module: the info file of a module writing format 2 (too new), 0
# (too old); PGWALK_DEBUGFS points pgwalkctl at it.
ctl=.build/release/pgwalkctl
mkdir -p "$work/debugfs/pgwalk"
: > "$work/debugfs/pgwalk/walk"
for f in 2:new 0:old; do
	printf 'module_version: 9.9.9\nformat_version: %s\n' "${f%:*}" > "$work/debugfs/pgwalk/info"
	check_exit "walk, module of format ${f%:*}: exit 9" 9 env PGWALK_DEBUGFS="$work/debugfs" "$ctl" walk --pid 1
	check "... the message names the module too ${f#*:}, with both versions" \
		grep -q "module is too ${f#*:} for this pgwalkctl: pgwalk module 9.9.9 writes stream format ${f%:*}, pgwalkctl $want reads format 1" "$work/last"
done
# Saved streams: a real recorded fixture with its version field (offset 8,
# docs/FORMAT.md 3.1) rewritten.
fixture=$(find Tests/PgwalkKitTests/Fixtures -name '*.pgw' | sort | head -n 1)
for v in 2:new 0:old; do
	python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[8:10]=int(sys.argv[2]).to_bytes(2,'little'); open(sys.argv[3],'wb').write(b)" \
		"$fixture" "${v%:*}" "$work/v.pgw"
	check_exit "walk --input, a stream of format ${v%:*}: exit 9" 9 "$ctl" walk --input "$work/v.pgw"
	check "... the message says the stream is too ${v#*:}, with both versions" \
		grep -q "stream is too ${v#*:}: format version ${v%:*} is .* than the format 1 that pgwalkctl $want reads" "$work/last"
done
check "walk --input, the same stream unchanged, decodes" "$ctl" walk --input "$fixture"

# DKMS in a private tree, with its own MOK key, for every kernel installed
# here that has headers: the host's newest (6.1) and each kernel of the
# matrix in its Debian root (6.12, 7.x), where dkms runs with the compiler
# that built that kernel. Each DKMS-built module is then loaded in a booted
# guest of its kernel (Tests/install/guest.sh); the host's kernel also
# boots locked down (Tests/install/lockdown-boot.sh).
. scripts/lib/matrix.sh
dk=build/dkms-test
# dkms_kernel NAME RELEASE ROOT: dkms add/build in ROOT for RELEASE, check the
# module, and boot NAME (a matrix name or a release) with it.
dkms_kernel() {
	local name=$1 rel=$2 root=$3 d=$dk/$2 ko t0 args
	rm -rf "$d" && mkdir -p "$d/src/pgwalk-$want" "$d/tree"
	make -s --no-print-directory -f Makefile --eval 'srcs: ; @echo $(DKMS_SOURCES)' srcs | xargs -n1 | xargs -I{} cp {} "$d/src/pgwalk-$want/"
	args=(-m pgwalk -v "$want" --sourcetree "$PWD/$d/src" --dkmstree "$PWD/$d/tree")
	# One key for every kernel, as on a machine with one enrolled MOK.
	local keys=(env "mok_signing_key=$PWD/$dk/mok.key" "mok_certificate=$PWD/$dk/mok.pub")
	check "dkms add for $rel (private tree)" in_root "$root" "${keys[@]}" dkms add "${args[@]}"
	t0=$(date +%s)
	check "dkms build -k $rel" in_root "$root" "${keys[@]}" dkms build "${args[@]}" -k "$rel" --kernelsourcedir "/usr/src/linux-headers-$rel"
	echo "# dkms build for $rel: $(($(date +%s) - t0)) s"
	# Debian 13's DKMS compresses the module as the kernel's own are
	# (pgwalk.ko.xz); Debian 12's leaves it plain.
	ko=$(ls "$d/tree/pgwalk/$want/$rel/x86_64/module/pgwalk.ko"* 2> /dev/null | head -n 1)
	ko=${ko:-$d/tree/pgwalk/$want/$rel/x86_64/module/pgwalk.ko}
	check "the DKMS-built module for $rel is version $want, for $rel, signed with DKMS's key" bash -c \
		"[ \"\$(modinfo -F version '$ko')\" = '$want' ] && [ \"\$(modinfo -F vermagic '$ko' | cut -d' ' -f1)\" = '$rel' ] && [ \"\$(modinfo -F signer '$ko')\" = 'DKMS module signing key' ]"
	if [ -n "${SKIP_VM:-}" ]; then
		echo "# skipped: the guest of $rel (SKIP_VM)"
		return
	fi
	t0=$(date +%s)
	if KVER=$name KMOD=none VM_MEM=1G scripts/vm-run "PGWALK_DKMS_KO=$ko Tests/install/guest.sh" > "$work/guest" 2>&1; then
		ok "guest $rel: $(grep -c '^ok ' "$work/guest") in-guest checks passed"
	else
		not_ok "guest $rel (Tests/install/guest.sh)" "$work/guest"
	fi
	grep -E '^(ok|not ok|# insmod|# debugfs) ' "$work/guest" | sed 's/^/#   guest: /'
	if [ "$root" = / ]; then
		if KVER=$name KMOD=none VM_MEM=1G VM_APPEND=lockdown=integrity scripts/vm-run "PGWALK_DKMS_KO=$ko Tests/install/lockdown-boot.sh" > "$work/guest" 2>&1; then
			ok "guest $rel booted with lockdown=integrity: $(grep -c '^ok ' "$work/guest") checks passed"
		else
			not_ok "guest $rel booted with lockdown=integrity (Tests/install/lockdown-boot.sh)" "$work/guest"
		fi
		grep -E '^(ok|not ok|# insmod|# debugfs) ' "$work/guest" | sed 's/^/#   guest: /'
	fi
	echo "# guests of $rel: $(($(date +%s) - t0)) s"
}

host_rel=$(ls /usr/src | sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' | sort -V | tail -n 1)
if [ "$(id -u)" -ne 0 ] || ! command -v dkms > /dev/null || [ -z "$host_rel" ]; then
	echo "# skipped: DKMS (needs root, dkms and a linux-headers-*-amd64; make deps)"
else
	rm -rf "$dk" && mkdir -p "$dk"
	check "dkms.conf's PACKAGE_VERSION is pgwalk.h's $want" grep -qx "PACKAGE_VERSION=\"$want\"" kmod/dkms.conf
	if [ -e "/boot/vmlinuz-$host_rel" ]; then
		dkms_kernel "$host_rel" "$host_rel" /
	else
		SKIP_VM=1 dkms_kernel "$host_rel" "$host_rel" /
	fi
	# The matrix kernels that live in a Debian root of their own. dkms
	# comes from that root's Debian (installed there once, as make deps
	# would on that release).
	while read -r name _; do
		read -r rel root < <(kernel_lookup "$name") || continue
		[ "$root" != / ] || continue
		[ -d "$root/usr/src/linux-headers-$rel" ] || continue
		if ! in_root "$root" sh -c 'command -v dkms && command -v openssl' > /dev/null; then
			in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dkms openssl > "$work/apt" 2>&1 ||
				{ not_ok "apt-get install dkms in $root" "$work/apt"; continue; }
		fi
		dkms_kernel "$name" "$rel" "$root"
	done < <(matrix_entries)
fi
tap_summary
