// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest's emulation charges for the things a small pgwalkctl run
 * does a few dozen times (docs/BENCH.md, change 25): a page fault on fresh
 * anonymous memory, one on a file already in the page cache (16 pages
 * mapped per fault by fault-around), populating the same memory in one
 * madvise(MADV_POPULATE_WRITE), a system call, and starting and joining a
 * thread.
 *
 *   make -C bench && make vm-run KVER=6.12 CMD='build/bench/bin/costs .build/release/pgwalkctl'
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PAGES 128
#define PAGE 4096UL

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void *nothing(void *arg)
{
	return arg;
}

static char *fresh(void)
{
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		_exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	volatile char sum = 0;
	double t0, t1, t2;
	pthread_t thread;
	size_t i, len;
	char *p;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: costs FILE (a file of a few MiB, e.g. this program)\n");
		return 2;
	}
	p = fresh();
	t0 = now_us();
	for (i = 0; i < PAGES; i++)
		p[i * PAGE] = 1;
	printf("anonymous fault: %.1f us a page\n", (now_us() - t0) / PAGES);
	munmap(p, PAGES * PAGE);

	p = fresh();
	t0 = now_us();
	madvise(p, PAGES * PAGE, MADV_POPULATE_WRITE);
	printf("MADV_POPULATE_WRITE: %.1f us a page\n", (now_us() - t0) / PAGES);
	munmap(p, PAGES * PAGE);

	fd = open(argv[1], O_RDONLY);
	len = fd < 0 ? 0 : (size_t)lseek(fd, 0, SEEK_END);
	p = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (p != MAP_FAILED && len >= 16 * PAGE) {
		for (i = 0; i < len / PAGE; i++)	/* into the page cache */
			sum += p[i * PAGE];
		munmap(p, len);
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		t0 = now_us();
		for (i = 0; i < len / PAGE; i += 16)
			sum += p[i * PAGE];
		printf("file fault (cached, fault-around): %.1f us a fault\n",
		       (now_us() - t0) / (len / PAGE / 16));
	}

	t0 = now_us();
	for (i = 0; i < 1000; i++)
		sum += getppid() & 1;
	printf("system call (getppid): %.2f us\n", (now_us() - t0) / 1000);

	for (i = 0; i < 2; i++) {
		t0 = now_us();
		pthread_create(&thread, NULL, nothing, NULL);
		t1 = now_us();
		pthread_join(thread, NULL);
		t2 = now_us();
		printf("%s thread: pthread_create %.0f us, pthread_join %.0f us\n",
		       i ? "second" : "first", t1 - t0, t2 - t1);
	}
	return sum == 42;
}
