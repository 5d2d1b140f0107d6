// SPDX-License-Identifier: GPL-2.0
/*
 * diff-steps: regions on which one mm change at a time is made when asked,
 * so that `pgwalkctl diff --pid P -- COMMAND` sees each kind of change in a
 * real kernel (Tests/integration/diff-tests.sh). The scenario prints its
 * regions and holds; each step is asked for by writing its name to
 * /tmp/pgwalk-scenario-PID.step and sending SIGUSR1; the answer ("NAME done",
 * or "NAME skip: why", or "NAME fail: why") appears in
 * /tmp/pgwalk-scenario-PID.done (Tests/integration/scenario-step.sh).
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1) /* <numaif.h>, which needs libnuma's headers */
#endif

#define N 16

static uint8_t *r_map, *r_unmap, *r_cow, *r_ksm, *r_split, *r_collapse, *r_swap, *r_rdonly, *r_dirty,
	*r_softdirty, *r_uffd, *r_migrate;
static int have_thp;

static void cow_child(void *arg)
{
	(void)arg; /* holds the COW-shared copy of every private page */
}

static void write_pages(uint8_t *p, long n, int value)
{
	for (long i = 0; i < n; i++)
		p[i * PAGE] = (uint8_t)value;
}

static long sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return nanosleep(&ts, NULL);
}

static int ksm_merged(void)
{
	uint64_t first = PM_PFN(pagemap(0, r_ksm));

	for (long i = 1; i < N; i++)
		if (PM_PFN(pagemap(0, r_ksm + i * PAGE)) != first)
			return 0;
	return first != 0;
}

static void step_ksm(char *result, size_t len)
{
	long run = -1;

	if (!pfn_visible()) {
		snprintf(result, len, "skip: PFNs hidden (not root)");
		return;
	}
	if (read_long("/sys/kernel/mm/ksm/run", &run) || run != 1) {
		snprintf(result, len, "skip: KSM is not running (ksm/run=%ld)", run);
		return;
	}
	if (madvise(r_ksm, N * PAGE, MADV_MERGEABLE)) {
		snprintf(result, len, "fail: MADV_MERGEABLE: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 600 && !ksm_merged(); i++)
		sleep_ms(100);
	snprintf(result, len, ksm_merged() ? "done" : "skip: KSM did not merge within 60 s");
}

static int uffd_fd = -1;

static void step_uffd(char *result, size_t len)
{
	struct uffdio_api api;
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;

	uffd_fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd_fd < 0) {
		snprintf(result, len, "skip: userfaultfd: %s", strerror(errno));
		return;
	}
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	api.features = UFFD_FEATURE_PAGEFAULT_FLAG_WP;
	if (ioctl(uffd_fd, UFFDIO_API, &api)) {
		snprintf(result, len, "skip: userfaultfd lacks write-protect");
		return;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)r_uffd;
	reg.range.len = N * PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	memset(&wp, 0, sizeof(wp));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd_fd, UFFDIO_REGISTER, &reg) || ioctl(uffd_fd, UFFDIO_WRITEPROTECT, &wp)) {
		snprintf(result, len, "fail: uffd write-protect: %s", strerror(errno));
		return;
	}
	snprintf(result, len, "done");
}

static void step_collapse(char *result, size_t len)
{
	if (!have_thp) {
		snprintf(result, len, "skip: no THP here");
		return;
	}
	if (madvise(r_collapse, HPAGE, MADV_HUGEPAGE) || madvise(r_collapse, HPAGE, MADV_COLLAPSE)) {
		snprintf(result, len, "skip: MADV_COLLAPSE: %s", strerror(errno));
		return;
	}
	snprintf(result, len, "done");
}

static void step_swap(int out_, char *result, size_t len)
{
	long free_kb = 0;

	if (out_) {
		if (!swap_active(&free_kb)) {
			snprintf(result, len, "skip: no active swap");
			return;
		}
		if (madvise(r_swap, N * PAGE, MADV_PAGEOUT)) {
			snprintf(result, len, "fail: MADV_PAGEOUT: %s", strerror(errno));
			return;
		}
		for (long i = 0; i < N; i++)
			if (!(pagemap(0, r_swap + i * PAGE) & PM_SWAP)) {
				snprintf(result, len, "skip: page %ld not swapped out", i);
				return;
			}
	} else {
		touch_read(r_swap, N * PAGE);
	}
	snprintf(result, len, "done");
}

/*
 * Moves r_migrate's pages to the other NUMA node with move_pages(2): each
 * page gets a new frame with the same data and the same permissions, which
 * is what diff calls a migration. The guest has two nodes (VM_NUMA=2 in
 * Tests/integration/vm.env); with one there is nowhere to move to.
 */
static void step_migrate(char *result, size_t len)
{
	void *pages[N];
	int nodes[N], status[N];
	int to;
	char path[64];

	for (long i = 0; i < N; i++)
		pages[i] = r_migrate + i * PAGE;
	if (syscall(SYS_move_pages, 0, N, pages, NULL, status, 0)) {
		snprintf(result, len, "skip: move_pages: %s", strerror(errno));
		return;
	}
	to = status[0] == 0 ? 1 : 0;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", to);
	if (access(path, F_OK)) {
		snprintf(result, len, "skip: one NUMA node only (no node%d)", to);
		return;
	}
	for (long i = 0; i < N; i++)
		nodes[i] = to;
	if (syscall(SYS_move_pages, 0, N, pages, nodes, status, MPOL_MF_MOVE)) {
		snprintf(result, len, "fail: move_pages to node %d: %s", to, strerror(errno));
		return;
	}
	for (long i = 0; i < N; i++) {
		if (status[i] != to) {
			snprintf(result, len, "fail: page %ld is on node %d, not %d", i, status[i], to);
			return;
		}
	}
	snprintf(result, len, "done");
}

static void diff_step(const char *name, char *result, size_t len)
{
	snprintf(result, len, "done");
	if (!strcmp(name, "map")) {
		write_pages(r_map, N, 1);
	} else if (!strcmp(name, "unmap")) {
		if (madvise(r_unmap, N * PAGE, MADV_DONTNEED))
			snprintf(result, len, "fail: MADV_DONTNEED: %s", strerror(errno));
	} else if (!strcmp(name, "cow")) {
		write_pages(r_cow, N, 7);
	} else if (!strcmp(name, "ksm")) {
		step_ksm(result, len);
	} else if (!strcmp(name, "split")) {
		if (!have_thp)
			snprintf(result, len, "skip: no THP here");
		else if (mprotect(r_split, HPAGE / 2, PROT_READ))
			snprintf(result, len, "fail: mprotect: %s", strerror(errno));
	} else if (!strcmp(name, "collapse")) {
		step_collapse(result, len);
	} else if (!strcmp(name, "swapout")) {
		step_swap(1, result, len);
	} else if (!strcmp(name, "swapin")) {
		step_swap(0, result, len);
	} else if (!strcmp(name, "rdonly")) {
		if (mprotect(r_rdonly, N * PAGE, PROT_READ))
			snprintf(result, len, "fail: mprotect: %s", strerror(errno));
	} else if (!strcmp(name, "dirty")) {
		write_pages(r_dirty, N, 3);
	} else if (!strcmp(name, "softdirty")) {
		write_pages(r_softdirty, N, 4);
	} else if (!strcmp(name, "uffd")) {
		step_uffd(result, len);
	} else if (!strcmp(name, "migrate")) {
		step_migrate(result, len);
	} else {
		snprintf(result, len, "fail: no step '%s'", name);
	}
}

void sc_diff_steps(void)
{
	int mfd;
	char mode[32];

	r_map = anon_pages(N);
	r_unmap = anon_pages(N);
	fill(r_unmap, N * PAGE, 41);
	r_cow = anon_pages(N);
	fill(r_cow, N * PAGE, 42);
	spawn(cow_child, NULL);
	r_ksm = anon_pages(N);
	memset(r_ksm, 0x5a, N * PAGE); /* identical pages, distinct frames */
	r_swap = anon_pages(N);
	fill(r_swap, N * PAGE, 43);
	r_rdonly = anon_pages(N);
	fill(r_rdonly, N * PAGE, 44);
	r_softdirty = anon_pages(N);
	fill(r_softdirty, N * PAGE, 45);
	r_uffd = anon_pages(N);
	fill(r_uffd, N * PAGE, 46);
	r_migrate = anon_pages(N);
	fill(r_migrate, N * PAGE, 48);
	mfd = memfd_create("pgwalk-diff-dirty", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, N * PAGE))
		die("memfd");
	r_dirty = arena_map(N * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	touch_read(r_dirty, N * PAGE); /* present and clean */
	have_thp = thp_mode(mode, sizeof(mode)) == 0 && strcmp(mode, "never");
	if (have_thp) {
		r_split = make_thp(HPAGE);
		r_collapse = arena_map(HPAGE, HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (madvise(r_collapse, HPAGE, MADV_NOHUGEPAGE))
			die("madvise MADV_NOHUGEPAGE");
		fill(r_collapse, HPAGE, 47); /* 512 PTEs */
		region("split", r_split, HPAGE);
		region("collapse", r_collapse, HPAGE);
	}
	region("map", r_map, N * PAGE);
	region("unmap", r_unmap, N * PAGE);
	region("cow", r_cow, N * PAGE);
	region("ksm", r_ksm, N * PAGE);
	region("swap", r_swap, N * PAGE);
	region("rdonly", r_rdonly, N * PAGE);
	region("dirty", r_dirty, N * PAGE);
	region("softdirty", r_softdirty, N * PAGE);
	region("uffd", r_uffd, N * PAGE);
	region("migrate", r_migrate, N * PAGE);
	scenario_step = diff_step;
}
