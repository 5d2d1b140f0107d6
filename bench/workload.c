// SPDX-License-Identifier: GPL-2.0
/*
 * bench/workload: sets up one benchmark address space, prints
 * "ready pid=P ..." on stdout and holds still until killed.
 *
 *   workload dense-4k      1 GiB anonymous, every 4 KiB page written, MADV_NOHUGEPAGE
 *   workload thp           1 GiB anonymous, 2 MiB aligned, MADV_HUGEPAGE, every page written
 *   workload sparse-spread 64 GiB MAP_NORESERVE (MADV_NOHUGEPAGE), page i written iff i % 100 == 0
 *   workload sparse-runs   64 GiB MAP_NORESERVE (MADV_NOHUGEPAGE), 128-page (512 KiB) runs
 *                          written every 12,800 pages (50 MiB, so each run starts a PMD)
 *   workload many-vmas     20,000 VMAs of 4 pages each, all written, every other one
 *                          made PROT_READ so that neighbours cannot merge
 *   workload big           4 GiB anonymous, every 4 KiB page written, MADV_NOHUGEPAGE
 *   workload big-size N    like big with N MiB (when the guest is smaller)
 *
 * Both sparse patterns write 1% of the 16,777,216 pages (167,773 and
 * 167,808 pages).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1UL << 20)
#define GIB (1UL << 30)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *map(size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
}

/* AnonHugePages of this process, in KiB. */
static long anon_huge_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static char *dense(size_t len)
{
	char *p = map(len, 0);

	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise");
	touch(p, len);
	return p;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	unsigned long touched = 0, start = 0, len = 0;

	if (!strcmp(mode, "dense-4k") || !strcmp(mode, "big") || !strcmp(mode, "big-size")) {
		len = !strcmp(mode, "dense-4k") ? GIB : 4 * GIB;
		if (!strcmp(mode, "big-size") && argc > 2)
			len = strtoul(argv[2], NULL, 0) * MIB;
		start = (unsigned long)dense(len);
		touched = len / PAGE;
	} else if (!strcmp(mode, "thp")) {
		size_t huge = 2 * MIB;
		char *raw = map(GIB + huge, 0);
		char *p = (char *)(((uintptr_t)raw + huge - 1) & ~(huge - 1));

		/* Trim to exactly 1 GiB, 2 MiB aligned. */
		if (p > raw)
			munmap(raw, p - raw);
		munmap(p + GIB, raw + GIB + huge - (p + GIB));
		if (madvise(p, GIB, MADV_HUGEPAGE))
			die("madvise");
		touch(p, GIB);
		start = (unsigned long)p;
		len = GIB;
		touched = len / PAGE;
	} else if (!strcmp(mode, "sparse-spread") || !strcmp(mode, "sparse-runs")) {
		char *p;

		len = 64 * GIB;
		p = map(len, MAP_NORESERVE);
		if (madvise(p, len, MADV_NOHUGEPAGE))
			die("madvise");
		if (!strcmp(mode, "sparse-spread")) {
			for (unsigned long i = 0; i < len / PAGE; i += 100, touched++)
				p[i * PAGE] = 1;
		} else {
			/* The mapping need not be 2 MiB aligned: align the runs. */
			unsigned long base = (((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1)) - (uintptr_t)p;

			for (unsigned long off = base; off + 128 * PAGE <= len; off += 12800 * PAGE) {
				touch(p + off, 128 * PAGE);
				touched += 128;
			}
		}
		start = (unsigned long)p;
	} else if (!strcmp(mode, "many-vmas")) {
		const unsigned long n = 20000, pages = 4;
		char *p;

		len = n * pages * PAGE;
		p = map(len, 0);
		if (madvise(p, len, MADV_NOHUGEPAGE))
			die("madvise");
		touch(p, len);
		for (unsigned long i = 1; i < n; i += 2)
			if (mprotect(p + i * pages * PAGE, pages * PAGE, PROT_READ))
				die("mprotect");
		start = (unsigned long)p;
		touched = len / PAGE;
	} else {
		fprintf(stderr, "usage: workload dense-4k|thp|sparse-spread|sparse-runs|many-vmas|big|big-size MIB\n");
		return 2;
	}
	printf("ready pid=%d start=0x%lx len=%lu touched=%lu anon_huge_kib=%ld\n",
	       getpid(), start, len, touched, anon_huge_kib());
	fflush(stdout);
	for (;;)
		pause();
}
