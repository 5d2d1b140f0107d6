// SPDX-License-Identifier: GPL-2.0
/*
 * churn KIND: a process whose address space keeps changing, for the racing
 * suite (racing.sh) to walk and verify while it changes.
 *
 * It sets up its memory, prints "ready" on stdout and then loops through
 * the changes of KIND until it is killed. It leads a process group of its
 * own (the suite stops it and its children at once with kill -STOP -PGID)
 * and its children die with it. "skip REASON" (exit 0) when the kernel
 * lacks what KIND needs.
 *
 * The kinds:
 *   mmap      anonymous mappings of varying size mapped, written, unmapped
 *   mprotect  pages of a written region switched between PROT_NONE, read
 *             only and read-write, and written again
 *   mremap    a written region grown, shrunk and moved to and fro
 *   madvise   MADV_DONTNEED, MADV_PAGEOUT, MADV_COLLAPSE and MADV_FREE on
 *             parts of a written MADV_HUGEPAGE region, which is rewritten
 *   fork      children forked that write some COW pages and exit after a
 *             few milliseconds; at most 4 at a time
 *   thp       THPs split (mprotect of one page, MADV_DONTNEED of one page,
 *             munmap of one page) and collapsed again (MADV_COLLAPSE and
 *             khugepaged, which the suite runs at its fastest)
 *   ksm       MADV_MERGEABLE pages of equal content, some rewritten (COW
 *             out of the KSM page) and restored (merged again by ksmd)
 *   uffd-wp   userfaultfd write-protect of a written region, pages written
 *             under protection (a thread of its own resolves the faults),
 *             the region protected again
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define PAGE 4096UL
#define HPAGE (2UL << 20)

static unsigned long rnd_state = 88172645463325252UL;

/* xorshift: cheap, and the same sequence on every run */
static unsigned long rnd(unsigned long n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "error %s: %s\n", what, strerror(errno));
	exit(2);
}

static _Noreturn void skip(const char *why)
{
	printf("skip %s\n", why);
	exit(0);
}

static void ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

/* len bytes of anonymous memory at an address aligned to align */
static uint8_t *map_aligned(size_t len, size_t align)
{
	uint8_t *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		die("mmap");
	a = ((uintptr_t)p + align - 1) & ~(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((uint8_t *)a + len, (uintptr_t)p + align - a);
	return (uint8_t *)a;
}

static void write_pages(uint8_t *p, size_t len, unsigned char v)
{
	for (size_t o = 0; o < len; o += PAGE)
		p[o] = v ? v : (unsigned char)(o / PAGE + 1);
}

static void churn_mmap(void)
{
	uint8_t *slot[16] = { 0 };
	size_t len[16];

	ready();
	for (;;) {
		unsigned i = rnd(16);

		if (slot[i]) {
			munmap(slot[i], len[i]);
			slot[i] = NULL;
			continue;
		}
		len[i] = (1 + rnd(256)) * PAGE;
		slot[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS |
			       (rnd(4) ? 0 : MAP_POPULATE), -1, 0);
		if (slot[i] == MAP_FAILED)
			die("mmap");
		write_pages(slot[i], len[i], 0);
	}
}

static void churn_mprotect(void)
{
	const size_t n = 512;
	uint8_t *p = map_aligned(n * PAGE, PAGE);
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

	write_pages(p, n * PAGE, 0);
	ready();
	for (;;) {
		size_t first = rnd(n), cnt = 1 + rnd(n - first);

		if (mprotect(p + first * PAGE, cnt * PAGE, prots[rnd(3)]))
			die("mprotect");
		if (rnd(4) == 0) {
			mprotect(p, n * PAGE, PROT_READ | PROT_WRITE);
			write_pages(p, n * PAGE, (unsigned char)(1 + rnd(255)));
		}
	}
}

static void churn_mremap(void)
{
	const size_t max = 512 * PAGE;
	/* two places to move between, reserved so nothing else lands there */
	uint8_t *a = mmap(NULL, 2 * max, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *places[2], *p;
	size_t len = 64 * PAGE;
	int at = 0;

	if (a == MAP_FAILED)
		die("mmap");
	places[0] = a;
	places[1] = a + max;
	p = mmap(a, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	write_pages(p, len, 0);
	ready();
	for (;;) {
		size_t nlen = (1 + rnd(max / PAGE)) * PAGE;
		uint8_t *q;

		if (rnd(2)) {
			/* move to the other place, with a new size */
			q = mremap(p, len, nlen, MREMAP_MAYMOVE | MREMAP_FIXED,
				   places[!at]);
			if (q == MAP_FAILED)
				die("mremap move");
			/* refill the hole left behind with the reservation */
			if (mmap(places[at], max, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				 MAP_FIXED, -1, 0) == MAP_FAILED)
				die("mmap");
			at = !at;
		} else {
			/* resize in place: the reservation is replaced above */
			if (nlen > len && munmap(p + len, nlen - len))
				die("munmap");
			q = mremap(p, len, nlen, 0);
			if (q == MAP_FAILED)
				die("mremap resize");
			if (nlen < len &&
			    mmap(q + nlen, len - nlen, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				 MAP_FIXED, -1, 0) == MAP_FAILED)
				die("mmap");
		}
		p = q;
		len = nlen;
		write_pages(p, len, (unsigned char)(1 + rnd(255)));
	}
}

static void churn_madvise(void)
{
	const size_t len = 4 * HPAGE;
	uint8_t *p = map_aligned(len, HPAGE);
	static const int advice[] = { MADV_DONTNEED, MADV_PAGEOUT, MADV_COLLAPSE, MADV_FREE };

	madvise(p, len, MADV_HUGEPAGE);
	write_pages(p, len, 0);
	ready();
	for (;;) {
		int adv = advice[rnd(4)];
		size_t first, cnt;

		if (adv == MADV_COLLAPSE) {
			first = rnd(len / HPAGE) * (HPAGE / PAGE);
			cnt = HPAGE / PAGE;
		} else {
			first = rnd(len / PAGE);
			cnt = 1 + rnd(len / PAGE - first);
		}
		/* COLLAPSE fails with EINVAL before 6.1 and EAGAIN at times */
		madvise(p + first * PAGE, cnt * PAGE, adv);
		if (rnd(3) == 0)
			write_pages(p + first * PAGE, cnt * PAGE,
				    (unsigned char)(1 + rnd(255)));
	}
}

static void churn_fork(void)
{
	const size_t len = 256 * PAGE;
	uint8_t *p = map_aligned(len, PAGE);
	int live = 0;

	write_pages(p, len, 0);
	ready();
	for (;;) {
		pid_t c;

		while (waitpid(-1, NULL, live >= 4 ? 0 : WNOHANG) > 0)
			live--;
		c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			uint8_t *q;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(0);
			/* COW some of the parent's pages, map and touch some */
			write_pages(p + rnd(128) * PAGE, (1 + rnd(128)) * PAGE,
				    (unsigned char)(1 + rnd(255)));
			q = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q != MAP_FAILED)
				write_pages(q, 64 * PAGE, 0);
			usleep(rnd(5000));
			_exit(0);
		}
		live++;
		write_pages(p + rnd(256) * PAGE, PAGE, (unsigned char)(1 + rnd(255)));
	}
}

static void churn_thp(void)
{
	const size_t n = 4;
	uint8_t *p = map_aligned(n * HPAGE, HPAGE);

	if (madvise(p, n * HPAGE, MADV_HUGEPAGE))
		skip("no MADV_HUGEPAGE (THP not built in)");
	write_pages(p, n * HPAGE, 0);
	ready();
	for (;;) {
		uint8_t *h = p + rnd(n) * HPAGE;
		uint8_t *pg = h + rnd(HPAGE / PAGE) * PAGE;

		switch (rnd(5)) {
		case 0: /* split the PMD: one page read only, then back */
			mprotect(pg, PAGE, PROT_READ);
			mprotect(pg, PAGE, PROT_READ | PROT_WRITE);
			break;
		case 1: /* a hole in the THP: split, partly freed */
			madvise(pg, PAGE, MADV_DONTNEED);
			break;
		case 2: /* a page unmapped and mapped again */
			munmap(pg, PAGE);
			if (mmap(pg, PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				 -1, 0) == MAP_FAILED)
				die("mmap");
			madvise(p, n * HPAGE, MADV_HUGEPAGE);
			break;
		case 3: /* collapse now */
			madvise(h, HPAGE, MADV_COLLAPSE);
			break;
		default: /* fill the holes, for khugepaged to collapse */
			write_pages(h, HPAGE, (unsigned char)(1 + rnd(255)));
			break;
		}
	}
}

static void churn_ksm(void)
{
	const size_t n = 256;
	uint8_t *p = map_aligned(n * PAGE, PAGE);

	memset(p, 0x5a, n * PAGE);
	if (madvise(p, n * PAGE, MADV_MERGEABLE))
		skip("no MADV_MERGEABLE (KSM not built in)");
	ready();
	for (;;) {
		size_t i = rnd(n);

		/* COW out of the KSM page, then equal again for ksmd */
		p[i * PAGE + rnd(PAGE)] = 0xa5;
		usleep(rnd(200));
		memset(p + i * PAGE, 0x5a, PAGE);
		if (rnd(64) == 0) {
			madvise(p, n * PAGE, MADV_UNMERGEABLE);
			madvise(p, n * PAGE, MADV_MERGEABLE);
		}
	}
}

static int uffd;

/* resolves every write-protect fault by lifting the protection of its page */
static void *uffd_handler(void *arg)
{
	struct uffd_msg msg;

	(void)arg;
	for (;;) {
		ssize_t r = read(uffd, &msg, sizeof(msg));

		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(msg))
			die("read userfaultfd");
		if (msg.event == UFFD_EVENT_PAGEFAULT &&
		    (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP)) {
			struct uffdio_writeprotect wp = {
				.range.start = msg.arg.pagefault.address & ~(PAGE - 1),
				.range.len = PAGE,
				.mode = 0,
			};

			if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) && errno != ENOENT)
				die("UFFDIO_WRITEPROTECT (resolve)");
		}
	}
	return NULL;
}

static void churn_uffd_wp(void)
{
	const size_t n = 256;
	uint8_t *p = map_aligned(n * PAGE, PAGE);
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register reg = { .range.start = (uintptr_t)p,
				       .range.len = n * PAGE,
				       .mode = UFFDIO_REGISTER_MODE_WP };
	pthread_t t;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		skip("no userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) ||
	    !(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP))
		skip("userfaultfd without write-protect");
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		skip("UFFDIO_REGISTER_MODE_WP refused for anonymous memory");
	write_pages(p, n * PAGE, 0);
	if (pthread_create(&t, NULL, uffd_handler, NULL))
		die("pthread_create");
	ready();
	for (;;) {
		size_t first = rnd(n), cnt = 1 + rnd(n - first);
		struct uffdio_writeprotect wp = {
			.range.start = (uintptr_t)p + first * PAGE,
			.range.len = cnt * PAGE,
			.mode = UFFDIO_WRITEPROTECT_MODE_WP,
		};

		if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
			die("UFFDIO_WRITEPROTECT");
		/* writes under protection: faults the handler resolves */
		for (int k = 0; k < 8; k++)
			p[(first + rnd(cnt)) * PAGE] = (uint8_t)rnd(256);
		if (rnd(8) == 0) {
			/* a dropped page comes back unprotected, by a fault */
			madvise(p + rnd(n) * PAGE, PAGE, MADV_DONTNEED);
		}
	}
}

static const struct {
	const char *name;
	void (*run)(void);
} kinds[] = {
	{ "mmap", churn_mmap },
	{ "mprotect", churn_mprotect },
	{ "mremap", churn_mremap },
	{ "madvise", churn_madvise },
	{ "fork", churn_fork },
	{ "thp", churn_thp },
	{ "ksm", churn_ksm },
	{ "uffd-wp", churn_uffd_wp },
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			printf("%s\n", kinds[i].name);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: churn KIND | --list\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].name))
			continue;
		/* a group of its own, so that kill -STOP -PGID stops all of it */
		setpgid(0, 0);
		signal(SIGCHLD, SIG_DFL);
		rnd_state ^= (unsigned long)getpid() << 20;
		kinds[i].run();
		return 0;
	}
	fprintf(stderr, "churn: no kind %s (churn --list)\n", argv[1]);
	return 2;
}
