// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-scenario NAME | --list
 *
 * Sets up one kind of mapping (a scenario of the kernel's mm selftests),
 * prints its layout and facts on stdout (docs/SCENARIOS.md), prints "ready"
 * and holds still until stdin reaches EOF or SIGTERM/SIGINT arrives; then it
 * cleans up (children killed, files removed, mounts undone) and exits 0.
 * "skip REASON" (exit 0) when the system lacks what the scenario needs;
 * "error WHAT: strerror" on stderr, exit 2, on failure.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The list of scenarios, the one source of it: --list prints it, and
 * pgwalkctl selftest's catalogue (ScenarioCatalog.swift, same order) and
 * docs/SCENARIOS.md section 3 are checked against that by swift test
 * (ScenarioListTests.swift). A scenario selftest does not run says "not a
 * selftest scenario" in its description. Adding one: docs/SCENARIOS.md
 * section 7.
 */
static const struct scenario scenarios[] = {
	{ "anon-4k", "private anonymous 4 KiB pages, some written, some untouched", "-", sc_anon_4k },
	{ "anon-shared", "MAP_SHARED|MAP_ANONYMOUS region shared with a child (pid2)", "-", sc_anon_shared },
	{ "file-tmpfs", "private mapping of a tmpfs file, read and partly written (COW), plus a shared view", "a tmpfs at /dev/shm or /tmp", sc_file_tmpfs },
	{ "file-disk", "private mapping of a file on a disk filesystem, read and partly written (COW)", "root + loop + mkfs.ext2 (ext4 module), or PGWALK_SCENARIO_DIR / cwd on a non-tmpfs fs", sc_file_disk },
	{ "zero-4k", "MADV_NOHUGEPAGE anonymous pages only read: the 4 KiB zero page", "-", sc_zero_4k },
	{ "thp-pmd", "a PMD-mapped anonymous THP", "THP enabled=always|madvise", sc_thp_pmd },
	{ "thp-pte", "a THP whose PMD mapping mprotect split into PTEs (folio stays large)", "THP enabled=always|madvise", sc_thp_pte },
	{ "huge-zero", "read-only touches of a MADV_HUGEPAGE region: the huge zero page", "THP enabled=always|madvise, use_zero_page=1", sc_huge_zero },
	{ "mthp-64k", "64 KiB anonymous folios (multi-size THP) mapped by PTEs", "mTHP (6.8+), hugepages-64kB/enabled=always|madvise", sc_mthp_64k },
	{ "shmem-thp", "memfd, shared anonymous and tmpfs huge=always THPs mapped by a PMD", "shmem_enabled=always|advise (root for the tmpfs mount)", sc_shmem_thp },
	{ "hugetlb-2m", "MAP_HUGETLB 2 MiB pages, one written, one untouched", "2 free 2 MiB huge pages (vm.nr_hugepages>=2)", sc_hugetlb_2m },
	{ "hugetlb-memfd", "memfd_create(MFD_HUGETLB) 2 MiB pages mapped shared, one written", "2 free 2 MiB huge pages (vm.nr_hugepages>=2)", sc_hugetlb_memfd },
	{ "hugetlb-1g", "MAP_HUGETLB|MAP_HUGE_1GB page, written", "1 free 1 GiB huge page (boot: hugepagesz=1G hugepages=1)", sc_hugetlb_1g },
	{ "swap-4k", "written anonymous pages, half of them swapped out with MADV_PAGEOUT", "active swap with free space (e.g. zram)", sc_swap_4k },
	{ "swap-thp", "a PMD-mapped THP swapped out with MADV_PAGEOUT", "active swap with >= 4 MiB free, THP enabled", sc_swap_thp },
	{ "ksm", "identical pages in parent and child merged by KSM (pid2)", "root (PFNs) and /sys/kernel/mm/ksm/run=1", sc_ksm },
	{ "fork-cow", "fork: pages COW-shared with the child, and pages written after fork (pid2)", "-", sc_fork_cow },
	{ "mremap-move", "written pages moved with mremap(MREMAP_FIXED)", "-", sc_mremap_move },
	{ "mremap-thp", "a THP moved whole (stays PMD) and a THP half moved (split)", "THP enabled=always|madvise", sc_mremap_thp },
	{ "prot-none", "written pages, part of them mprotect(PROT_NONE)", "-", sc_prot_none },
	{ "dontneed", "written pages, part of them MADV_DONTNEED", "-", sc_dontneed },
	{ "madv-free", "written pages, part of them MADV_FREE (lazily freed), one rewritten, some paged out (discarded)", "-", sc_madv_free },
	{ "mlock", "mlock of half a region (populated, VM_LOCKED)", "RLIMIT_MEMLOCK >= 64 KiB", sc_mlock },
	{ "soft-dirty", "clear_refs 4, then some pages written: soft-dirty exactly on those", "CONFIG_MEM_SOFT_DIRTY", sc_soft_dirty },
	{ "uffd-wp", "userfaultfd write-protect of anonymous pages, and uffd-wp PTE markers on shmem", "userfaultfd: root or vm.unprivileged_userfaultfd=1", sc_uffd_wp },
	{ "guard-region", "MADV_GUARD_INSTALL guard markers (one removed again), anonymous and shmem", "guard regions (6.13+; shmem 6.15+)", sc_guard_region },
	{ "droppable", "a MAP_DROPPABLE mapping, half written (VM_DROPPABLE)", "MAP_DROPPABLE (6.11+)", sc_droppable },
	{ "mseal", "a region sealed with mseal() next to one not sealed (VM_SEALED)", "mseal (6.10+)", sc_mseal },
	{ "sparse", "64 GiB MAP_NORESERVE reservation with 16 pages touched", "overcommit_memory != 2", sc_sparse },
	{ "high", "a mapping above the 47-bit boundary", "5-level paging (LA57 CPU, kernel without no5lvl)", sc_high },
	{ "special", "[heap], [stack], [vdso], [vvar] (VM_PFNMAP, or VM_MIXEDMAP on 7.x)", "-", sc_special },
	{ "pfnmap", "a VM_PFNMAP mapping: an io_uring ring (remap_pfn_range), else a PCI BAR", "io_uring, or root and a PCI memory BAR", sc_pfnmap },
	{ "diff-steps", "regions changed one step at a time on request (SIGUSR1), for pgwalkctl diff; not a selftest scenario", "-", sc_diff_steps },
};

#define NSC (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- cleanup ---- */

#define MAXC 16
static pid_t children[MAXC];
static int nchildren;
static char files[MAXC][300];
static int nfiles;
static char dirs[MAXC][300];
static int ndirs;
static char mounts[MAXC][300];
static int nmounts;
static pid_t main_pid;

void cleanup_file(const char *path)
{
	if (nfiles < MAXC)
		snprintf(files[nfiles++], sizeof(files[0]), "%s", path);
}

void cleanup_dir(const char *path)
{
	if (ndirs < MAXC)
		snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s", path);
}

void cleanup_umount(const char *path)
{
	if (nmounts < MAXC)
		snprintf(mounts[nmounts++], sizeof(mounts[0]), "%s", path);
}

static void cleanup(void)
{
	if (getpid() != main_pid)
		return;
	for (int i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
	for (int i = nfiles - 1; i >= 0; i--)
		unlink(files[i]);
	nfiles = 0;
	for (int i = nmounts - 1; i >= 0; i--)
		if (umount2(mounts[i], 0))
			umount2(mounts[i], MNT_DETACH);
	nmounts = 0;
	for (int i = ndirs - 1; i >= 0; i--)
		rmdir(dirs[i]);
	ndirs = 0;
}

/* ---- output ---- */

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	if (prefix)
		fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(NULL, fmt, ap);
	va_end(ap);
}

void fact(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("fact ", fmt, ap);
	va_end(ap);
}

void skip(const char *fmt, ...)
{
	va_list ap;

	if (getpid() != main_pid)
		_exit(0);
	va_start(ap, fmt);
	vline("skip ", fmt, ap);
	va_end(ap);
	cleanup();
	exit(0);
}

void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("error ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	fflush(stderr);
	if (getpid() != main_pid)
		_exit(2);
	cleanup();
	exit(2);
}

/* perms of the VMA containing addr, as /proc/PID/maps prints them */
static int vma_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long a = (unsigned long)(uintptr_t)addr;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char p[5];

		if (sscanf(line, "%lx-%lx %4s", &s, &e, p) == 3 && a >= s && a < e) {
			memcpy(perms, p, 5);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

void region_perms(const char *name, const void *start, size_t len, const char *perms)
{
	out("region %s 0x%lx 0x%lx %s", name, (unsigned long)(uintptr_t)start,
	    (unsigned long)(uintptr_t)start + len, perms);
}

void region(const char *name, const void *start, size_t len)
{
	char perms[5];

	if (vma_perms(start, perms))
		strcpy(perms, "----");
	region_perms(name, start, len, perms);
}

void page_range(const char *name, long first, long last, const char *words)
{
	if (first == last)
		out("page %s %ld %s", name, first, words);
	else
		out("page %s %ld-%ld %s", name, first, last, words);
}

void pages(const char *name, long n, const char *(*words)(long i, void *arg), void *arg)
{
	long first = 0;
	char cur[128];

	if (n <= 0)
		return;
	snprintf(cur, sizeof(cur), "%s", words(0, arg));
	for (long i = 1; i <= n; i++) {
		const char *w = i < n ? words(i, arg) : NULL;

		if (w && !strcmp(w, cur))
			continue;
		page_range(name, first, i - 1, cur);
		if (w) {
			snprintf(cur, sizeof(cur), "%s", w);
			first = i;
		}
	}
}

void pid2(pid_t pid)
{
	out("pid2 %d", (int)pid);
}

/* ---- processes ---- */

int run_cmd(const char *const argv[])
{
	pid_t p = fork();
	int st;

	if (p < 0)
		return -1;
	if (p == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t spawn(child_fn fn, void *arg)
{
	int pfd[2];
	pid_t p;
	char c;

	if (nchildren >= MAXC) {
		errno = EAGAIN;
		die("too many children");
	}
	if (pipe(pfd))
		die("pipe");
	fflush(stdout);
	p = fork();
	if (p < 0)
		die("fork");
	if (p == 0) {
		sigset_t all;

		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_IGN);
		fn(arg);
		if (write(pfd[1], "r", 1) != 1)
			_exit(2);
		close(pfd[1]);
		close(0);
		sigemptyset(&all);
		for (;;)
			sigsuspend(&all);
	}
	close(pfd[1]);
	children[nchildren++] = p;
	if (read(pfd[0], &c, 1) != 1) {
		errno = ECHILD;
		close(pfd[0]);
		die("child %d failed during setup", (int)p);
	}
	close(pfd[0]);
	return p;
}

/* ---- holding still ---- */

static volatile sig_atomic_t stop;
static volatile sig_atomic_t step_requested;

void (*scenario_step)(const char *name, char *result, size_t len);

static void on_step_signal(int sig)
{
	(void)sig;
	step_requested = 1;
}

/*
 * A step asked for by a scenario that has them (diff-steps): its name is in
 * /tmp/pgwalk-scenario-PID.step; the answer goes to .done, written whole
 * (renamed into place) so that a reader never sees half of it.
 */
static void run_step(void)
{
	char path[64], tmp[80], name[64] = "", result[200];
	FILE *f;

	step_requested = 0;
	if (!scenario_step)
		return;
	snprintf(path, sizeof(path), "/tmp/pgwalk-scenario-%d.step", (int)getpid());
	f = fopen(path, "r");
	if (f) {
		if (!fgets(name, sizeof(name), f))
			name[0] = 0;
		fclose(f);
	}
	name[strcspn(name, "\n")] = 0;
	scenario_step(name, result, sizeof(result));
	snprintf(path, sizeof(path), "/tmp/pgwalk-scenario-%d.done", (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s %s\n", name, result);
	fclose(f);
	rename(tmp, path);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void hold(void)
{
	char buf[256];

	out("ready");
	while (!stop) {
		ssize_t r = read(0, buf, sizeof(buf));

		if (step_requested)
			run_step();
		if (r == 0)
			break;
		if (r < 0 && errno != EINTR) {
			/* no usable stdin: wait for a signal */
			while (!stop) {
				pause();
				if (step_requested)
					run_step();
			}
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: pgwalk-scenario NAME | --list\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc != 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < NSC; i++)
			printf("%-14s %s; needs: %s\n", scenarios[i].name, scenarios[i].desc,
			       scenarios[i].needs);
		return 0;
	}
	main_pid = getpid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < NSC; i++) {
		if (strcmp(argv[1], scenarios[i].name))
			continue;
		out("scenario %s", scenarios[i].name);
		out("pid %d", (int)getpid());
		scenarios[i].run();
		if (scenario_step) {
			sa.sa_handler = on_step_signal;
			sigaction(SIGUSR1, &sa, NULL);
		}
		hold();
		cleanup();
		return 0;
	}
	fprintf(stderr, "pgwalk-scenario: unknown scenario '%s' (see --list)\n", argv[1]);
	return 2;
}
