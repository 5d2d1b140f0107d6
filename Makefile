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
#   sudo make load / sudo make unload   on a machine that can load modules

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

# The kernel that kmod, vm-run, demo and bench are for: a release or a name
# of the matrix (KVER=7.x); the default is scripts/kernel-version's.
KVER ?= $(shell scripts/kernel-version 2>/dev/null)
SWIFT ?= swift
SWIFT_CONFIG ?= release
SWIFT_FLAGS ?= -c $(SWIFT_CONFIG)
PAGING ?= 4
PGWALKCTL := .build/$(SWIFT_CONFIG)/pgwalkctl
KMOD_SOURCES = $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/pgwalk.h

.PHONY: all deps kmod kmod-matrix client tests-kernel build vm-run check \
	check-swift check-harness check-kernel demo load unload lint fixtures bench clean \
	distclean bench-startup kernels debug-kernel check-debug

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

build: kmod client tests-kernel

# KERNEL=bzImage KDIR=tree boots a kernel of your own (the module is built
# against KDIR; its modules come from there): README "Kernels of your own".
vm-run: kmod
	@if [ -z '$(CMD)' ]; then echo "usage: make vm-run CMD='command'" >&2; exit 2; fi
	@if [ -n '$(KERNEL)' ] && [ -z '$(KDIR)' ]; then echo "make vm-run: KERNEL= needs KDIR=, the tree that built it" >&2; exit 2; fi
	PAGING=$(PAGING) $(if $(KERNEL),,KVER='$(KVER)') scripts/vm-run '$(CMD)'

check: deps build
	$(MAKE) lint
	$(MAKE) check-swift
	$(MAKE) check-harness
	$(MAKE) check-kernel

# The VM harness's own tests, on the host (a few short boots).
check-harness: kmod
	Tests/harness/run.sh

check-swift:
	$(SWIFT) test

# The kernel tests run in each booted kernel of the matrix, once per paging
# mode: KERNELS= picks some, PAGING_MODES= the levels. KERNEL=bzImage
# KDIR=tree runs them in a kernel of your own instead.
check-kernel: client tests-kernel
	scripts/check-kernel

# The debug kernel: Debian's linux-source-7.3 with scripts/debug-kernel.config
# (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_VM, kmemleak,
# DEBUG_PAGEALLOC), built in the trixie root into build/debug-kernel/ (about
# an hour at -j2; kept until make clean). check-debug runs the kernel and
# integration suites in it at 4- and 5-level paging, failing on any report.
debug-kernel:
	scripts/build-debug-kernel

check-debug: client tests-kernel
	scripts/check-debug

demo: deps build
	scripts/demo

# Benchmarks (docs/BENCH.md): one boot measures every workload, then
# bench/render.py writes build/bench/results.json and docs/BENCH.md.
# BENCH_RUNS, BENCH_WORKLOADS, BENCH_VM_MEM, BENCH_ASLR, BENCH_TIMEOUT are settable.
BENCH_RUNS ?= 5
BENCH_WORKLOADS ?= tiny dense-4k thp sparse-spread sparse-runs many-vmas big
BENCH_VM_MEM ?= 6G
# The guest's randomize_va_space while measuring: 0 lets the emulator keep
# each program's translated code between runs (docs/BENCH.md).
BENCH_ASLR ?= 0
# A whole run takes 15-20 minutes alone and far more beside other work: the
# harness's default limit of 20 minutes is too short for it.
BENCH_TIMEOUT ?= 5400
bench: kmod client
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
