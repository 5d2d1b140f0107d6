// SPDX-License-Identifier: GPL-2.0
/*
 * bench/maps-query PID: what verify's VMA check would pay for the target's
 * VMA bounds read as /proc/PID/maps text (read whole, lines counted) and
 * through the binary PROCMAP_QUERY ioctl on the same file (Linux 6.11 and
 * later: one call per VMA, no names asked for). Five rounds of each, in
 * microseconds (docs/BENCH.md, "What blocks the targets still missed"):
 *
 *   make -C bench && make vm-run KVER=6.12 CMD='bench/maps-query.sh'
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* From <linux/fs.h> of 6.11, which the build host's headers may predate. */
struct procmap_query {
	__u64 size;
	__u64 query_flags;
	__u64 query_addr;
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;
	__u64 vma_page_size;
	__u64 vma_offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 vma_name_size;
	__u32 build_id_size;
	__u64 vma_name_addr;
	__u64 build_id_addr;
};

#define PROCMAP_QUERY _IOWR('f', 17, struct procmap_query)
#define PROCMAP_QUERY_COVERING_OR_NEXT_VMA 0x10

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static char text[1 << 21];

/* The maps file read whole; its line count. */
static int read_text(const char *path)
{
	ssize_t got, len = 0, i;
	int fd = open(path, O_RDONLY), lines = 0;

	if (fd < 0)
		return -1;
	while ((got = read(fd, text + len, sizeof(text) - len)) > 0)
		len += got;
	close(fd);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	return lines;
}

/* Every VMA's bounds, one ioctl each; the VMA count, or -1 without it. */
static int query_all(const char *path)
{
	struct procmap_query q;
	__u64 addr = 0;
	int fd = open(path, O_RDONLY), count = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
		q.query_addr = addr;
		if (ioctl(fd, PROCMAP_QUERY, &q) < 0)
			break;
		count++;
		addr = q.vma_end;
	}
	close(fd);
	return count ? count : -1;
}

int main(int argc, char **argv)
{
	double t0, t1, t2;
	char path[64];
	int round, lines, vmas;

	if (argc != 2) {
		fprintf(stderr, "usage: maps-query PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	for (round = 0; round < 5; round++) {
		t0 = now_us();
		lines = read_text(path);
		t1 = now_us();
		vmas = query_all(path);
		t2 = now_us();
		if (lines < 0) {
			perror(path);
			return 1;
		}
		printf("text: %d lines %.0f us   PROCMAP_QUERY: ", lines, t1 - t0);
		if (vmas < 0)
			printf("not here\n");
		else
			printf("%d VMAs %.0f us\n", vmas, t2 - t1);
	}
	return 0;
}
