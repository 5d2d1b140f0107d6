// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-scenario: what kernels after 6.1 added. Each scenario finds out
 * at run time whether the running kernel has its feature (EINVAL or ENOSYS
 * from the call, a missing sysfs file) and skips, saying so, where it does
 * not; never by version number.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif

#define RW (PROT_READ | PROT_WRITE)
#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define KPF_COMPOUND_HEAD 15

static const char *yesno(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

/* VmFlags of the VMA containing addr has the two-letter flag: 1, 0, -1 */
static int vma_has(const void *addr, const char *mnemonic)
{
	char flags[512], want[8];

	if (smaps_field(addr, "VmFlags", flags, sizeof(flags)))
		return -1;
	snprintf(want, sizeof(want), " %s", mnemonic);
	return strstr(flags, want) != NULL;
}

/* ---- mthp-64k ---- */

#define MTHP_PAGES 16			/* 64 KiB */
#define MTHP_BLOCKS 4

/*
 * Whether anonymous THP of the size whose sysfs directory is dir is used on
 * a MADV_HUGEPAGE fault: its own setting, or the global one for "inherit".
 * -1: no such size.
 */
static int mthp_enabled(const char *dir, char *mode, size_t len)
{
	char path[200], global[32];

	snprintf(path, sizeof(path), "%s/enabled", dir);
	if (sysfs_choice(path, mode, len))
		return -1;
	if (!strcmp(mode, "inherit"))
		return !thp_mode(global, sizeof(global)) && strcmp(global, "never");
	return strcmp(mode, "never") != 0;
}

static const char *mthp_words(long i, void *arg)
{
	(void)arg;
	switch (i / MTHP_PAGES) {
	case 0: case 3: return "written mthp";
	case 1: return i % MTHP_PAGES ? "mthp" : "written mthp";
	default: return "untouched";
	}
}

void sc_mthp_64k(void)
{
	static const char *const larger[] = { "128kB", "256kB" };
	char mode[32], path[200];
	uint8_t *p;
	long before = -1, after = -1;

	if (access(THP_DIR "/hugepages-64kB/enabled", F_OK))
		skip("no multi-size THP: " THP_DIR "/hugepages-64kB is missing (kernel without mTHP, 6.8+, or without CONFIG_TRANSPARENT_HUGEPAGE)");
	if (mthp_enabled(THP_DIR "/hugepages-64kB", mode, sizeof(mode)) != 1)
		skip("64 KiB THP disabled: hugepages-64kB/enabled is [%s]; echo madvise > " THP_DIR "/hugepages-64kB/enabled",
		     mode);
	/* a larger size would take the 256 KiB region's blocks instead */
	for (size_t i = 0; i < sizeof(larger) / sizeof(larger[0]); i++) {
		snprintf(path, sizeof(path), THP_DIR "/hugepages-%s", larger[i]);
		if (mthp_enabled(path, mode, sizeof(mode)) == 1)
			skip("hugepages-%s is enabled too ([%s]): the faults would allocate %s folios; echo never > %s/enabled",
			     larger[i], mode, larger[i], path);
	}
	read_long(THP_DIR "/hugepages-64kB/stats/anon_fault_alloc", &before);
	p = arena_map(MTHP_BLOCKS * MTHP_PAGES * PAGE, MTHP_PAGES * PAGE, RW,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (madvise(p, MTHP_BLOCKS * MTHP_PAGES * PAGE, MADV_HUGEPAGE))
		die("madvise MADV_HUGEPAGE");
	fill(p, MTHP_PAGES * PAGE, 15);
	p[MTHP_PAGES * PAGE] = 1; /* one write maps the whole 64 KiB folio */
	fill(p + 3 * MTHP_PAGES * PAGE, MTHP_PAGES * PAGE, 16);
	read_long(THP_DIR "/hugepages-64kB/stats/anon_fault_alloc", &after);
	for (long b = 0; b < MTHP_BLOCKS; b++) {
		uint8_t *blk = p + b * MTHP_PAGES * PAGE;
		uint64_t first = PM_PFN(pagemap(0, blk));

		if (b == 2) {
			expect_present("mthp-64k", blk, 0, MTHP_PAGES - 1, 0);
			continue;
		}
		for (long i = 0; i < MTHP_PAGES; i++) {
			uint64_t v = pagemap(0, blk + i * PAGE);

			if (!(v & PM_PRESENT) ||
			    (pfn_visible() && (first % MTHP_PAGES || PM_PFN(v) != first + (uint64_t)i)))
				skip("no 64 KiB folio was allocated for block %ld (page %ld: pagemap 0x%llx): no free 64 KiB block; free memory or echo 1 > /proc/sys/vm/compact_memory",
				     b, i, (unsigned long long)v);
		}
	}
	region("mthp", p, MTHP_BLOCKS * MTHP_PAGES * PAGE);
	pages("mthp", MTHP_BLOCKS * MTHP_PAGES, mthp_words, NULL);
	if (before >= 0 && after >= 0)
		fact("anon_fault_alloc_64k %ld", after - before);
	if (pfn_visible()) {
		uint64_t head = kpageflags(PM_PFN(pagemap(0, p)));
		uint64_t tail = kpageflags(PM_PFN(pagemap(0, p + PAGE)));

		if (head != ~0ULL && tail != ~0ULL) {
			fact("kpf_thp %d", (int)((tail >> KPF_THP) & 1));
			fact("kpf_compound_head %d", (int)((head >> KPF_COMPOUND_HEAD) & 1));
		}
	}
}

/* ---- shmem-thp ---- */

/*
 * A 2 MiB aligned shared mapping of fd (or shared anonymous memory when fd
 * is -1), written; NULL with why in reason when it is not mapped by a PMD.
 */
static uint8_t *shmem_pmd(int fd, char *reason, size_t len)
{
	uint8_t *p = arena_map(HPAGE, HPAGE, RW, MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
	long kb;

	if (madvise(p, HPAGE, MADV_HUGEPAGE))
		die("madvise MADV_HUGEPAGE on shmem");
	p[0] = 1; /* the first fault allocates the folio and maps it */
	fill(p, HPAGE, 17);
	kb = smaps_kb(p, "ShmemPmdMapped");
	if (kb >= (long)(HPAGE >> 10))
		return p;
	if (kb < 0)
		snprintf(reason, len, "no ShmemPmdMapped in /proc/self/smaps");
	else if (pfn_visible() && PM_PFN(pagemap(0, p + HPAGE - PAGE)) == PM_PFN(pagemap(0, p)) + 511)
		snprintf(reason, len, "a 2 MiB folio, but mapped by PTEs (ShmemPmdMapped %ld kB)", kb);
	else
		snprintf(reason, len, "no 2 MiB folio (ShmemPmdMapped %ld kB): no free 2 MiB block, or huge pages not allowed here",
			 kb);
	return NULL;
}

static void shmem_region(const char *name, uint8_t *p)
{
	region(name, p, HPAGE);
	page_range(name, 0, 511, "written thp");
	if (pfn_visible())
		out("pfn %s 0 0x%llx", name, (unsigned long long)PM_PFN(pagemap(0, p)));
}

/* a tmpfs of our own with huge=always under /tmp; its path, or NULL */
static const char *huge_tmpfs(char *why, size_t len)
{
	static char dir[100];

	if (geteuid() != 0) {
		snprintf(why, len, "mounting a tmpfs with huge=always needs root");
		return NULL;
	}
	snprintf(dir, sizeof(dir), "/tmp/pgwalk-scenario-%d.huge", (int)getpid());
	if (mkdir(dir, 0700)) {
		snprintf(why, len, "mkdir %s: %s", dir, strerror(errno));
		return NULL;
	}
	cleanup_dir(dir);
	if (mount("pgwalk-scenario", dir, "tmpfs", MS_NOSUID | MS_NODEV, "huge=always,size=8m,mode=0700")) {
		snprintf(why, len, "mount -t tmpfs -o huge=always: %s", strerror(errno));
		return NULL;
	}
	cleanup_umount(dir);
	return dir;
}

void sc_shmem_thp(void)
{
	char mode[32] = "?", why[3][300], path[200];
	const char *dir;
	uint8_t *p;
	int fd, n = 0;

	need_thp();
	if (sysfs_choice(THP_DIR "/shmem_enabled", mode, sizeof(mode)))
		skip("no shmem THP: " THP_DIR "/shmem_enabled is missing (kernel without CONFIG_TRANSPARENT_HUGEPAGE)");
	fact("shmem_enabled %s", mode);

	fd = memfd_sized("pgwalk-scenario-shmem-thp", HPAGE);
	p = shmem_pmd(fd, why[0], sizeof(why[0]));
	close(fd);
	if (p) {
		shmem_region("memfd", p);
		n++;
	} else {
		fact("omitted_memfd %s (shmem_enabled [%s])", why[0], mode);
	}

	p = shmem_pmd(-1, why[1], sizeof(why[1]));
	if (p) {
		shmem_region("shared-anon", p);
		n++;
	} else {
		fact("omitted_shared_anon %s (shmem_enabled [%s])", why[1], mode);
	}

	dir = huge_tmpfs(why[2], sizeof(why[2]));
	p = NULL;
	if (dir) {
		snprintf(path, sizeof(path), "%s/file", dir);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die("create %s", path);
		cleanup_file(path);
		if (ftruncate(fd, HPAGE))
			die("ftruncate %s", path);
		p = shmem_pmd(fd, why[2], sizeof(why[2]));
		close(fd);
		if (p) {
			shmem_region("tmpfs", p);
			fact("tmpfs %s huge=always", dir);
			n++;
		}
	}
	if (!p)
		fact("omitted_tmpfs %s", why[2]);
	if (!n)
		skip("no shmem THP mapped by a PMD: memfd: %s; shared anonymous: %s; tmpfs huge=always: %s (shmem_enabled [%s]: echo advise > " THP_DIR "/shmem_enabled)",
		     why[0], why[1], why[2], mode);
}

/* ---- guard-region ---- */

static const char *guard_words(long i, void *arg)
{
	(void)arg;
	if (i <= 1 || (i >= 8 && i <= 11))
		return "written";
	if (i <= 3)
		return "written guard"; /* the page was zapped for the marker */
	if (i == 4)
		return "untouched guard";
	return i == 5 ? "untouched guard-removed" : "untouched";
}

/* pagemap of the guard pages: swap-format, not present; bit 58 or not */
static int guard_in_pagemap(const char *what, const uint8_t *p, long first, long last)
{
	int bit = -1;

	for (long i = first; i <= last; i++) {
		uint64_t v = pagemap(0, p + i * PAGE);

		if ((v & PM_PRESENT) || !(v & PM_SWAP)) {
			errno = EAGAIN;
			die("%s: page %ld is not a swap-format marker after MADV_GUARD_INSTALL (pagemap 0x%llx)",
			    what, i, (unsigned long long)v);
		}
		bit = !!(v & PM_GUARD_REGION);
	}
	return bit;
}

void sc_guard_region(void)
{
	uint8_t *p = anon_pages(16), *s;
	int mfd, bit;

	fill(p, 4 * PAGE, 18);
	fill(p + 8 * PAGE, 4 * PAGE, 18);
	if (madvise(p + 2 * PAGE, 4 * PAGE, MADV_GUARD_INSTALL)) {
		if (errno == EINVAL)
			skip("no guard regions: madvise(MADV_GUARD_INSTALL) fails with EINVAL (Linux 6.13+)");
		die("madvise MADV_GUARD_INSTALL");
	}
	if (madvise(p + 5 * PAGE, PAGE, MADV_GUARD_REMOVE))
		die("madvise MADV_GUARD_REMOVE");
	bit = guard_in_pagemap("guard-region", p, 2, 4);
	expect_present("guard-region", p, 5, 7, 0);
	if (pagemap(0, p + 5 * PAGE) & PM_SWAP) {
		errno = EAGAIN;
		die("guard-region: page 5 still has an entry after MADV_GUARD_REMOVE");
	}
	expect_present("guard-region", p, 0, 1, 1);
	expect_present("guard-region", p, 8, 11, 1);
	region("anon", p, 16 * PAGE);
	pages("anon", 16, guard_words, NULL);
	fact("pagemap_guard_bit %s", yesno(bit));

	/* file-backed (shmem) guard regions came later (6.15) than anonymous ones */
	mfd = memfd_sized("pgwalk-scenario-guard", 8 * PAGE);
	s = arena_map(8 * PAGE, PAGE, RW, MAP_SHARED, mfd, 0);
	close(mfd);
	fill(s, 8 * PAGE, 19);
	if (madvise(s + 2 * PAGE, 2 * PAGE, MADV_GUARD_INSTALL)) {
		if (errno != EINVAL)
			die("madvise MADV_GUARD_INSTALL on shmem");
		fact("shmem_guard unsupported");
		return;
	}
	guard_in_pagemap("guard-region shmem", s, 2, 3);
	region("shmem", s, 8 * PAGE);
	page_range("shmem", 0, 1, "written");
	page_range("shmem", 2, 3, "written guard");
	page_range("shmem", 4, 7, "written");
}

/* ---- droppable ---- */

void sc_droppable(void)
{
	uint8_t *want = arena_reserve(16 * PAGE, PAGE);
	uint8_t *p = mmap(want, 16 * PAGE, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED) {
		if (errno == EINVAL)
			skip("no MAP_DROPPABLE: mmap fails with EINVAL (Linux 6.11+, 64-bit)");
		die("mmap MAP_DROPPABLE");
	}
	if (madvise(p, 16 * PAGE, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	fill(p, 8 * PAGE, 20);
	expect_present("droppable", p, 0, 7, 1);
	expect_present("droppable", p, 8, 15, 0);
	region("drop", p, 16 * PAGE);
	page_range("drop", 0, 7, "written");
	page_range("drop", 8, 15, "untouched");
	fact("smaps_dp %s", yesno(vma_has(p, "dp")));
	if (pfn_visible()) {
		uint64_t f = kpageflags(PM_PFN(pagemap(0, p)));

		if (f != ~0ULL)
			fact("kpf_swapbacked %d", (int)((f >> KPF_SWAPBACKED) & 1));
	}
}

/* ---- mseal ---- */

void sc_mseal(void)
{
	uint8_t *p = anon_pages(16), *q = anon_pages(16);

	fill(p, 8 * PAGE, 21);
	fill(q, 8 * PAGE, 21);
	if (syscall(__NR_mseal, p, 16 * PAGE, 0UL)) {
		if (errno == ENOSYS)
			skip("no mseal(): the system call fails with ENOSYS (Linux 6.10+, 64-bit)");
		die("mseal");
	}
	if (!mprotect(p, PAGE, PROT_READ)) {
		errno = EAGAIN;
		die("mseal: mprotect of the sealed region succeeded");
	}
	if (errno != EPERM)
		die("mseal: mprotect of the sealed region failed, but not with EPERM");
	expect_present("mseal", p, 0, 7, 1);
	expect_present("mseal", p, 8, 15, 0);
	region("sealed", p, 16 * PAGE);
	page_range("sealed", 0, 7, "written");
	page_range("sealed", 8, 15, "untouched");
	region("open", q, 16 * PAGE);
	page_range("open", 0, 7, "written");
	page_range("open", 8, 15, "untouched");
	fact("smaps_sl %s", yesno(vma_has(p, "sl")));
}
