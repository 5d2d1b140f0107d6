// SPDX-License-Identifier: GPL-2.0
/*
 * bench/pagemap_scan PID [START END]: the second baseline (a2), where the
 * kernel has PAGEMAP_SCAN (6.7+). One ioctl on /proc/PID/pagemap asks for
 * the regions of [START, END) (hex; default the whole 47-bit user address
 * space) whose pages are present or swapped, with the categories a page
 * check looks at (present, swapped, file, zero page, huge, soft-dirty), and
 * is repeated from where the kernel stopped until the range is done. The
 * kernel skips what has no VMA and no page table itself, so unlike (a) it
 * neither reads maps nor copies an entry per page; it gives no PFNs.
 * Prints "present=N regions=N calls=N seconds=S" (S: the ioctls alone);
 * exits 3 where the kernel has no PAGEMAP_SCAN (ENOTTY), 1 on other errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../Sources/CPgwalkShims/include/pgwalk_pagemap_scan.h"

/* Regions per call: 24 bytes each, 1.5 MiB. */
#define REGIONS 65536
/* The top of a 4-level user address space (TASK_SIZE_MAX). */
#define USER_TOP 0x7ffffffff000UL

int main(int argc, char **argv)
{
	static struct pgwalk_page_region vec[REGIONS];
	unsigned long long present = 0, regions = 0, calls = 0;
	unsigned long start = 0, end = USER_TOP;
	struct timespec t0, t1;
	char path[64];
	int fd;

	if (argc == 4) {
		start = strtoul(argv[2], NULL, 16);
		end = strtoul(argv[3], NULL, 16);
	}
	if ((argc != 2 && argc != 4) || start >= end) {
		fprintf(stderr, "usage: pagemap_scan PID [START END]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	while (start < end) {
		struct pgwalk_pm_scan_arg arg = {
			.size = sizeof(arg),
			.start = start,
			.end = end,
			.vec = (unsigned long)vec,
			.vec_len = REGIONS,
			.category_anyof_mask = PGWALK_PAGE_IS_PRESENT | PGWALK_PAGE_IS_SWAPPED,
			.return_mask = PGWALK_PAGE_IS_PRESENT | PGWALK_PAGE_IS_SWAPPED |
				       PGWALK_PAGE_IS_FILE | PGWALK_PAGE_IS_PFNZERO |
				       PGWALK_PAGE_IS_HUGE | PGWALK_PAGE_IS_SOFT_DIRTY,
		};
		int n = ioctl(fd, PGWALK_PAGEMAP_SCAN, &arg);

		if (n < 0) {
			int e = errno;

			fprintf(stderr, "PAGEMAP_SCAN: %s\n", strerror(e));
			return e == ENOTTY ? 3 : 1;
		}
		calls++;
		for (int i = 0; i < n; i++) {
			if (vec[i].categories & PGWALK_PAGE_IS_PRESENT)
				present += (vec[i].end - vec[i].start) / 4096;
		}
		regions += n;
		if (arg.walk_end <= start)
			break;	/* no progress: never loop forever */
		start = arg.walk_end;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("present=%llu regions=%llu calls=%llu seconds=%.6f\n", present, regions, calls,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
