// SPDX-License-Identifier: GPL-2.0
/* pgwalk-scenario: 4 KiB anonymous and file scenarios, protections, madvise */
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <linux/io_uring.h>
#include <linux/magic.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RW (PROT_READ | PROT_WRITE)
#define PA (MAP_PRIVATE | MAP_ANONYMOUS)

void *anon_pages(size_t npages)
{
	void *p = arena_map(npages * PAGE, PAGE, RW, PA, -1, 0);

	if (madvise(p, npages * PAGE, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	return p;
}

void expect_present(const char *what, const uint8_t *p, long first, long last, int present)
{
	for (long i = first; i <= last; i++) {
		uint64_t v = pagemap(0, p + i * PAGE);

		if (!!(v & PM_PRESENT) != present) {
			errno = EAGAIN;
			die("%s: page %ld is %spresent after setup (pagemap 0x%llx)", what, i,
			    present ? "not " : "", (unsigned long long)v);
		}
	}
}

/* ---- anon-4k ---- */

static int anon_written(long i)
{
	return i < 4 || i % 3 == 0 || (i >= 40 && i < 48);
}

static const char *anon_words(long i, void *arg)
{
	(void)arg;
	return anon_written(i) ? "written" : "untouched";
}

void sc_anon_4k(void)
{
	uint8_t *p = anon_pages(64);

	for (long i = 0; i < 64; i++)
		if (anon_written(i))
			fill(p + i * PAGE, PAGE, 1);
	for (long i = 0; i < 64; i++)
		expect_present("anon-4k", p, i, i, anon_written(i));
	region("anon", p, 64 * PAGE);
	pages("anon", 64, anon_words, NULL);
}

/* ---- zero-4k ---- */

void sc_zero_4k(void)
{
	uint8_t *p = anon_pages(16);
	uint64_t z;

	touch_read(p, 16 * PAGE);
	expect_present("zero-4k", p, 0, 15, 1);
	z = PM_PFN(pagemap(0, p));
	for (long i = 1; i < 16 && pfn_visible(); i++)
		if (PM_PFN(pagemap(0, p + i * PAGE)) != z) {
			errno = EAGAIN;
			die("zero-4k: page %ld does not map the zero page", i);
		}
	region("zero", p, 16 * PAGE);
	page_range("zero", 0, 15, "read zero");
	if (pfn_visible())
		fact("zero_pfn 0x%llx", (unsigned long long)z);
}

/* ---- file-tmpfs, file-disk ---- */

#define FPAGES 32

static const char *file_words(long i, void *arg)
{
	(void)arg;
	if (i >= 4 && i <= 7)
		return "cow";
	return i < 16 ? "read" : "untouched";
}

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case TMPFS_MAGIC: return "tmpfs";
	case RAMFS_MAGIC: return "ramfs";
	case EXT2_SUPER_MAGIC: return "ext2/3/4";
	case V9FS_MAGIC: return "9p";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case XFS_SUPER_MAGIC: return "xfs";
	case NFS_SUPER_MAGIC: return "nfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlay";
	case 0x65735546: return "fuse";
	default: return "other";
	}
}

static void file_scenario(const char *dir)
{
	char path[400];
	uint8_t *priv, *view, *ro;
	struct statfs sf;
	int fd;

	snprintf(path, sizeof(path), "%s/pgwalk-scenario-%d.dat", dir, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create %s", path);
	cleanup_file(path);
	if (fstatfs(fd, &sf))
		die("statfs %s", path);
	{
		uint8_t *buf = malloc(FPAGES * PAGE);

		if (!buf)
			die("malloc");
		memset(buf, 0, FPAGES * PAGE);
		fill(buf, FPAGES * PAGE, 5);
		if (write(fd, buf, FPAGES * PAGE) != (ssize_t)(FPAGES * PAGE))
			die("write %s", path);
		free(buf);
	}
	if (fsync(fd))
		die("fsync %s", path);
	priv = arena_map(FPAGES * PAGE, PAGE, RW, MAP_PRIVATE, fd, 0);
	view = arena_map(FPAGES * PAGE, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	/* Private and only read: it never gets an anon_vma (NO_ANON_VMA). */
	ro = arena_map(FPAGES * PAGE, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	touch_read(view, FPAGES * PAGE);
	touch_read(ro, FPAGES * PAGE);
	touch_read(priv, 16 * PAGE);
	for (long i = 4; i <= 7; i++)
		priv[i * PAGE + 100] ^= 0xff;
	expect_present("file", priv, 0, 15, 1);
	expect_present("file", view, 0, FPAGES - 1, 1);
	expect_present("file", ro, 0, FPAGES - 1, 1);
	for (long i = 0; i < 16 && pfn_visible(); i++) {
		int same = PM_PFN(pagemap(0, priv + i * PAGE)) == PM_PFN(pagemap(0, view + i * PAGE));

		if (same != !(i >= 4 && i <= 7)) {
			errno = EAGAIN;
			die("file: page %ld %s the page cache page", i, same ? "maps" : "does not map");
		}
	}
	fact("file %s", path);
	fact("fs %s 0x%lx", fs_name((long)sf.f_type), (unsigned long)sf.f_type);
	region("private", priv, FPAGES * PAGE);
	pages("private", FPAGES, file_words, NULL);
	region("view", view, FPAGES * PAGE);
	page_range("view", 0, FPAGES - 1, "read pagecache");
	region("readonly", ro, FPAGES * PAGE);
	page_range("readonly", 0, FPAGES - 1, "read pagecache");
}

static int is_memfs(const char *dir, long *type)
{
	struct statfs sf;

	if (statfs(dir, &sf))
		return -1;
	*type = (long)sf.f_type;
	return (unsigned long)sf.f_type == TMPFS_MAGIC || (unsigned long)sf.f_type == RAMFS_MAGIC;
}

void sc_file_tmpfs(void)
{
	static const char *const dirs[] = { "/dev/shm", "/tmp", "/run" };
	long t = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (is_memfs(dirs[i], &t) == 1 && !access(dirs[i], W_OK)) {
			file_scenario(dirs[i]);
			fact("backing tmpfs-dir");
			return;
		}
	skip("no writable tmpfs at /dev/shm, /tmp or /run: mount -t tmpfs tmpfs /tmp");
}

/* an ext2 image on a loop device, mounted under /tmp; 0 on success */
static int loop_fs(char *mnt, size_t len)
{
	char img[300];
	int fd;

	if (geteuid() != 0)
		return -1;
	snprintf(img, sizeof(img), "/tmp/pgwalk-scenario-%d.img", (int)getpid());
	snprintf(mnt, len, "/tmp/pgwalk-scenario-%d.mnt", (int)getpid());
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	cleanup_file(img);
	if (ftruncate(fd, 8 << 20)) {
		close(fd);
		return -1;
	}
	close(fd);
	{
		const char *const mkfs[] = { "mkfs.ext2", "-q", "-F", img, NULL };

		if (run_cmd(mkfs))
			return -1;
	}
	if (mkdir(mnt, 0700))
		return -1;
	cleanup_dir(mnt);
	{
		const char *const mnt_cmd[] = { "mount", "-t", "ext2", "-o", "loop", img, mnt, NULL };

		if (run_cmd(mnt_cmd))
			return -1;
	}
	cleanup_umount(mnt);
	return 0;
}

void sc_file_disk(void)
{
	const char *env = getenv("PGWALK_SCENARIO_DIR");
	char mnt[300], exe[400];
	long t = 0;

	if (env && *env) {
		if (is_memfs(env, &t) != 0) {
			errno = EINVAL;
			die("PGWALK_SCENARIO_DIR=%s is not a disk filesystem (%s)", env, fs_name(t));
		}
		file_scenario(env);
		fact("backing dir");
		return;
	}
	if (!loop_fs(mnt, sizeof(mnt))) {
		file_scenario(mnt);
		fact("backing loop-ext2");
		return;
	}
	/* the directory of this executable (the build directory) */
	{
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = 0;
	}
	if (exe[0]) {
		dirname(exe);
		if (is_memfs(exe, &t) == 0 && !access(exe, W_OK)) {
			file_scenario(exe);
			fact("backing build-dir");
			return;
		}
	}
	skip("no writable disk filesystem: needs root with mkfs.ext2 and loop (modprobe loop ext4), or PGWALK_SCENARIO_DIR set to a directory on a disk filesystem");
}

/* ---- prot-none, dontneed, madv-free, mlock ---- */

static const char *pn_words(long i, void *arg)
{
	int w = i <= 9 || i == 12 || i == 13;

	(void)arg;
	if (i >= 4 && i <= 11)
		return w ? "written protnone" : "untouched protnone";
	return w ? "written" : "untouched";
}

void sc_prot_none(void)
{
	uint8_t *p = anon_pages(16);

	for (long i = 0; i < 16; i++)
		if (i <= 9 || i == 12 || i == 13)
			fill(p + i * PAGE, PAGE, 2);
	if (mprotect(p + 4 * PAGE, 8 * PAGE, PROT_NONE))
		die("mprotect PROT_NONE");
	region("pn", p, 16 * PAGE);
	region("none", p + 4 * PAGE, 8 * PAGE);
	pages("pn", 16, pn_words, NULL);
}

void sc_dontneed(void)
{
	uint8_t *p = anon_pages(16);

	fill(p, 16 * PAGE, 3);
	if (madvise(p + 4 * PAGE, 8 * PAGE, MADV_DONTNEED))
		die("madvise MADV_DONTNEED");
	expect_present("dontneed", p, 4, 11, 0);
	expect_present("dontneed", p, 0, 3, 1);
	region("dn", p, 16 * PAGE);
	page_range("dn", 0, 3, "written");
	page_range("dn", 4, 11, "dropped");
	page_range("dn", 12, 15, "written");
}

/*
 * Pages 4-11 lazily freed (10 written again), 16-19 lazily freed and then
 * paged out: reclaim discards a clean lazyfree page instead of swapping it,
 * so no swap is needed. The set-up runs on one CPU: MADV_FREE queues the
 * folios on that CPU's lazyfree batch, and MADV_PAGEOUT drains only the
 * local batches before it reclaims.
 */
#define FREE_PAGES 20

static const char *free_words(long i, void *arg)
{
	uint64_t v = pagemap(0, (uint8_t *)arg + i * PAGE);

	/* a page the batch had not yet made lazyfree is swapped, where swap is on */
	if (i >= 16)
		return (v & PM_PRESENT) ? "written lazyfree pageout kept" :
		       (v & PM_SWAP) ? "written lazyfree pageout swapped" :
				       "written lazyfree pageout discarded";
	if (i == 10)
		return "written lazyfree rewritten";
	return i >= 4 && i <= 11 ? "written lazyfree" : "written";
}

void sc_madv_free(void)
{
	uint8_t *p = anon_pages(FREE_PAGES);
	cpu_set_t was, one;
	int pinned, cpu = sched_getcpu();

	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	pinned = !sched_getaffinity(0, sizeof(was), &was) && !sched_setaffinity(0, sizeof(one), &one);
	fill(p, FREE_PAGES * PAGE, 4);
	for (long i = 0; i < FREE_PAGES && pfn_visible(); i++)
		if ((i >= 4 && i <= 11) || i >= 16)
			out("pfn free %ld 0x%llx", i, (unsigned long long)PM_PFN(pagemap(0, p + i * PAGE)));
	if (madvise(p + 4 * PAGE, 8 * PAGE, MADV_FREE)) {
		if (errno == EINVAL)
			skip("MADV_FREE not supported by this kernel (4.5+)");
		die("madvise MADV_FREE");
	}
	p[10 * PAGE + 8] ^= 0x55;
	expect_present("madv-free", p, 0, 15, 1);
	if (madvise(p + 16 * PAGE, 4 * PAGE, MADV_FREE))
		die("madvise MADV_FREE");
	if (madvise(p + 16 * PAGE, 4 * PAGE, MADV_PAGEOUT) && errno != EINVAL)
		die("madvise MADV_PAGEOUT of lazily freed pages");
	if (pinned)
		sched_setaffinity(0, sizeof(was), &was);
	region("free", p, FREE_PAGES * PAGE);
	pages("free", FREE_PAGES, free_words, p);
	fact("pinned_cpu %s", pinned ? "yes" : "no");
	if (pfn_visible()) {
		uint64_t f = kpageflags(PM_PFN(pagemap(0, p + 4 * PAGE)));

		if (f != ~0ULL)
			fact("lazyfree_kpf_swapbacked %d", (int)((f >> KPF_SWAPBACKED) & 1));
	}
}

void sc_mlock(void)
{
	uint8_t *p = anon_pages(16);

	if (mlock(p, 8 * PAGE)) {
		if (errno == EPERM || errno == ENOMEM)
			skip("mlock of 32 KiB refused (%s): raise RLIMIT_MEMLOCK (ulimit -l) or run as root",
			     strerror(errno));
		die("mlock");
	}
	expect_present("mlock", p, 0, 7, 1);
	expect_present("mlock", p, 8, 15, 0);
	region("mlock", p, 16 * PAGE);
	region("locked", p, 8 * PAGE);
	page_range("mlock", 0, 7, "locked");
	page_range("mlock", 8, 15, "untouched");
	if (pfn_visible()) {
		uint64_t f = kpageflags(PM_PFN(pagemap(0, p)));

		if (f != ~0ULL)
			fact("locked_kpf_mlocked %d", (int)((f >> KPF_MLOCKED) & 1));
	}
}

/* ---- soft-dirty ---- */

static int sd_written(long i)
{
	return i == 1 || (i >= 5 && i <= 7) || i == 20 || i == 31;
}

static const char *sd_words(long i, void *arg)
{
	(void)arg;
	return sd_written(i) ? "written soft-dirty" : "written not-soft-dirty";
}

void sc_soft_dirty(void)
{
	uint8_t *p = anon_pages(32);
	int fd;

	fill(p, 32 * PAGE, 6);
	fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/clear_refs");
	if (write(fd, "4", 1) != 1) {
		if (errno == EINVAL)
			skip("soft-dirty tracking unavailable: kernel without CONFIG_MEM_SOFT_DIRTY");
		die("write 4 to /proc/self/clear_refs");
	}
	close(fd);
	for (long i = 0; i < 32; i++)
		if (sd_written(i))
			p[i * PAGE + 200] ^= 0x33;
	if (!(pagemap(0, p + PAGE) & PM_SOFT_DIRTY))
		skip("writes do not set soft-dirty: kernel without CONFIG_MEM_SOFT_DIRTY");
	for (long i = 0; i < 32; i++) {
		uint64_t v = pagemap(0, p + i * PAGE);

		if (!!(v & PM_SOFT_DIRTY) != sd_written(i)) {
			errno = EAGAIN;
			die("soft-dirty: page %ld soft-dirty %d, written %d", i,
			    !!(v & PM_SOFT_DIRTY), sd_written(i));
		}
	}
	region("sd", p, 32 * PAGE);
	pages("sd", 32, sd_words, NULL);
}

/* ---- sparse ---- */

void sc_sparse(void)
{
	size_t len = 64UL << 30;
	uint8_t *p = mmap(NULL, len, RW, PA | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		if (errno == ENOMEM)
			skip("a 64 GiB MAP_NORESERVE mapping was refused: vm.overcommit_memory is 2 (set 0 or 1) or the address space is limited (ulimit -v)");
		die("mmap 64 GiB");
	}
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	region("sparse", p, len);
	for (long k = 0; k < 16; k++) {
		long idx = (long)((k * (4UL << 30)) / PAGE) + k;

		fill(p + idx * PAGE, PAGE, 7);
		page_range("sparse", idx, idx, "written");
	}
	fact("touched_pages 16");
}

/* ---- high (5-level) ---- */

void sc_high(void)
{
	void *hint = (void *)((1UL << 47) + (1UL << 40));
	uint8_t *p = mmap(hint, 16 * PAGE, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != hint) {
		if (p != MAP_FAILED)
			munmap(p, 16 * PAGE);
		skip("4-level paging: no user addresses above 47 bits (needs an LA57 CPU and a kernel with CONFIG_X86_5LEVEL, not booted with no5lvl)");
	}
	fill(p, 8 * PAGE, 8);
	region("high", p, 16 * PAGE);
	page_range("high", 0, 7, "written");
	page_range("high", 8, 15, "untouched");
}

/* ---- special mappings ---- */

/* VmFlags of the VMA containing addr has " NAME" ("pf" VM_PFNMAP, "mm" VM_MIXEDMAP) */
static int vma_flag(const void *addr, const char *name)
{
	char flags[512], want[8];

	snprintf(want, sizeof(want), " %s", name);
	return !smaps_field(addr, "VmFlags", flags, sizeof(flags)) &&
	       strstr(flags, want) != NULL;
}

static int vma_pfnmap(const void *addr)
{
	return vma_flag(addr, "pf");
}

static int find_vma(const char *name, unsigned long *s, unsigned long *e)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	if (!f)
		die("open /proc/self/maps");
	while (fgets(line, sizeof(line), f)) {
		char *n = strchr(line, '[');

		if (n && !strncmp(n, name, strlen(name)) &&
		    sscanf(line, "%lx-%lx", s, e) == 2) {
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

void sc_special(void)
{
	static const char *const names[] = { "[heap]", "[stack]", "[vdso]", "[vvar]" };
	volatile uint8_t *heap = malloc(16 * PAGE);
	struct timespec ts;
	volatile uint8_t here = 1;

	if (!heap)
		die("malloc");
	for (int i = 0; i < 16; i++)
		heap[i * PAGE] = (uint8_t)(i + 1);
	clock_gettime(CLOCK_MONOTONIC, &ts); /* uses [vdso] and reads [vvar] */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned long s, e;
		char rn[16];

		if (find_vma(names[i], &s, &e)) {
			if (i == 0) {
				errno = ENOENT;
				die("no [heap] after malloc");
			}
			fact("missing %s", names[i]);
			continue;
		}
		snprintf(rn, sizeof(rn), "%.*s", (int)strlen(names[i]) - 2, names[i] + 1);
		region(rn, (void *)s, e - s);
		if (i == 0) {
			long a = (long)(((uintptr_t)heap - s) / PAGE), b = (long)(((uintptr_t)heap + 15 * PAGE - s) / PAGE);

			page_range("heap", a, b, "written");
		} else if (i == 1) {
			page_range("stack", (long)(((uintptr_t)&here - s) / PAGE),
				   (long)(((uintptr_t)&here - s) / PAGE), "written");
		} else if (i == 3) {
			/*
			 * 6.1 and 6.12 map [vvar] VM_PFNMAP, which the walker
			 * skips; 7.3 maps the generic vDSO data store's pages
			 * VM_MIXEDMAP, which it walks.
			 */
			fact("vvar %s", vma_pfnmap((void *)s) ? "pfnmap" :
					vma_flag((void *)s, "mm") ? "mixedmap" : "other");
		}
	}
}

/* ---- pfnmap ---- */

static int pci_bar(char *what, size_t wlen, void **where)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[400], line[256];
		FILE *rf;
		int bar = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", de->d_name);
		rf = fopen(path, "r");
		if (!rf)
			continue;
		while (fgets(line, sizeof(line), rf) && bar < 6) {
			unsigned long long s, e, fl;
			int fd;
			void *p;

			if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && (fl & 0x200) &&
			    e > s && e - s + 1 >= PAGE) {
				snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
					 de->d_name, bar);
				fd = open(path, O_RDWR | O_CLOEXEC);
				if (fd >= 0) {
					void *want = arena_reserve(PAGE, PAGE);

					p = mmap(want, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
					close(fd);
					if (p != MAP_FAILED) {
						snprintf(what, wlen, "pci %s", path);
						*where = p;
						fclose(rf);
						closedir(d);
						return 0;
					}
					/* failed: the place stays a PROT_NONE guard */
				}
			}
			bar++;
		}
		fclose(rf);
	}
	closedir(d);
	return -1;
}

void sc_pfnmap(void)
{
	struct io_uring_params par;
	int fd, err = 0;
	char what[500];
	void *p;

	memset(&par, 0, sizeof(par));
	fd = (int)syscall(__NR_io_uring_setup, 4, &par);
	if (fd < 0)
		err = errno;
	if (fd >= 0) {
		size_t len = par.sq_off.array + par.sq_entries * sizeof(uint32_t);

		len = (len + PAGE - 1) & ~(PAGE - 1);
		p = mmap(NULL, len, RW, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
		if (p == MAP_FAILED) {
			err = errno;
		} else if (!vma_pfnmap(p)) {
			err = ENOTSUP;
			munmap(p, len);
		} else {
			region("pfnmap", p, len);
			fact("source io_uring sq_ring");
			page_range("pfnmap", 0, (long)(len / PAGE) - 1, "pfnmap");
			return; /* fd stays open until exit */
		}
		close(fd);
	}
	if (!pci_bar(what, sizeof(what), &p) && vma_pfnmap(p)) {
		fact("io_uring_not_pfnmap %s", strerror(err));
		region("pfnmap", p, PAGE);
		fact("source %s", what);
		page_range("pfnmap", 0, 0, "pfnmap");
		return;
	}
	skip("no VM_PFNMAP source: the io_uring ring is not a PFNMAP mapping here (%s; remap_pfn_range up to 6.9) and no PCI memory BAR could be mapped (needs root and a BAR no driver holds)",
	     strerror(err));
}

/* ---- mremap-move ---- */

void sc_mremap_move(void)
{
	uint8_t *src = anon_pages(16), *dst = arena_reserve(16 * PAGE, PAGE), *q;
	uint64_t pfn[16];

	fill(src, 16 * PAGE, 9);
	for (int i = 0; i < 16; i++)
		pfn[i] = PM_PFN(pagemap(0, src + i * PAGE));
	q = mremap(src, 16 * PAGE, 16 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (q == MAP_FAILED)
		die("mremap");
	expect_present("mremap-move", dst, 0, 15, 1);
	region("moved", dst, 16 * PAGE);
	region_perms("old", src, 16 * PAGE, "----");
	page_range("moved", 0, 15, "written moved");
	page_range("old", 0, 15, "unmapped");
	for (int i = 0; i < 16 && pfn_visible(); i++) {
		out("pfn moved %d 0x%llx", i, (unsigned long long)pfn[i]);
		if (PM_PFN(pagemap(0, dst + i * PAGE)) != pfn[i]) {
			errno = EAGAIN;
			die("mremap-move: page %d changed PFN", i);
		}
	}
}

/* ---- uffd-wp ---- */

static int uffd_open(uint64_t features)
{
	struct uffdio_api api;
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);

	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOSYS)
			skip("no userfaultfd: kernel without CONFIG_USERFAULTFD");
		if (errno == EPERM)
			skip("userfaultfd refused: run as root or sysctl vm.unprivileged_userfaultfd=1");
		die("userfaultfd");
	}
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	api.features = features;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void uffd_wp(int fd, void *p, size_t len, int reg)
{
	if (reg) {
		struct uffdio_register r;

		memset(&r, 0, sizeof(r));
		r.range.start = (uintptr_t)p;
		r.range.len = len;
		r.mode = UFFDIO_REGISTER_MODE_WP;
		if (ioctl(fd, UFFDIO_REGISTER, &r))
			die("UFFDIO_REGISTER mode WP");
	} else {
		struct uffdio_writeprotect w;

		memset(&w, 0, sizeof(w));
		w.range.start = (uintptr_t)p;
		w.range.len = len;
		w.mode = UFFDIO_WRITEPROTECT_MODE_WP;
		if (ioctl(fd, UFFDIO_WRITEPROTECT, &w))
			die("UFFDIO_WRITEPROTECT");
	}
}

void sc_uffd_wp(void)
{
	uint8_t *p = anon_pages(16), *s;
	int fd, shmem = 1, mfd;

	fd = uffd_open(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	if (fd < 0) {
		shmem = 0;
		fd = uffd_open(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
		if (fd < 0)
			skip("userfaultfd lacks write-protect (UFFD_FEATURE_PAGEFAULT_FLAG_WP): kernel 5.7+ with CONFIG_HAVE_ARCH_USERFAULTFD_WP");
	}
	fill(p, 12 * PAGE, 10);
	uffd_wp(fd, p, 16 * PAGE, 1);
	uffd_wp(fd, p, 8 * PAGE, 0);
	uffd_wp(fd, p + 12 * PAGE, 4 * PAGE, 0);
	for (long i = 0; i < 16; i++) {
		uint64_t v = pagemap(0, p + i * PAGE);

		if (!!(v & PM_UFFD_WP) != (i < 8)) {
			errno = EAGAIN;
			die("uffd-wp: page %ld uffd-wp bit %d", i, !!(v & PM_UFFD_WP));
		}
	}
	region("anon", p, 16 * PAGE);
	page_range("anon", 0, 7, "written uffd-wp");
	page_range("anon", 8, 11, "written");
	page_range("anon", 12, 15, "untouched wp-requested");
	if (!shmem) {
		fact("shmem_wp unsupported");
		return;
	}
	mfd = memfd_sized("pgwalk-scenario-uffd", 8 * PAGE);
	s = arena_map(8 * PAGE, PAGE, RW, MAP_SHARED, mfd, 0);
	close(mfd);
	fill(s, 8 * PAGE, 11);
	uffd_wp(fd, s, 8 * PAGE, 1);
	uffd_wp(fd, s, 8 * PAGE, 0);
	if (madvise(s + 2 * PAGE, 2 * PAGE, MADV_DONTNEED))
		die("madvise MADV_DONTNEED shmem");
	for (long i = 0; i < 8; i++) {
		uint64_t v = pagemap(0, s + i * PAGE);
		int marker = i == 2 || i == 3;

		if (!(v & PM_UFFD_WP) || !!(v & PM_SWAP) != marker) {
			errno = EAGAIN;
			die("uffd-wp shmem: page %ld pagemap 0x%llx", i, (unsigned long long)v);
		}
	}
	region("shmem", s, 8 * PAGE);
	page_range("shmem", 0, 1, "written uffd-wp");
	page_range("shmem", 2, 3, "marker uffd-wp");
	page_range("shmem", 4, 7, "written uffd-wp");
	/* fd stays open: closing it would unregister the ranges */
}
