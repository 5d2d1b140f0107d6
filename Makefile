# pgwalk: show a process's real page tables and prove them against
# /proc/PID/pagemap. See README.md.
#
#   make demo     install what is missing, build, walk and verify a sample
#   make check    every test: Swift unit tests on the host, kernel tests in a
#                 booted kernel with 4-level and 5-level paging
#   make vm-run CMD='...'   run a command as root in the booted kernel
#   sudo make load / sudo make unload   on a machine that can load modules

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

KVER ?= $(shell scripts/kernel-version 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
SWIFT ?= swift
SWIFT_CONFIG ?= release
SWIFT_FLAGS ?= -c $(SWIFT_CONFIG)
PAGING ?= 4
PGWALKCTL := .build/$(SWIFT_CONFIG)/pgwalkctl
CHECKPATCH ?= $(firstword $(wildcard $(KDIR)/scripts/checkpatch.pl \
		/usr/src/linux-source-*/scripts/checkpatch.pl))

.PHONY: all deps kmod client tests-kernel build vm-run check check-swift \
	check-kernel demo load unload lint fixtures bench clean

all: build

deps:
	scripts/install-deps

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

# pgwalkctl and the scenario program its selftest runs, side by side.
client:
	$(SWIFT) build $(SWIFT_FLAGS) --product pgwalkctl
	$(SWIFT) build $(SWIFT_FLAGS) --product pgwalk-scenario

tests-kernel:
	$(MAKE) -C Tests/kernel

build: kmod client tests-kernel

vm-run: kmod
	@if [ -z '$(CMD)' ]; then echo "usage: make vm-run CMD='command'" >&2; exit 2; fi
	PAGING=$(PAGING) scripts/vm-run '$(CMD)'

check: deps build
	$(MAKE) check-swift
	$(MAKE) check-kernel

check-swift:
	$(SWIFT) test

# The kernel tests run in the booted kernel, once per paging mode.
check-kernel:
	scripts/check-kernel

demo: deps build
	scripts/demo

load: kmod
	scripts/load-module kmod/pgwalk.ko

unload:
	rmmod pgwalk

lint:
	@if [ -z "$(CHECKPATCH)" ]; then \
		echo "lint: no checkpatch.pl (install linux-source-* or set CHECKPATCH=)"; exit 1; fi
	perl $(CHECKPATCH) --strict --no-tree --quiet -f kmod/*.c kmod/*.h

# Re-record the Swift tests' fixtures from the real module, both paging modes.
fixtures: build
	PAGING=4 scripts/vm-run Tests/integration/record-fixtures.sh
	PAGING=5 scripts/vm-run Tests/integration/record-fixtures.sh

clean:
	$(MAKE) -C kmod KDIR=$(KDIR) clean || true
	$(MAKE) -C Tests/kernel clean || true
	rm -rf build
