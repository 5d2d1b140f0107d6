// SPDX-License-Identifier: GPL-2.0
/* pgwalk-scenario: THP, the huge zero page, hugetlb, swap */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << 26)
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

#define RW (PROT_READ | PROT_WRITE)

static void thp_facts(const char *name, const uint8_t *p)
{
	fact("%s_anon_huge_kb %ld", name, smaps_kb(p, "AnonHugePages"));
}

/* the PFNs of [p, p + n pages) are consecutive: 1, not: 0, unknown: -1 */
static int contiguous(const uint8_t *p, long n)
{
	uint64_t first;

	if (!pfn_visible())
		return -1;
	first = PM_PFN(pagemap(0, p));
	for (long i = 1; i < n; i++)
		if (PM_PFN(pagemap(0, p + i * PAGE)) != first + (uint64_t)i)
			return 0;
	return 1;
}

static const char *yesno(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

void sc_thp_pmd(void)
{
	uint8_t *p = make_thp(HPAGE);

	region("thp", p, HPAGE);
	page_range("thp", 0, 511, "written thp");
	thp_facts("thp", p);
	if (pfn_visible())
		fact("thp_pfn 0x%llx", (unsigned long long)PM_PFN(pagemap(0, p)));
}

void sc_thp_pte(void)
{
	uint8_t *p = make_thp(HPAGE);
	uint64_t f;

	if (mprotect(p + 256 * PAGE, 64 * PAGE, PROT_READ))
		die("mprotect PROT_READ of part of a THP");
	if (smaps_kb(p, "AnonHugePages") != 0) {
		errno = EAGAIN;
		die("thp-pte: the THP is still PMD-mapped after mprotect");
	}
	region("thp", p, HPAGE);
	region("lo", p, 256 * PAGE);
	region("ro", p + 256 * PAGE, 64 * PAGE);
	region("hi", p + 320 * PAGE, 192 * PAGE);
	page_range("thp", 0, 255, "written pte-thp");
	page_range("thp", 256, 319, "written pte-thp readonly");
	page_range("thp", 320, 511, "written pte-thp");
	fact("folio_contiguous %s", yesno(contiguous(p, 512)));
	if (pfn_visible()) {
		f = kpageflags(PM_PFN(pagemap(0, p + 300 * PAGE)));
		if (f != ~0ULL)
			fact("kpf_thp %d", (int)((f >> KPF_THP) & 1));
	}
}

void sc_huge_zero(void)
{
	long uz;
	uint8_t *p;
	uint64_t a, b, c;

	need_thp();
	if (read_long("/sys/kernel/mm/transparent_hugepage/use_zero_page", &uz) || uz != 1)
		skip("the huge zero page is off: echo 1 > /sys/kernel/mm/transparent_hugepage/use_zero_page");
	p = arena_map(2 * HPAGE, HPAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (madvise(p, 2 * HPAGE, MADV_HUGEPAGE))
		die("madvise MADV_HUGEPAGE");
	touch_read(p, PAGE);
	touch_read(p + HPAGE, PAGE);
	a = pagemap(0, p);
	b = pagemap(0, p + HPAGE);
	c = pagemap(0, p + PAGE);
	if (!(a & PM_PRESENT) || !(b & PM_PRESENT) || !(c & PM_PRESENT))
		skip("the read faults did not map the huge zero page (pagemap 0x%llx): the huge zero page could not be allocated",
		     (unsigned long long)a);
	if (pfn_visible()) {
		uint64_t f = kpageflags(PM_PFN(a));

		if (PM_PFN(a) != PM_PFN(b) || PM_PFN(c) != PM_PFN(a) + 1)
			skip("the read faults mapped 4 KiB zero pages, not the huge zero page (transparent_hugepage/defrag or a failed allocation)");
		fact("huge_zero_pfn 0x%llx", (unsigned long long)PM_PFN(a));
		if (f != ~0ULL)
			fact("kpf_zero_page %d", (int)((f >> KPF_ZERO_PAGE) & 1));
	}
	region("hzero", p, 2 * HPAGE);
	page_range("hzero", 0, 1023, "read huge-zero");
}

void sc_mremap_thp(void)
{
	uint8_t *a = make_thp(HPAGE), *b, *dst1, *dst2;
	uint64_t pa = PM_PFN(pagemap(0, a)), pb;

	dst1 = arena_reserve(HPAGE, HPAGE);
	if (mremap(a, HPAGE, HPAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst1) == MAP_FAILED)
		die("mremap of a whole THP");
	b = make_thp(HPAGE);
	pb = PM_PFN(pagemap(0, b));
	dst2 = arena_reserve(HPAGE / 2, HPAGE);
	if (mremap(b + HPAGE / 2, HPAGE / 2, HPAGE / 2, MREMAP_MAYMOVE | MREMAP_FIXED, dst2) ==
	    MAP_FAILED)
		die("mremap of half a THP");
	region("whole", dst1, HPAGE);
	region_perms("whole-old", a, HPAGE, "----");
	region("half", b, HPAGE / 2);
	region("half-moved", dst2, HPAGE / 2);
	page_range("whole", 0, 511, "written thp moved");
	page_range("whole-old", 0, 511, "unmapped");
	page_range("half", 0, 255, "written pte-thp");
	page_range("half-moved", 0, 255, "written pte-thp moved");
	thp_facts("whole", dst1);
	thp_facts("half", b);
	if (pfn_visible()) {
		out("pfn whole 0 0x%llx", (unsigned long long)pa);
		out("pfn half 0 0x%llx", (unsigned long long)pb);
		out("pfn half-moved 0 0x%llx", (unsigned long long)pb + 256);
		fact("whole_same_pfn %s", yesno(PM_PFN(pagemap(0, dst1)) == pa));
		fact("half_moved_follows %s", yesno(PM_PFN(pagemap(0, dst2)) == pb + 256));
	}
}

/* ---- hugetlb ---- */

static long free_huge(const char *size_dir)
{
	char path[200];
	long v;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/free_hugepages", size_dir);
	return read_long(path, &v) ? -1 : v;
}

static void hugetlb_2m(int use_memfd)
{
	long n = free_huge("hugepages-2048kB");
	uint8_t *p;

	if (n < 2)
		skip("needs 2 free 2 MiB huge pages, %ld free: echo 8 > /proc/sys/vm/nr_hugepages",
		     n < 0 ? 0 : n);
	if (use_memfd) {
		int fd = memfd_create("pgwalk-scenario-hugetlb", MFD_CLOEXEC | MFD_HUGETLB);

		if (fd < 0) {
			if (errno == EINVAL)
				skip("memfd_create(MFD_HUGETLB) unsupported: kernel 4.14+ with CONFIG_HUGETLBFS");
			die("memfd_create MFD_HUGETLB");
		}
		if (ftruncate(fd, 2 * HPAGE))
			die("ftruncate hugetlb memfd");
		p = arena_map(2 * HPAGE, HPAGE, RW, MAP_SHARED, fd, 0);
		close(fd);
	} else {
		p = arena_map(2 * HPAGE, HPAGE, RW,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
	}
	fill(p, HPAGE, 12);
	if (!(pagemap(0, p) & PM_PRESENT)) {
		errno = EAGAIN;
		die("hugetlb page not present after write");
	}
	region("huge", p, 2 * HPAGE);
	page_range("huge", 0, 511, "written hugetlb");
	page_range("huge", 512, 1023, "untouched hugetlb");
	fact("hugetlb_size 2097152");
}

void sc_hugetlb_2m(void)
{
	hugetlb_2m(0);
}

void sc_hugetlb_memfd(void)
{
	hugetlb_2m(1);
}

void sc_hugetlb_1g(void)
{
	long n = free_huge("hugepages-1048576kB");
	uint8_t *p;

	if (n < 1)
		skip("needs a free 1 GiB huge page: boot with hugepagesz=1G hugepages=1 (or echo 1 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages)");
	p = mmap(NULL, 1UL << 30, RW,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	if (p == MAP_FAILED)
		die("mmap MAP_HUGETLB|MAP_HUGE_1GB");
	p[0] = 1;
	p[(1UL << 29) + 5] = 2;
	region("huge", p, 1UL << 30);
	page_range("huge", 0, 262143, "written hugetlb");
	fact("hugetlb_size 1073741824");
}

/* ---- swap ---- */

static void need_swap(long kb)
{
	long free_kb;

	if (!swap_active(&free_kb))
		skip("no active swap: modprobe zram; echo 256M > /sys/block/zram0/disksize; mkswap /dev/zram0; swapon /dev/zram0");
	if (free_kb < kb)
		skip("swap has %ld kB free, needs %ld kB: add swap", free_kb, kb);
}

static void pageout(uint8_t *p, size_t len)
{
	for (int tries = 0; tries < 5; tries++) {
		long n = 0;

		if (madvise(p, len, MADV_PAGEOUT)) {
			if (errno == EINVAL)
				skip("MADV_PAGEOUT unsupported: kernel 5.4+");
			die("madvise MADV_PAGEOUT");
		}
		for (size_t off = 0; off < len; off += PAGE)
			n += !!(pagemap(0, p + off) & PM_SWAP);
		if (n == (long)(len / PAGE))
			return;
		usleep(100000);
	}
}

static const char *swap_words(long i, void *arg)
{
	return (pagemap(0, (uint8_t *)arg + i * PAGE) & PM_SWAP) ? "written swapped" : "written";
}

static long count_swapped(uint8_t *p, long n)
{
	long c = 0;

	for (long i = 0; i < n; i++)
		c += !!(pagemap(0, p + i * PAGE) & PM_SWAP);
	return c;
}

void sc_swap_4k(void)
{
	uint8_t *p;
	long n;

	need_swap(1024);
	p = arena_map(32 * PAGE, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (madvise(p, 32 * PAGE, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	fill(p, 32 * PAGE, 13);
	pageout(p, 16 * PAGE);
	n = count_swapped(p, 16);
	if (n == 0)
		skip("MADV_PAGEOUT swapped out no page although swap is active (swap full or reclaim refused)");
	region("swap", p, 32 * PAGE);
	pages("swap", 32, swap_words, p);
	fact("swapped %ld", n);
}

void sc_swap_thp(void)
{
	uint8_t *p;
	long n;
	int contig = 1;
	uint64_t first;

	need_swap(4096);
	p = make_thp(HPAGE);
	pageout(p, HPAGE);
	n = count_swapped(p, 512);
	if (n == 0)
		skip("MADV_PAGEOUT swapped out no page of the THP (swap full or reclaim refused)");
	first = pagemap(0, p) >> 5 & ((1ULL << 50) - 1);
	for (long i = 1; i < 512; i++) {
		uint64_t v = pagemap(0, p + i * PAGE);

		if (!(v & PM_SWAP) || (v >> 5 & ((1ULL << 50) - 1)) != first + (uint64_t)i)
			contig = 0;
	}
	region("thp", p, HPAGE);
	pages("thp", 512, swap_words, p);
	fact("swapped %ld", n);
	fact("swap_offsets_contiguous %s", pfn_visible() ? yesno(contig) : "unknown");
	thp_facts("thp", p);
}
