# pgwalk: show a process's real page tables and prove them against
# /proc/PID/pagemap. See README.md.
#
#   make demo     install what is missing, build, walk and verify a sample
#   make check    every test: Swift unit tests on the host, kernel tests in
#                 each booted kernel of the matrix (scripts/kernel-matrix),
#                 with 4-level and 5-level paging
#   make kernels  the matrix's kernel releases, one per line
#   make vm-run CMD='...' [KVER=7.x]   run a command as root in a booted kernel
#   make vm-run CMD='...' KERNEL=bzImage KDIR=tree   ... in a kernel of your own
#   make debug-kernel / check-debug   a KASAN+lockdep+kmemleak kernel; the
#                 suites in it
#   make racing   targets that change while they are walked, the long run
#                 (RACING_SECONDS per kind; docs/RELIABILITY.md)
#   make fuzz-decoders   the stream decoders under libFuzzer, 10^6 runs each
#   sudo make load / sudo make unload   on a machine that can load modules
#   make install [PREFIX=/usr/local] [DESTDIR=]   pgwalkctl, its man page and
#                 completions, and (without DESTDIR) the module through DKMS
#   sudo make dkms-install / dkms-remove   the module through DKMS only
#   make check-install   the install and DKMS tests (Tests/install)
#   sudo make check-debian13   build on a fresh Debian 13 with its Swift 6.0

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

# The kernel that kmod, vm-run, demo and bench are for: a release or a name
# of the matrix (KVER=7.x); the default is scripts/kernel-version's.
KVER ?= $(shell scripts/kernel-version 2>/dev/null)
SWIFT ?= swift
SWIFT_CONFIG ?= release
# Concrete generic types (StreamDecoder<CommandStream>, Optional<VMA>, ...)
# get their metadata from their accessor, handed the conformances the
# compiler already knows, not from their mangled name at run time: that
# demangling checks every generic requirement by scanning the process's
# conformance records, the first time each type is used in a process: a
# third of a small walk's own instructions (docs/BENCH.md, change 24).
SWIFT_CODEGEN_FLAGS ?= -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
SWIFT_FLAGS ?= -c $(SWIFT_CONFIG) $(SWIFT_CODEGEN_FLAGS)
PAGING ?= 4
PGWALKCTL := .build/$(SWIFT_CONFIG)/pgwalkctl
KMOD_SOURCES = $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/pgwalk.h

.PHONY: fuzz all deps kmod kmod-matrix client tests-kernel build vm-run check \
	check-swift check-harness check-kernel demo load unload lint fixtures bench clean \
	distclean bench-startup kernels debug-kernel check-debug tests-racing racing \
	check-host fuzz-build fuzz-decoders check-fuzz \
	man completions install uninstall dkms-install dkms-remove check-install check-debian13

all: build

# Host packages, then every kernel of the matrix (KERNELS= for some).
deps:
	scripts/install-deps
	scripts/install-kernels

kernels:
	@scripts/kernels

# pgwalk.ko for KVER in build/kmod/RELEASE/ (KDIR= for a tree of your own);
# kmod-matrix builds it for every kernel of the matrix, warnings failing.
kmod:
	KVER='$(KVER)' scripts/build-kmod $(if $(KDIR),,'$(KVER)')

kmod-matrix:
	@for k in $$(scripts/kernels); do \
		EXTRA_KBUILD_ARGS=W=1 scripts/build-kmod $$k || exit 1; done

# pgwalkctl and the scenario program its selftest runs, side by side.
client:
	$(SWIFT) build $(SWIFT_FLAGS) --product pgwalkctl
	$(SWIFT) build $(SWIFT_FLAGS) --product pgwalk-scenario

tests-kernel:
	$(MAKE) -C Tests/kernel
	$(MAKE) -C Tests/reliability

# The racing suite's mutators and raw-session walker, in build/racing/.
tests-racing:
	$(MAKE) -C Tests/reliability -f racing.mk

build: kmod client tests-kernel tests-racing

# KERNEL=bzImage KDIR=tree boots a kernel of your own (the module is built
# against KDIR; its modules come from there): README "Kernels of your own".
vm-run: kmod
	@if [ -z '$(CMD)' ]; then echo "usage: make vm-run CMD='command'" >&2; exit 2; fi
	@if [ -n '$(KERNEL)' ] && [ -z '$(KDIR)' ]; then echo "make vm-run: KERNEL= needs KDIR=, the tree that built it" >&2; exit 2; fi
	PAGING=$(PAGING) $(if $(KERNEL),,KVER='$(KVER)') scripts/vm-run '$(CMD)'

# Each part says how long it took: CI allows make check 45 minutes.
CHECK_PARTS = lint check-swift check-host check-fuzz check-harness check-install check-kernel
check: deps build
	@for part in $(CHECK_PARTS); do \
		start=$$SECONDS; \
		$(MAKE) $$part || { echo "check: $$part failed after $$((SECONDS - start)) s"; exit 1; }; \
		echo "check: $$part passed in $$((SECONDS - start)) s"; \
	done

# The VM harness's own tests, on the host (a few short boots).
check-harness: kmod
	Tests/harness/run.sh

check-swift:
	$(SWIFT) test

# pgwalkctl on the host, no module: damaged saved streams (exit 6 and the
# byte offset), a closed or full standard output, a target exiting under
# --source pagemap (docs/RELIABILITY.md).
check-host: client
	Tests/host/run.sh

# The decoder fuzzers (docs/RELIABILITY.md, "Decoders under libFuzzer"):
# the Swift stream decoder with what walk/conform --input run on a stream,
# verify's checks against a fixed pagemap and maps, and the kernel tests' C
# decoder, under libFuzzer and ASan, from Fuzz/corpus/streams. Their own
# package (Fuzz/Package.swift) and build directory: the product's build is
# untouched. --sanitize fuzzer alone instruments only the Fuzz package's own
# targets for coverage, not PgwalkKit (a dependency): -Xswiftc does all. fuzz-decoders runs FUZZ_RUNS executions of each; check-fuzz
# FUZZ_SECONDS seconds of each (part of make check).
# check-fuzz builds them in the debug configuration with -O
# (FUZZ_CONFIG=debug FUZZ_OPT=-O): the release build of PgwalkKit under
# both sanitizers (whole-module, one job per module) takes 6-7 minutes
# that make check cannot spare; debug with -O builds in under 3 and runs
# about 2000 inputs a second, where plain debug runs 4.
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 10
FUZZ_CONFIG ?= release
FUZZ_OPT ?=
CLANG ?= clang
fuzz-build:
	$(SWIFT) build --package-path Fuzz -c $(FUZZ_CONFIG) --sanitize fuzzer --sanitize address \
		-Xswiftc -sanitize=fuzzer,address $(if $(FUZZ_OPT),-Xswiftc $(FUZZ_OPT))
	mkdir -p build/fuzz/bin
	$(CLANG) -g -O1 -fuse-ld=lld -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Wall -Wextra -Werror -std=gnu11 -o build/fuzz/bin/pgw-stream-c \
		Fuzz/c/pgw_stream_fuzz.c Tests/kernel/pgw_stream.c

fuzz-decoders: fuzz-build
	FUZZ_CONFIG=$(FUZZ_CONFIG) Fuzz/run.sh runs $(FUZZ_RUNS)

check-fuzz:
	$(MAKE) fuzz-build FUZZ_CONFIG=debug FUZZ_OPT=-O
	FUZZ_CONFIG=debug Fuzz/run.sh seconds $(FUZZ_SECONDS)

# The kernel tests run in each booted kernel of the matrix, once per paging
# mode: KERNELS= picks some, PAGING_MODES= the levels. KERNEL=bzImage
# KDIR=tree runs them in a kernel of your own instead.
check-kernel: client tests-kernel tests-racing
	scripts/check-kernel

# The debug kernel: Debian's linux-source-7.3 with scripts/debug-kernel.config
# (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_VM, kmemleak,
# DEBUG_PAGEALLOC), built in the trixie root into build/debug-kernel/ (about
# an hour at -j2; kept until make clean). check-debug runs the kernel and
# integration suites in it at 4- and 5-level paging, failing on any report.
debug-kernel:
	scripts/build-debug-kernel

check-debug: client tests-kernel tests-racing
	scripts/check-debug

# Hostile requests and the module lifecycle, long: FUZZ_REQUESTS (10^5)
# sessions, LIFECYCLE_CYCLES (200) rmmod/insmod cycles, in each kernel of
# KERNELS (default 6.1 7.x) at 4-level paging (docs/RELIABILITY.md).
fuzz: kmod-matrix tests-kernel
	scripts/fuzz

# Targets that change while they are walked, the long run (make check runs
# it with 1 s per kind): each kind of Tests/reliability/churn.c for
# RACING_SECONDS, in KVER at PAGING-level paging.
RACING_SECONDS ?= 60
RACING_TIMEOUT ?= 7200
racing: kmod client tests-racing
	VM_TIMEOUT=$(RACING_TIMEOUT) PAGING=$(PAGING) KVER='$(KVER)' scripts/vm-run \
		'RACING_SECONDS=$(RACING_SECONDS) Tests/reliability/racing.sh'

demo: deps build
	scripts/demo

# Benchmarks (docs/BENCH.md): one boot measures every workload, then
# bench/render.py writes build/bench/results.json and docs/BENCH.md.
# BENCH_RUNS, BENCH_WORKLOADS, BENCH_VM_MEM, BENCH_ASLR, BENCH_TIMEOUT are settable.
BENCH_RUNS ?= 5
# ktarget, python and jvm are real processes (bench/common.sh); jvm is
# skipped where Java is not installed.
BENCH_WORKLOADS ?= tiny ktarget python jvm dense-4k thp sparse-spread sparse-runs many-vmas big
BENCH_VM_MEM ?= 6G
# The guest's randomize_va_space while measuring: 0 lets the emulator keep
# each program's translated code between runs (docs/BENCH.md).
BENCH_ASLR ?= 0
# A whole run takes 8-12 minutes on a quiet host (2026-12-01, BENCH_RUNS=5)
# and far more beside other work: the harness's default limit of 20
# minutes is too short for it.
BENCH_TIMEOUT ?= 5400
bench: kmod client tests-kernel
	$(MAKE) -C bench
	VM_TIMEOUT=$(BENCH_TIMEOUT) VM_MEM=$(BENCH_VM_MEM) VM_SMP=2 PAGING=4 KVER='$(KVER)' scripts/vm-run \
		'BENCH_RUNS=$(BENCH_RUNS) BENCH_WORKLOADS="$(BENCH_WORKLOADS)" BENCH_ASLR=$(BENCH_ASLR) PGWALKCTL=$(PGWALKCTL) bench/run.sh'
	python3 bench/render.py

# What process start-up costs in the guest (docs/BENCH.md, "Process start-up").
STARTUP := build/bench/startup
bench-startup: client
	mkdir -p $(STARTUP)
	swiftc -O bench/startup/hello.swift -o $(STARTUP)/hello
	swiftc -O bench/startup/hello-foundation.swift -o $(STARTUP)/hello-foundation
	cp .build/release/pgwalkctl $(STARTUP)/pgwalkctl
	$(SWIFT) build -c release --static-swift-stdlib --build-path build/static --product pgwalkctl
	cp build/static/release/pgwalkctl $(STARTUP)/pgwalkctl-static
	KMOD=none VM_MEM=2G scripts/vm-run bench/startup.sh

# Installing. The man page comes from the command definitions
# (swift-argument-parser's generate-manual plugin), the completions from
# pgwalkctl --generate-completion-script. Without DESTDIR, install also
# installs the module through DKMS (NO_DKMS=1 skips it); with DESTDIR (a
# package's staging root) it never does: DKMS registers the module on the
# running system, not in a folder.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
BASH_COMPLETIONS ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETIONS ?= $(PREFIX)/share/zsh/vendor-completions
FISH_COMPLETIONS ?= $(PREFIX)/share/fish/vendor_completions.d
# The page's date: the last commit's, so that a rebuild makes the same page.
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null || date +%F)
MAN_PAGE := build/man/pgwalkctl.1
COMPLETIONS := build/completions/pgwalkctl.bash build/completions/_pgwalkctl build/completions/pgwalkctl.fish
MODULE_VERSION = $(shell sed -n 's/^\#define PGWALK_MODULE_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/pgwalk.h)
DKMS_SOURCES = $(KMOD_SOURCES) kmod/pgwalk_format.h kmod/Kbuild kmod/Makefile kmod/dkms.conf

$(PGWALKCTL):
	$(SWIFT) build $(SWIFT_FLAGS) --product pgwalkctl

man: $(MAN_PAGE)
$(MAN_PAGE): $(PGWALKCTL)
	$(SWIFT) package --allow-writing-to-package-directory generate-manual \
		--date '$(MAN_DATE)' --authors 'pgwalk'
	mkdir -p $(dir $@)
	cp .build/plugins/GenerateManual/outputs/pgwalkctl/pgwalkctl.1 $@

completions: $(COMPLETIONS)
build/completions/pgwalkctl.bash: $(PGWALKCTL)
	mkdir -p $(dir $@) && $(PGWALKCTL) --generate-completion-script bash > $@
build/completions/_pgwalkctl: $(PGWALKCTL)
	mkdir -p $(dir $@) && $(PGWALKCTL) --generate-completion-script zsh > $@
build/completions/pgwalkctl.fish: $(PGWALKCTL)
	mkdir -p $(dir $@) && $(PGWALKCTL) --generate-completion-script fish > $@

install: $(PGWALKCTL) $(MAN_PAGE) $(COMPLETIONS)
	install -D -m 755 $(PGWALKCTL) '$(DESTDIR)$(BINDIR)/pgwalkctl'
	install -D -m 644 $(MAN_PAGE) '$(DESTDIR)$(MANDIR)/pgwalkctl.1'
	install -D -m 644 build/completions/pgwalkctl.bash '$(DESTDIR)$(BASH_COMPLETIONS)/pgwalkctl'
	install -D -m 644 build/completions/_pgwalkctl '$(DESTDIR)$(ZSH_COMPLETIONS)/_pgwalkctl'
	install -D -m 644 build/completions/pgwalkctl.fish '$(DESTDIR)$(FISH_COMPLETIONS)/pgwalkctl.fish'
	@if [ -n '$(DESTDIR)' ] || [ -n '$(NO_DKMS)' ]; then \
		echo "install: the module is not installed (DESTDIR or NO_DKMS set): 'sudo make dkms-install' on the target machine"; \
	else $(MAKE) dkms-install; fi

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/pgwalkctl' '$(DESTDIR)$(MANDIR)/pgwalkctl.1' \
		'$(DESTDIR)$(BASH_COMPLETIONS)/pgwalkctl' '$(DESTDIR)$(ZSH_COMPLETIONS)/_pgwalkctl' \
		'$(DESTDIR)$(FISH_COMPLETIONS)/pgwalkctl.fish'
	@if [ -z '$(DESTDIR)' ] && [ -z '$(NO_DKMS)' ] && [ -d /usr/src/pgwalk-$(MODULE_VERSION) ]; then \
		$(MAKE) dkms-remove; fi

# The module's sources to /usr/src/pgwalk-VERSION, then dkms add, build and
# install for the running kernel; DKMS rebuilds it for each new kernel.
dkms-install:
	@command -v dkms > /dev/null || { echo "dkms-install: no dkms; run 'sudo make deps'" >&2; exit 1; }
	@[ '$(MODULE_VERSION)' = "$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)" ] || \
		{ echo "dkms-install: kmod/dkms.conf's PACKAGE_VERSION is not pgwalk.h's $(MODULE_VERSION)" >&2; exit 1; }
	-dkms remove -m pgwalk -v $(MODULE_VERSION) --all > /dev/null 2>&1
	rm -rf /usr/src/pgwalk-$(MODULE_VERSION)
	install -d /usr/src/pgwalk-$(MODULE_VERSION)
	install -m 644 $(DKMS_SOURCES) /usr/src/pgwalk-$(MODULE_VERSION)/
	dkms add -m pgwalk -v $(MODULE_VERSION)
	dkms install -m pgwalk -v $(MODULE_VERSION)

dkms-remove:
	-dkms remove -m pgwalk -v $(MODULE_VERSION) --all
	rm -rf /usr/src/pgwalk-$(MODULE_VERSION)

# On the host: install into a DESTDIR and check each file, DKMS builds for
# the host's kernel in a private tree; in a booted guest: the DKMS-built
# module loaded with 'pgwalkctl load', lockdown raised at run time, then a
# boot with lockdown=integrity (Tests/install/README).
check-install: client
	Tests/install/run.sh

check-debian13:
	scripts/check-debian13

load: kmod
	scripts/load-module $$(scripts/build-kmod '$(KVER)')

unload:
	rmmod pgwalk

# Kernel style: checkpatch.pl --strict (fetched from Debian's linux-source
# package when no kernel tree provides it). The format header is shared with
# user space, where BIT() does not exist, so it may use plain shifts.
lint: kmod-matrix
	@cp=$$(scripts/get-checkpatch) && \
	perl $$cp --strict --no-tree --quiet -f $(KMOD_SOURCES) && \
	perl $$cp --strict --no-tree --quiet --ignore BIT_MACRO -f kmod/pgwalk_format.h && \
	echo "lint: checkpatch --strict clean; W=1 builds warning-free for $$(scripts/kernels | tr '\n' ' ')"

# Re-record the Swift tests' fixtures from the real module: in each kernel
# of the matrix (KERNELS="6.12 7.x" for some), both paging modes; each
# kernel's go to its own folder (Tests/integration/record-fixtures.sh).
fixtures: client tests-kernel
	@for k in $${KERNELS:-$$(scripts/kernels)}; do \
		scripts/build-kmod "$$k" > /dev/null || exit 1; \
		for p in 4 5; do \
			PAGING=$$p KVER="$$k" scripts/vm-run Tests/integration/record-fixtures.sh || exit 1; \
		done; \
	done

# clean keeps the kernels' Debian roots (build/roots, minutes to remake) and
# what install-kernels recorded of them; distclean removes those too.
clean:
	$(MAKE) -C kmod clean || true
	$(MAKE) -C Tests/kernel clean || true
	find build -mindepth 1 -maxdepth 1 ! -name roots ! -name matrix -exec rm -rf {} + 2>/dev/null || true

distclean: clean
	rm -rf build
