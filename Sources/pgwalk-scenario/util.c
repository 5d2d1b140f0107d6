// SPDX-License-Identifier: GPL-2.0
/* pgwalk-scenario: memory placement and the kernel's own views */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * The arena: one PROT_NONE reservation that stays mapped; regions are
 * mapped over it with MAP_FIXED, each after a PROT_NONE guard, so every
 * region is its own VMA at a predictable place and never merges with a
 * neighbour.
 */
#define ARENA_SIZE (256UL << 20)
static uint8_t *arena, *arena_next;

void *arena_reserve(size_t len, size_t align)
{
	uintptr_t a;

	if (!arena) {
		arena = mmap(NULL, ARENA_SIZE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena == MAP_FAILED)
			die("mmap arena of %lu bytes", ARENA_SIZE);
		arena_next = arena;
	}
	if (align < PAGE)
		align = PAGE;
	a = (uintptr_t)arena_next + align; /* at least one guard page before */
	a = (a + align - 1) & ~(uintptr_t)(align - 1);
	if (a + len + PAGE > (uintptr_t)arena + ARENA_SIZE) {
		errno = ENOMEM;
		die("arena full");
	}
	arena_next = (uint8_t *)(a + len);
	return (void *)a;
}

void *arena_map(size_t len, size_t align, int prot, int flags, int fd, off_t off)
{
	void *want = arena_reserve(len, align);
	void *p = mmap(want, len, prot, flags | MAP_FIXED, fd, off);

	if (p == MAP_FAILED)
		die("mmap %zu bytes", len);
	return p;
}

int memfd_sized(const char *name, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		die("memfd_create %s", name);
	if (ftruncate(fd, (off_t)len))
		die("ftruncate memfd %s to %zu bytes", name, len);
	return fd;
}

void fill(void *p, size_t len, unsigned seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i += 64)
		b[i] = (uint8_t)(((i / PAGE) * 7 + seed * 13 + i / 64) % 251 + 1);
}

void touch_read(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	unsigned sum = 0;

	for (size_t i = 0; i < len; i += PAGE)
		sum += b[i];
	(void)sum;
}

uint64_t pagemap(pid_t pid, const void *addr)
{
	static int fd = -1;
	static pid_t fd_pid = -1;
	uint64_t v;
	char path[64];

	if (fd < 0 || fd_pid != pid) {
		if (fd >= 0)
			close(fd);
		if (pid)
			snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
		else
			snprintf(path, sizeof(path), "/proc/self/pagemap");
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open %s", path);
		fd_pid = pid;
	}
	if (pread(fd, &v, 8, (off_t)((uintptr_t)addr / PAGE * 8)) != 8)
		die("read pagemap");
	return v;
}

int pfn_visible(void)
{
	static int known = -1;
	static volatile uint8_t probe = 1;

	if (known < 0) {
		uint64_t v;

		probe++;
		v = pagemap(0, (const void *)&probe);
		known = (v & PM_PRESENT) && PM_PFN(v) != 0;
	}
	return known;
}

uint64_t kpageflags(uint64_t pfn)
{
	static int fd = -2;
	uint64_t v;

	if (fd == -2)
		fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0 || !pfn)
		return ~0ULL;
	if (pread(fd, &v, 8, (off_t)(pfn * 8)) != 8)
		return ~0ULL;
	return v;
}

/*
 * The value of "KEY:" in /proc/self/smaps for the VMA containing addr,
 * copied (without the key) into buf; 0, or -1 when there is none.
 */
int smaps_field(const void *addr, const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, r = -1;
	size_t kl = strlen(key);
	unsigned long a = (unsigned long)(uintptr_t)addr;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char *dash = strchr(line, '-'), *sp = strchr(line, ' ');

		if (dash && sp && dash < sp && sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = a >= s && a < e;
			continue;
		}
		if (in && !strncmp(line, key, kl) && line[kl] == ':') {
			snprintf(buf, len, "%s", line + kl + 1);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

long smaps_kb(const void *addr, const char *key)
{
	char value[512];

	if (smaps_field(addr, key, value, sizeof(value)))
		return -1;
	return strtol(value, NULL, 10);
}

int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = 0;
	return 0;
}

int read_long(const char *path, long *v)
{
	char buf[64], *end;

	if (read_str(path, buf, sizeof(buf)))
		return -1;
	*v = strtol(buf, &end, 10);
	return end == buf ? -1 : 0;
}

int thp_mode(char *mode, size_t len)
{
	return sysfs_choice("/sys/kernel/mm/transparent_hugepage/enabled", mode, len);
}

int sysfs_choice(const char *path, char *mode, size_t len)
{
	char buf[256], *l, *r;

	if (read_str(path, buf, sizeof(buf)))
		return -1;
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!r)
		return -1;
	*r = 0;
	snprintf(mode, len, "%s", l + 1);
	return 0;
}

void need_thp(void)
{
	char mode[32];

	if (thp_mode(mode, sizeof(mode)))
		skip("no transparent hugepages (/sys/kernel/mm/transparent_hugepage/enabled missing: kernel without CONFIG_TRANSPARENT_HUGEPAGE)");
	if (!strcmp(mode, "never"))
		skip("THP disabled: transparent_hugepage/enabled is [never]; echo always > /sys/kernel/mm/transparent_hugepage/enabled (or madvise)");
}

/* a 2 MiB aligned, written, PMD-mapped THP of len bytes (multiple of 2M) */
void *make_thp(size_t len)
{
	uint8_t *p;

	need_thp();
	p = arena_map(len, HPAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (madvise(p, len, MADV_HUGEPAGE))
		die("madvise MADV_HUGEPAGE");
	for (size_t off = 0; off < len; off += HPAGE) {
		p[off] = 1; /* the first touch allocates the THP */
		fill(p + off, HPAGE, (unsigned)(off / HPAGE) + 3);
	}
	for (size_t off = 0; off < len; off += HPAGE) {
		uint64_t a = pagemap(0, p + off), b = pagemap(0, p + off + HPAGE - PAGE);

		if (smaps_kb(p, "AnonHugePages") < (long)(len >> 10) ||
		    !(a & PM_PRESENT) || !(b & PM_PRESENT) ||
		    (pfn_visible() && PM_PFN(b) != PM_PFN(a) + 511))
			skip("no THP could be allocated (AnonHugePages %ld kB of %zu): no free 2 MiB block; free memory or echo 1 > /proc/sys/vm/compact_memory, defrag=madvise",
			     smaps_kb(p, "AnonHugePages"), len >> 10);
	}
	return p;
}

int swap_active(long *free_kb)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = 0;

	*free_kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char name[256], type[32];
		long size, used;

		if (sscanf(line, "%255s %31s %ld %ld", name, type, &size, &used) == 4) {
			n++;
			*free_kb += size - used;
		}
	}
	fclose(f);
	return n;
}
