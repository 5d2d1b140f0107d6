// SPDX-License-Identifier: GPL-2.0
/*
 * bench/sessmem N PID: the kernel memory one pgwalk session holds. Opens N
 * sessions on PID, starts each (a request and a 1 MiB read: the module sizes
 * a fill by the read that asks for it, docs/FORMAT.md 2.2, so this allocates
 * the largest buffers a session holds), and compares MemFree, Slab and
 * VmallocUsed of /proc/meminfo before and after, per session. Prints
 * "sessions=N memfree_kib_per_session=X slab_kib_per_session=Y vmalloc_kib_per_session=Z".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t n = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	long free0, slab0, vm0, free1, slab1, vm1;
	static char buf[1 << 20];
	char req[64];
	int *fds;

	if (n <= 0) {
		fprintf(stderr, "usage: sessmem N PID\n");
		return 2;
	}
	fds = calloc(n, sizeof(*fds));
	snprintf(req, sizeof(req), "pid=%s", argv[2]);
	sync();
	free0 = meminfo("MemFree");
	slab0 = meminfo("Slab");
	vm0 = meminfo("VmallocUsed");
	for (int i = 0; i < n; i++) {
		ssize_t got;

		fds[i] = open("/sys/kernel/debug/pgwalk/walk", O_RDWR);
		if (fds[i] < 0) {
			perror("sessmem: open /sys/kernel/debug/pgwalk/walk");
			return 1;
		}
		if (write(fds[i], req, strlen(req)) < 0) {
			fprintf(stderr, "sessmem: session %d: request '%s': %s\n", i, req, strerror(errno));
			return 1;
		}
		got = read(fds[i], buf, sizeof(buf));
		if (got <= 0) {
			fprintf(stderr, "sessmem: session %d: read gave %zd bytes: %s\n", i, got,
				got < 0 ? strerror(errno) : "end of file");
			return 1;
		}
	}
	free1 = meminfo("MemFree");
	slab1 = meminfo("Slab");
	vm1 = meminfo("VmallocUsed");
	printf("sessions=%d memfree_kib_per_session=%.1f slab_kib_per_session=%.1f vmalloc_kib_per_session=%.1f\n",
	       n, (double)(free0 - free1) / n, (double)(slab1 - slab0) / n,
	       (double)(vm1 - vm0) / n);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
