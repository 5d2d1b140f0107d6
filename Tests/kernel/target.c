// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-target: maps and touches known pages, prints where, holds still.
 *
 * usage: pgwalk-target [--big MIB] [--sparse] [--signal] [OUTFILE]
 *
 * Output (stdout, or OUTFILE written then renamed into place), one line each:
 *   pid PID
 *   anon ADDR NPAGES BITS      private anonymous, BITS[i] '1' = written
 *   zero ADDR NPAGES           private anonymous, every page read only
 *   file ADDR NPAGES BITS PATH private file mapping (tmpfs), BITS[i] '1' = read
 *   disk skip                  (no disk-backed writable fs is tried)
 *   thp ADDR SIZE KB           2 MiB aligned MADV_HUGEPAGE region, all written;
 *                              KB = AnonHugePages of its VMA (0: no THP)
 *   thp none REASON            THP unavailable
 *   high ADDR 4 BITS           anonymous above 47 bits (5-level paging only)
 *   high none                  (4-level paging)
 *   drain ADDR NPAGES          anonymous, NOHUGEPAGE, all written, to use up
 *                              the frames freed lately (see fresh_frames())
 *   pnone ADDR NPAGES up|down  anonymous, NOHUGEPAGE, every page written in
 *                              ascending (up) or descending (down) address
 *                              order, then mprotect(PROT_NONE)
 *   split ADDR NPAGES BLOCK prot|dontdump
 *                              anonymous, NOHUGEPAGE, every page written in
 *                              ascending order, then every other BLOCK-page
 *                              block (the 2nd, 4th, ...) made PROT_READ, or
 *                              MADV_DONTDUMP (its PTEs unchanged): NPAGES /
 *                              BLOCK adjacent VMAs that cannot merge
 *   big ADDR NPAGES            (with --big) anonymous, NOHUGEPAGE, all written
 *   sparse ADDR NPAGES FIRST   (with --sparse) anonymous, NOHUGEPAGE, only
 *                              pages FIRST and NPAGES - 1 written: the VMA
 *                              starts with a long none row and has another
 *                              (what verify checks by PAGEMAP_SCAN)
 *   ready
 * Every region is its own VMA (split: its own VMAs) with unmapped guard
 * pages around it; the pnone and split regions share one PTE table.
 * Then it waits until stdin reaches EOF (or, with --signal, forever), and
 * exits 0 on SIGTERM, removing its file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smaps.h"

#define PAGE 4096UL
#define HPAGE (2UL << 20)
#define ANON_PAGES 64
#define ZERO_PAGES 8
#define FILE_PAGES 48
#define PNONE_PAGES 64
#define SPLIT_PAGES 24
#define SPLIT_BLOCK 4
#define DRAIN_MAX (32UL << 20)
#define DRAIN_RUN 32

#define PM_PFN_MASK ((1ULL << 55) - 1)

/* --sparse: 16 MiB, two none rows of more than 1024 pages */
#define SPARSE_PAGES 4096
#define SPARSE_FIRST 2000

static char file_path[256];

static void die(const char *what)
{
	fprintf(stderr, "pgwalk-target: %s: %s\n", what, strerror(errno));
	if (file_path[0])
		unlink(file_path);
	exit(2);
}

/*
 * Private anonymous read/write memory of @len bytes at @at, which must be
 * free, in 4K pages (NOHUGEPAGE); @what names it in an error.
 */
static volatile uint8_t *map_4k(uint8_t *at, size_t len, const char *what)
{
	volatile uint8_t *p = mmap(at, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	char msg[64];

	snprintf(msg, sizeof(msg), "map %s", what);
	if (p == MAP_FAILED || madvise((void *)p, len, MADV_NOHUGEPAGE))
		die(msg);
	return p;
}

/*
 * Map at @at and write pages, NOHUGEPAGE, until DRAIN_RUN pages in a row got
 * consecutive ascending frames (or DRAIN_MAX is used, or pagemap shows no
 * PFNs); returns how many, the rest is unmapped again. Frames freed lately
 * wait on this CPU's free lists in the order they were freed; once those
 * are used up the allocator hands out frames in ascending order, so that
 * the pages written next on this CPU get consecutive frames, ascending in
 * the order they are written.
 */
static size_t fresh_frames(uint8_t *at)
{
	volatile uint8_t *p;
	uint64_t pm[DRAIN_RUN];
	size_t n = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		die("pagemap");
	p = map_4k(at, DRAIN_MAX, "drain");
	while (n + DRAIN_RUN <= DRAIN_MAX / PAGE) {
		int run = 1;

		for (int i = 0; i < DRAIN_RUN; i++)
			p[(n + i) * PAGE] = 1;
		if (pread(fd, pm, sizeof(pm), (off_t)((uintptr_t)(p + n * PAGE) / PAGE * 8)) !=
		    (ssize_t)sizeof(pm))
			die("pread pagemap");
		n += DRAIN_RUN;
		for (int i = 1; i < DRAIN_RUN; i++)
			run &= (pm[i] & PM_PFN_MASK) == (pm[0] & PM_PFN_MASK) + (uint64_t)i;
		if (run || !(pm[0] & PM_PFN_MASK))
			break;
	}
	close(fd);
	if (n * PAGE < DRAIN_MAX && munmap((void *)(p + n * PAGE), DRAIN_MAX - n * PAGE))
		die("munmap drain");
	return n;
}

static void on_term(int sig)
{
	(void)sig;
	if (file_path[0])
		unlink(file_path);
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long big_mib = 0;
	int sparse = 0;
	int wait_signal = 0;
	const char *out_path = NULL;
	char tmp_out[300];
	FILE *out = stdout;
	volatile uint8_t *p;
	uint8_t *base;
	size_t total, off;
	char bits[FILE_PAGES + ANON_PAGES + 1];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--big") && i + 1 < argc)
			big_mib = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--sparse"))
			sparse = 1;
		else if (!strcmp(argv[i], "--signal"))
			wait_signal = 1;
		else if (argv[i][0] != '-')
			out_path = argv[i];
		else {
			fprintf(stderr, "usage: pgwalk-target [--big MIB] [--sparse] [--signal] [OUTFILE]\n");
			return 2;
		}
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);

	if (out_path) {
		snprintf(tmp_out, sizeof(tmp_out), "%s.tmp", out_path);
		out = fopen(tmp_out, "w");
		if (!out)
			die(tmp_out);
	}

	/*
	 * One reservation for everything, so the regions sit at known places
	 * with unmapped guards between them:
	 *   [guard][anon 64p][guard][zero 8p][guard][file 48p][guard]
	 *   [pad to 2M][thp 2M][guard 2M][drain, up to 32M][guard to 2M]
	 *   [guard][pnone up][guard][pnone down][guard][split prot][guard]
	 *   [split dontdump][guard to 2M][big][guard][sparse][guard]
	 */
	total = 10 * HPAGE + DRAIN_MAX + 2 * HPAGE + (big_mib << 20) + 2 * HPAGE +
		(sparse ? SPARSE_PAGES * PAGE + PAGE : 0);
	base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		die("reserve");
	if (munmap(base, total))
		die("munmap");
	fprintf(out, "pid %d\n", getpid());

	/* 4K anonymous private, some written, some untouched */
	off = PAGE;
	p = map_4k(base + off, ANON_PAGES * PAGE, "anon");
	for (int i = 0; i < ANON_PAGES; i++) {
		/* pages 0-3, every 3rd, and 40-47 are written; the rest untouched */
		int t = i < 4 || i % 3 == 0 || (i >= 40 && i < 48);

		bits[i] = t ? '1' : '0';
		if (t)
			p[i * PAGE + 17] = (uint8_t)(i + 1);
	}
	bits[ANON_PAGES] = 0;
	fprintf(out, "anon 0x%lx %d %s\n", (unsigned long)(uintptr_t)p, ANON_PAGES, bits);
	off += ANON_PAGES * PAGE + PAGE;

	/* anonymous pages only read: the shared zero page */
	p = map_4k(base + off, ZERO_PAGES * PAGE, "zero");
	{
		unsigned sum = 0;

		for (int i = 0; i < ZERO_PAGES; i++)
			sum += p[i * PAGE];
		if (sum)
			die("zero page not zero");
	}
	fprintf(out, "zero 0x%lx %d\n", (unsigned long)(uintptr_t)p, ZERO_PAGES);
	off += ZERO_PAGES * PAGE + PAGE;

	/* private read-only mapping of a file in /tmp */
	{
		int fd;
		uint8_t buf[PAGE];

		snprintf(file_path, sizeof(file_path), "/tmp/pgwalk-target-%d.dat", getpid());
		fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die(file_path);
		for (int i = 0; i < FILE_PAGES; i++) {
			memset(buf, 'a' + i % 26, sizeof(buf));
			if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				die("write file");
		}
		p = mmap(base + off, FILE_PAGES * PAGE, PROT_READ,
			 MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
		if (p == MAP_FAILED)
			die("mmap file");
		close(fd);
		for (int i = 0; i < FILE_PAGES; i++) {
			/* read pages 0, 5, 6, 7 and 30-33; fault-around may map others */
			int t = i == 0 || (i >= 5 && i <= 7) || (i >= 30 && i <= 33);

			bits[i] = t ? '1' : '0';
			if (t && p[i * PAGE + 1] != 'a' + i % 26)
				die("file content");
		}
		bits[FILE_PAGES] = 0;
		fprintf(out, "file 0x%lx %d %s %s\n", (unsigned long)(uintptr_t)p, FILE_PAGES,
			bits, file_path);
		off += FILE_PAGES * PAGE + PAGE;
	}
	fprintf(out, "disk skip\n");

	/* a 2 MiB aligned THP region */
	off = (((uintptr_t)base + off + HPAGE - 1) & ~(HPAGE - 1)) - (uintptr_t)base;
	off += HPAGE;	/* a 2M guard: no neighbour in the same PMD */
	{
		char en[128] = "";
		FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

		if (f) {
			if (!fgets(en, sizeof(en), f))
				en[0] = 0;
			fclose(f);
		}
		if (!strstr(en, "[always]") && !strstr(en, "[madvise]")) {
			fprintf(out, "thp none enabled=%s", en[0] ? en : "missing\n");
		} else {
			uint8_t *t = mmap(base + off, HPAGE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			long kb;

			if (t == MAP_FAILED)
				die("mmap thp");
			if (madvise(t, HPAGE, MADV_HUGEPAGE))
				die("madvise thp");
			for (size_t i = 0; i < HPAGE; i += PAGE)
				((volatile uint8_t *)t)[i + 5] = (uint8_t)(i / PAGE + 1);
			kb = smaps_anon_huge_kb(0, (uintptr_t)t);
			fprintf(out, "thp 0x%lx %lu %ld\n", (unsigned long)(uintptr_t)t, HPAGE, kb);
		}
	}
	off += HPAGE + HPAGE;

	/* above 47 bits: only with 5-level paging (a hint is needed) */
	{
		volatile uint8_t *h = mmap((void *)(1UL << 52), 4 * PAGE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (h != MAP_FAILED && (uintptr_t)h >= (1UL << 47)) {
			madvise((void *)h, 4 * PAGE, MADV_NOHUGEPAGE);
			h[0] = 1;
			h[2 * PAGE] = 1;
			fprintf(out, "high 0x%lx 4 1010\n", (unsigned long)(uintptr_t)h);
		} else {
			if (h != MAP_FAILED)
				munmap((void *)h, 4 * PAGE);
			fprintf(out, "high none\n");
		}
	}

	/*
	 * PROT_NONE, and adjacent VMAs of consecutive frames: one 2 MiB
	 * aligned window, so one PTE table, with a guard page between regions,
	 * written on one CPU right after fresh_frames().
	 */
	{
		cpu_set_t all, one;
		size_t w, n;

		if (sched_getaffinity(0, sizeof(all), &all))
			die("sched_getaffinity");
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			die("sched_setaffinity");
		n = fresh_frames(base + off);
		fprintf(out, "drain 0x%lx %zu\n", (unsigned long)(uintptr_t)(base + off), n);
		off += (n * PAGE + PAGE + HPAGE - 1) & ~(HPAGE - 1);
		w = off + PAGE;

		for (int down = 0; down < 2; down++) {
			p = map_4k(base + w, PNONE_PAGES * PAGE, "pnone");
			/* in order of writing the frames tend to ascend */
			for (int i = 0; i < PNONE_PAGES; i++) {
				int k = down ? PNONE_PAGES - 1 - i : i;

				p[k * PAGE + 3] = (uint8_t)(k + 1);
			}
			if (mprotect((void *)p, PNONE_PAGES * PAGE, PROT_NONE))
				die("mprotect pnone");
			fprintf(out, "pnone 0x%lx %d %s\n", (unsigned long)(uintptr_t)p,
				PNONE_PAGES, down ? "down" : "up");
			w += PNONE_PAGES * PAGE + PAGE;
		}
		for (int dd = 0; dd < 2; dd++) {
			p = map_4k(base + w, SPLIT_PAGES * PAGE, "split");
			for (int i = 0; i < SPLIT_PAGES; i++)
				p[i * PAGE + 11] = (uint8_t)(i + 1);
			for (int b = SPLIT_BLOCK; b < SPLIT_PAGES; b += 2 * SPLIT_BLOCK) {
				void *q = (void *)(p + b * PAGE);

				if (dd ? madvise(q, SPLIT_BLOCK * PAGE, MADV_DONTDUMP) :
					 mprotect(q, SPLIT_BLOCK * PAGE, PROT_READ))
					die("split");
			}
			fprintf(out, "split 0x%lx %d %d %s\n", (unsigned long)(uintptr_t)p,
				SPLIT_PAGES, SPLIT_BLOCK, dd ? "dontdump" : "prot");
			w += SPLIT_PAGES * PAGE + PAGE;
		}
		off += HPAGE;
		if (sched_setaffinity(0, sizeof(all), &all))
			die("sched_setaffinity");
	}

	if (big_mib) {
		size_t n = (big_mib << 20) / PAGE;

		p = map_4k(base + off, n * PAGE, "big");
		for (size_t i = 0; i < n; i++)
			p[i * PAGE + 9] = (uint8_t)i;
		fprintf(out, "big 0x%lx %zu\n", (unsigned long)(uintptr_t)p, n);
		off += n * PAGE + PAGE;
	}
	if (sparse) {
		p = map_4k(base + off, SPARSE_PAGES * PAGE, "sparse");
		p[SPARSE_FIRST * PAGE] = 1;
		p[(SPARSE_PAGES - 1) * PAGE] = 2;
		fprintf(out, "sparse 0x%lx %d %d\n", (unsigned long)(uintptr_t)p,
			SPARSE_PAGES, SPARSE_FIRST);
	}
	fprintf(out, "ready\n");
	fflush(out);
	if (out != stdout) {
		fclose(out);
		if (rename(tmp_out, out_path))
			die("rename");
	}

	if (wait_signal) {
		for (;;)
			pause();
	}
	{
		char c;

		for (;;) {
			ssize_t r = read(0, &c, 1);

			if (r > 0 || (r < 0 && errno == EINTR))
				continue;
			break;
		}
	}
	if (file_path[0])
		unlink(file_path);
	return 0;
}
