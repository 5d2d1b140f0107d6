// SPDX-License-Identifier: GPL-2.0
/*
 * bench/pagemap_read PID [START END]: the baseline (a). Reads /proc/PID/maps,
 * then for every VMA (or the part of it within [START, END), hex) preads its
 * /proc/PID/pagemap entries, 8 bytes each, in batches of 64 Ki entries, and
 * counts the present ones (so every entry is looked at).
 * Prints "vma_pages=N present=N seconds=S" (S: the reads alone).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BATCH 65536
#define PM_PRESENT (1ULL << 63)

int main(int argc, char **argv)
{
	static uint64_t buf[BATCH];
	unsigned long long vma_pages = 0, present = 0;
	unsigned long lo, hi, start = 0, end = ~0UL;
	char path[64], line[4096];
	struct timespec t0, t1;
	FILE *maps;
	int fd;

	if (argc == 4) {
		start = strtoul(argv[2], NULL, 16);
		end = strtoul(argv[3], NULL, 16);
	}
	if ((argc != 2 && argc != 4) || start >= end) {
		fprintf(stderr, "usage: pagemap_read PID [START END]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	fd = open(path, O_RDONLY);
	if (!maps || fd < 0) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (lo >= 0x800000000000UL)	/* [vsyscall]: above TASK_SIZE */
			continue;
		lo = lo > start ? lo : start;
		hi = hi < end ? hi : end;
		if (lo >= hi)
			continue;
		for (unsigned long page = lo / 4096; page < hi / 4096;) {
			size_t n = hi / 4096 - page < BATCH ? hi / 4096 - page : BATCH;
			ssize_t got = pread(fd, buf, n * 8, (off_t)page * 8);

			if (got != (ssize_t)(n * 8)) {
				perror("pread");
				return 1;
			}
			for (size_t i = 0; i < n; i++)
				present += buf[i] >> 63;
			vma_pages += n;
			page += n;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("vma_pages=%llu present=%llu seconds=%.6f\n", vma_pages, present,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
