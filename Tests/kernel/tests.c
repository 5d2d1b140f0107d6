// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-tests: kernel tests of pgwalk.ko, run as root in a booted kernel
 * with the module loaded and debugfs mounted (see run.sh).
 *
 *   pgwalk-tests [--first N] main
 *       everything that needs the default buffer
 *   pgwalk-tests [--first N] save TARGET_FILE STREAM_FILE SEQ_FILE
 *       walk the big target run.sh started (its output in TARGET_FILE) and
 *       keep the stream in STREAM_FILE, and one with seq in SEQ_FILE, for
 *       "chunk" after a reload; the seq tests on its dense region
 *   pgwalk-tests [--first N] chunk TARGET_FILE STREAM_FILE SEQ_FILE
 *       with the module reloaded with buffer_kib=16
 *
 * Prints "ok N - name" / "not ok N - name: reason" and ends with
 * "N passed, N failed"; exits 1 on any failure.
 *
 * Expected values come from what pgwalk-target set up, /proc/PID/pagemap,
 * /proc/PID/smaps and /proc/vmstat, never from the module's own output.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "pgw_stream.h"
#include "smaps.h"

#define WALK_PATH "/sys/kernel/debug/pgwalk/walk"
#define INFO_PATH "/sys/kernel/debug/pgwalk/info"
#define PAGE 4096ULL
#define HPAGE (2ULL << 20)
/* x86-64 PTE bits */
#define X86_PFN_MASK 0x000ffffffffff000ULL
#define X86_AD_MASK 0x60ULL
#define X86_ACCESSED 0x20ULL
#define INFO_AD_MASK (PGWALK_INFO_ACCESSED | PGWALK_INFO_DIRTY)

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)

static int tnum, npass, nfail;
static char self_dir[PATH_MAX];
static char why[4096];

/* ------------------------------------------------------------------ */
/* reporting */

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* a test returns 0 (pass), -1 (fail, reason in why), 1 (skip, reason in why) */
static void report(const char *name, int r)
{
	tnum++;
	if (r == 0) {
		npass++;
		printf("ok %d - %s\n", tnum, name);
	} else if (r > 0) {
		npass++;
		printf("ok %d - %s # SKIP %s\n", tnum, name, why);
	} else {
		nfail++;
		printf("not ok %d - %s: %s\n", tnum, name, why);
	}
	fflush(stdout);
	why[0] = 0;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* the target */

struct target {
	pid_t pid;
	int in_fd;		/* its stdin, closing it ends it; -1 if not ours */
	int ours;
	uint64_t anon, zero, file, thp, big, high;
	unsigned anon_n, zero_n, file_n;
	uint64_t big_n;
	uint64_t pnone[2];	/* PROT_NONE, written upwards, downwards */
	uint64_t split[2];	/* adjacent VMAs: PROT_READ, MADV_DONTDUMP blocks */
	unsigned pnone_n, split_n, split_block;
	uint64_t drain_n;	/* pages the target wrote before those regions */
	char anon_bits[256], file_bits[256], file_path[256], high_bits[8];
	long thp_kb;		/* AnonHugePages the target saw, -1: no THP */
	char thp_none[256];
};

static int parse_target_line(struct target *t, char *line)
{
	unsigned long long a, b;
	long kb;
	char s1[256], s2[256];
	unsigned n;

	line[strcspn(line, "\n")] = 0;
	if (sscanf(line, "pid %d", &t->pid) == 1)
		return 0;
	if (sscanf(line, "anon %llx %u %255s", &a, &n, s1) == 3) {
		t->anon = a, t->anon_n = n;
		snprintf(t->anon_bits, sizeof(t->anon_bits), "%s", s1);
		return 0;
	}
	if (sscanf(line, "zero %llx %u", &a, &n) == 2) {
		t->zero = a, t->zero_n = n;
		return 0;
	}
	if (sscanf(line, "file %llx %u %255s %255s", &a, &n, s1, s2) == 4) {
		t->file = a, t->file_n = n;
		snprintf(t->file_bits, sizeof(t->file_bits), "%s", s1);
		snprintf(t->file_path, sizeof(t->file_path), "%s", s2);
		return 0;
	}
	if (!strncmp(line, "thp none", 8)) {
		t->thp_kb = -1;
		snprintf(t->thp_none, sizeof(t->thp_none), "%s", line + 8);
		return 0;
	}
	if (sscanf(line, "thp %llx %llu %ld", &a, &b, &kb) == 3) {
		t->thp = a, t->thp_kb = kb;
		return 0;
	}
	if (sscanf(line, "high %llx %u %7s", &a, &n, s1) == 3 && n == 4) {
		t->high = a;
		snprintf(t->high_bits, sizeof(t->high_bits), "%.7s", s1);
		return 0;
	}
	if (sscanf(line, "big %llx %llu", &a, &b) == 2) {
		t->big = a, t->big_n = b;
		return 0;
	}
	if (sscanf(line, "drain %llx %llu", &a, &b) == 2) {
		t->drain_n = b;
		return 0;
	}
	if (sscanf(line, "pnone %llx %u %255s", &a, &n, s1) == 3) {
		t->pnone[!strcmp(s1, "down")] = a, t->pnone_n = n;
		return 0;
	}
	if (sscanf(line, "split %llx %u %llu %255s", &a, &n, &b, s1) == 4) {
		t->split[!strcmp(s1, "dontdump")] = a, t->split_n = n;
		t->split_block = (unsigned)b;
		return 0;
	}
	return 0;
}

static int spawn_target(struct target *t, const char *big_mib)
{
	int in[2], out[2];
	char path[PATH_MAX + 32], line[512];
	FILE *f;
	int ready = 0;

	memset(t, 0, sizeof(*t));
	t->thp_kb = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return failf("pipe: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/pgwalk-target", self_dir);
	t->pid = fork();
	if (t->pid < 0)
		return failf("fork: %s", strerror(errno));
	if (!t->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (big_mib)
			execl(path, path, "--big", big_mib, (char *)NULL);
		else
			execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->in_fd = in[1];
	t->ours = 1;
	f = fdopen(out[0], "r");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ready", 5)) {
			ready = 1;
			break;
		}
		parse_target_line(t, line);
	}
	fclose(f);
	if (!ready) {
		waitpid(t->pid, NULL, 0);
		return failf("pgwalk-target (%s) did not become ready", path);
	}
	return 0;
}

static int load_target(struct target *t, const char *file)
{
	char line[512];
	FILE *f = fopen(file, "r");
	int ready = 0;

	memset(t, 0, sizeof(*t));
	t->thp_kb = -1;
	t->in_fd = -1;
	if (!f)
		return failf("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ready", 5))
			ready = 1;
		else
			parse_target_line(t, line);
	}
	fclose(f);
	if (!ready || !t->pid || kill(t->pid, 0))
		return failf("target in %s is not running", file);
	return 0;
}

static void end_target(struct target *t)
{
	if (!t->ours || !t->pid)
		return;
	close(t->in_fd);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
}

/* ------------------------------------------------------------------ */
/* /proc helpers */

static int read_pagemap(pid_t pid, uint64_t addr, uint64_t n, uint64_t *pm)
{
	char path[64];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return failf("%s: %s", path, strerror(errno));
	r = pread(fd, pm, n * 8, (off_t)(addr / PAGE * 8));
	close(fd);
	if (r != (ssize_t)(n * 8))
		return failf("%s: short read", path);
	return 0;
}

static long long vmstat(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ' ') {
			v = atoll(line + kl + 1);
			break;
		}
	fclose(f);
	return v;
}

/* independent of the module: does this kernel use 5-level paging? */
static int booted_levels(void)
{
	void *p = mmap((void *)(1ULL << 50), PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int five;

	if (p == MAP_FAILED)
		return 4;
	five = (uint64_t)p >= (1ULL << 47);
	munmap(p, PAGE);
	return five ? 5 : 4;
}

static uint64_t expected_task_size(void)
{
	return booted_levels() == 5 ? (1ULL << 56) - PAGE : (1ULL << 47) - PAGE;
}

/* ------------------------------------------------------------------ */
/* walking */

struct walk {
	uint8_t *buf;
	size_t len;
	struct pgw_stream s;
	struct pgw_unit *u;
	size_t nu, repeats;
	const struct pgw_unit **l;
	size_t nl;
};

static void walk_free(struct walk *w)
{
	free(w->buf);
	pgw_free(&w->s);
	free(w->u);
	free(w->l);
	memset(w, 0, sizeof(*w));
}

/* parse bytes already in w->buf */
static int walk_parse(struct walk *w)
{
	char err[512];

	if (pgw_parse(w->buf, w->len, &w->s, err, sizeof(err)))
		return failf("stream rejected: %s", err);
	if (pgw_units(&w->s, 1, &w->u, &w->nu, &w->repeats) ||
	    pgw_leaves(w->u, w->nu, &w->l, &w->nl))
		return failf("out of memory");
	return 0;
}

static int write_req(int fd, const char *req)
{
	ssize_t r = write(fd, req, strlen(req));

	if (r < 0)
		return -errno;
	if ((size_t)r != strlen(req))
		return -EIO;
	return 0;
}

/* read fd to EOF and parse */
static int walk_read(int fd, size_t rdchunk, struct walk *w)
{
	int r;

	memset(w, 0, sizeof(*w));
	r = pgw_read_all(fd, rdchunk, &w->buf, &w->len);
	if (r)
		return failf("read failed after %zu bytes: %s", w->len, strerror(-r));
	return walk_parse(w);
}

static int walk_req(const char *req, size_t rdchunk, struct walk *w)
{
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r;

	memset(w, 0, sizeof(*w));
	if (fd < 0)
		return failf("open %s: %s", WALK_PATH, strerror(errno));
	r = write_req(fd, req);
	if (r) {
		close(fd);
		return failf("write \"%s\": %s", req, strerror(-r));
	}
	r = walk_read(fd, rdchunk, w);
	close(fd);
	return r;
}

static int walk_pid(pid_t pid, const char *extra, struct walk *w)
{
	char req[256];

	snprintf(req, sizeof(req), "pid=%d%s%s", pid, extra ? " " : "", extra ? extra : "");
	return walk_req(req, 65536, w);
}

static const struct pgw_unit *find_vma(const struct walk *w, uint64_t start)
{
	for (size_t i = 0; i < w->nu; i++)
		if (w->u[i].kind == PGW_U_VMA && w->u[i].a == start)
			return &w->u[i];
	return NULL;
}

static const char *leaf_desc(const struct pgw_unit *u)
{
	static char b[200];

	if (!u)
		return "nothing";
	snprintf(b, sizeof(b), "%s level %d [0x%llx,0x%llx) raw 0x%llx info 0x%llx",
		 u->kind == PGW_U_PTE ? "PTE" : u->kind == PGW_U_PTE_NONE ? "PTE none" :
		 u->kind == PGW_U_HOLE ? "HOLE" : u->kind == PGW_U_ENTRY ? "ENTRY" : "HUGETLB",
		 u->level, (unsigned long long)u->a, (unsigned long long)u->b,
		 (unsigned long long)u->raw, (unsigned long long)u->info);
	return b;
}

static int is_none_leaf(const struct pgw_unit *u)
{
	return u && (u->kind == PGW_U_PTE_NONE || u->kind == PGW_U_HOLE ||
		     (u->kind == PGW_U_PTE && pgw_kind(u->info) == PGWALK_KIND_NONE));
}

/*
 * One present 4K page: a PTE, present, LEAF, USER, with the pagemap PFN
 * when visible, else payload 0 and no PFN bits in raw.
 */
static int check_present_pte(const struct walk *w, uint64_t va, uint64_t pm,
			     int visible, const char *what)
{
	const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);
	uint64_t pfn = pm & PM_PFN_MASK;

	if (!u || u->kind != PGW_U_PTE || pgw_kind(u->info) != PGWALK_KIND_PRESENT)
		return failf("%s page 0x%llx: expected a present PTE, stream has %s", what,
			     (unsigned long long)va, leaf_desc(u));
	if (!(u->info & PGWALK_INFO_LEAF) || !(u->info & PGWALK_INFO_USER))
		return failf("%s page 0x%llx: LEAF/USER missing in info 0x%llx", what,
			     (unsigned long long)va, (unsigned long long)u->info);
	if (visible) {
		if (!pfn)
			return failf("%s page 0x%llx: pagemap shows no PFN (not root?)", what,
				     (unsigned long long)va);
		if (pgw_payload(u->info) != pfn)
			return failf("%s page 0x%llx: PFN 0x%llx, pagemap says 0x%llx", what,
				     (unsigned long long)va,
				     (unsigned long long)pgw_payload(u->info),
				     (unsigned long long)pfn);
		if (((u->raw & X86_PFN_MASK) >> 12) != pfn)
			return failf("%s page 0x%llx: raw 0x%llx PFN bits != pagemap 0x%llx", what,
				     (unsigned long long)va, (unsigned long long)u->raw,
				     (unsigned long long)pfn);
	} else {
		if (pgw_payload(u->info) || (u->raw & X86_PFN_MASK))
			return failf("%s page 0x%llx: PFN hidden expected, raw 0x%llx info 0x%llx",
				     what, (unsigned long long)va, (unsigned long long)u->raw,
				     (unsigned long long)u->info);
	}
	return 0;
}

/*
 * Check the target's regions in a walk. pm_* come from root's pagemap
 * (taken before); visible: whether PFNs must be visible.
 * which: bit 0 anon, 1 zero, 2 file, 3 thp, 4 big.
 */
#define R_ANON 1
#define R_ZERO 2
#define R_FILE 4
#define R_THP 8
#define R_BIG 16
#define R_HIGH 32
#define R_SMALL (R_ANON | R_ZERO | R_FILE | R_THP | R_HIGH)

static int check_regions(const struct target *t, const struct walk *w, int visible,
			 unsigned which)
{
	uint64_t pm[512];
	const struct pgw_unit *v;

	if (w->s.pid != (uint32_t)t->pid)
		return failf("header pid %u, target %d", w->s.pid, t->pid);
	if (!!(w->s.flags & PGWALK_HDR_PFN_VISIBLE) != !!visible)
		return failf("header PFN_VISIBLE is %s, expected %s",
			     (w->s.flags & PGWALK_HDR_PFN_VISIBLE) ? "set" : "clear",
			     visible ? "set" : "clear");
	if (w->s.status != 0)
		return failf("END status %d", w->s.status);

	if (which & R_ANON) {
		if (read_pagemap(t->pid, t->anon, t->anon_n, pm))
			return -1;
		v = find_vma(w, t->anon);
		if (!v || v->b != t->anon + t->anon_n * PAGE)
			return failf("no VMA record [0x%llx,0x%llx) for the anon region",
				     (unsigned long long)t->anon,
				     (unsigned long long)(t->anon + t->anon_n * PAGE));
		if (v->rec->arg8 != PGWALK_BACKING_ANON ||
		    (v->rec->vma_flags & (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_EXEC |
					  PGWALK_VMA_SHARED | PGWALK_VMA_NOHUGEPAGE)) !=
			    (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_NOHUGEPAGE) ||
		    v->rec->arg16)
			return failf("anon VMA: backing %u flags 0x%x name len %u", v->rec->arg8,
				     v->rec->vma_flags, v->rec->arg16);
		for (unsigned i = 0; i < t->anon_n; i++) {
			uint64_t va = t->anon + i * PAGE;
			int touched = t->anon_bits[i] == '1';

			if (!!(pm[i] & PM_PRESENT) != touched)
				return failf("environment: pagemap of anon page %u disagrees with the target", i);
			if (touched) {
				const struct pgw_unit *u;

				if (check_present_pte(w, va, pm[i], visible, "anon"))
					return -1;
				u = pgw_leaf_at(w->l, w->nl, va);
				if (!(u->info & PGWALK_INFO_WRITE) || (u->info & PGWALK_INFO_ZERO_PAGE))
					return failf("anon page 0x%llx: written page info 0x%llx",
						     (unsigned long long)va,
						     (unsigned long long)u->info);
			} else {
				const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);

				if (!is_none_leaf(u))
					return failf("untouched anon page 0x%llx: stream has %s",
						     (unsigned long long)va, leaf_desc(u));
			}
		}
		/* nothing but a hole just around the region (the guards) */
		{
			const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, t->anon - PAGE);

			if (u && !(u->kind == PGW_U_HOLE && u->level == -1))
				return failf("guard page below anon: %s", leaf_desc(u));
		}
	}
	if (which & R_ZERO) {
		if (read_pagemap(t->pid, t->zero, t->zero_n, pm))
			return -1;
		for (unsigned i = 0; i < t->zero_n; i++) {
			uint64_t va = t->zero + i * PAGE;
			const struct pgw_unit *u;

			if (!(pm[i] & PM_PRESENT))
				return failf("environment: zero-page region page %u not present", i);
			if (check_present_pte(w, va, pm[i], visible, "zero-page"))
				return -1;
			u = pgw_leaf_at(w->l, w->nl, va);
			if (!(u->info & PGWALK_INFO_ZERO_PAGE) || (u->info & PGWALK_INFO_WRITE))
				return failf("zero-page page 0x%llx: info 0x%llx lacks ZERO_PAGE or has WRITE",
					     (unsigned long long)va, (unsigned long long)u->info);
		}
	}
	if (which & R_FILE) {
		struct stat st;

		if (read_pagemap(t->pid, t->file, t->file_n, pm))
			return -1;
		if (stat(t->file_path, &st))
			return failf("stat %s: %s", t->file_path, strerror(errno));
		v = find_vma(w, t->file);
		if (!v || v->b != t->file + t->file_n * PAGE)
			return failf("no VMA record for the file mapping");
		if (v->rec->arg8 != PGWALK_BACKING_FILE || v->rec->e != st.st_ino ||
		    v->rec->vma_dev != (major(st.st_dev) << 20 | minor(st.st_dev)) ||
		    v->rec->d != 0 || strcmp(v->rec->vma_name, t->file_path) ||
		    (v->rec->vma_flags & (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_SHARED)) !=
			    PGWALK_VMA_READ)
			return failf("file VMA: backing %u inode %llu (stat %llu) dev 0x%x (stat %u:%u) pgoff %llu name '%s' flags 0x%x",
				     v->rec->arg8, (unsigned long long)v->rec->e,
				     (unsigned long long)st.st_ino, v->rec->vma_dev,
				     major(st.st_dev), minor(st.st_dev),
				     (unsigned long long)v->rec->d, v->rec->vma_name,
				     v->rec->vma_flags);
		for (unsigned i = 0; i < t->file_n; i++) {
			uint64_t va = t->file + i * PAGE;

			if (t->file_bits[i] == '1' && !(pm[i] & PM_PRESENT))
				return failf("environment: read file page %u not present in pagemap", i);
			if (pm[i] & PM_PRESENT) {
				if (check_present_pte(w, va, pm[i], visible, "file"))
					return -1;
			} else {
				const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);

				if (!is_none_leaf(u))
					return failf("file page 0x%llx not in pagemap: stream has %s",
						     (unsigned long long)va, leaf_desc(u));
			}
		}
	}
	if ((which & R_THP) && t->thp_kb == 2048) {
		const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, t->thp);
		uint64_t pfn;

		if (read_pagemap(t->pid, t->thp, 512, pm))
			return -1;
		pfn = pm[0] & PM_PFN_MASK;
		if (!u || u->kind != PGW_U_ENTRY || u->level != PGWALK_LEVEL_PMD ||
		    u->a != t->thp || u->b != t->thp + HPAGE ||
		    pgw_kind(u->info) != PGWALK_KIND_PRESENT || !(u->info & PGWALK_INFO_LEAF) ||
		    u->action != PGWALK_ACTION_CONTINUE)
			return failf("THP 0x%llx: expected one PMD ENTRY leaf [0x%llx,0x%llx) CONTINUE, stream has %s action %u",
				     (unsigned long long)t->thp, (unsigned long long)t->thp,
				     (unsigned long long)(t->thp + HPAGE), leaf_desc(u),
				     u ? u->action : 0);
		for (unsigned i = 0; i < 512; i++) {
			const struct pgw_unit *x = pgw_leaf_at(w->l, w->nl, t->thp + i * PAGE);

			if (x != u)
				return failf("THP subpage %u: another leaf %s", i, leaf_desc(x));
			if (!(pm[i] & PM_PRESENT) || (visible && (pm[i] & PM_PFN_MASK) != pfn + i))
				return failf("environment: pagemap of THP subpage %u is 0x%llx, head PFN 0x%llx",
					     i, (unsigned long long)pm[i], (unsigned long long)pfn);
		}
		if (visible && pgw_payload(u->info) != pfn)
			return failf("THP leaf PFN 0x%llx, pagemap says 0x%llx",
				     (unsigned long long)pgw_payload(u->info),
				     (unsigned long long)pfn);
		if (!visible && (pgw_payload(u->info) || (u->raw & X86_PFN_MASK)))
			return failf("THP leaf: PFN not hidden: raw 0x%llx info 0x%llx",
				     (unsigned long long)u->raw, (unsigned long long)u->info);
		/* the PMD entry's own raw has the PSE bit (0x80) */
		if (!(u->raw & 0x80))
			return failf("THP leaf raw 0x%llx lacks _PAGE_PSE", (unsigned long long)u->raw);
		v = find_vma(w, t->thp);
		if (!v || !(v->rec->vma_flags & PGWALK_VMA_HUGEPAGE))
			return failf("THP VMA record missing or without HUGEPAGE");
	}
	if ((which & R_HIGH) && t->high) {
		/* 5-level only: a page above 47 bits, under its own pgd slot */
		int seen_pgd = 0;

		if (read_pagemap(t->pid, t->high, 4, pm))
			return -1;
		for (unsigned i = 0; i < 4; i++) {
			uint64_t va = t->high + i * PAGE;

			if (t->high_bits[i] == '1') {
				if (check_present_pte(w, va, pm[i], visible, "high"))
					return -1;
			} else if (!is_none_leaf(pgw_leaf_at(w->l, w->nl, va))) {
				return failf("untouched high page 0x%llx: %s", (unsigned long long)va,
					     leaf_desc(pgw_leaf_at(w->l, w->nl, va)));
			}
		}
		for (size_t i = 0; i < w->nu; i++) {
			const struct pgw_unit *u = &w->u[i];

			if (u->kind == PGW_U_ENTRY && u->level == 0 && u->a <= t->high &&
			    t->high < u->b) {
				if ((u->a >> 48) != (t->high >> 48) || u->action != PGWALK_ACTION_SUBTREE)
					return failf("pgd ENTRY for the high page: %s", leaf_desc(u));
				seen_pgd = 1;
			}
		}
		if (!seen_pgd)
			return failf("no pgd ENTRY covers the high page 0x%llx",
				     (unsigned long long)t->high);
	}
	if ((which & R_BIG) && t->big) {
		uint64_t *bpm = malloc(t->big_n * 8);
		int r = 0;

		if (!bpm || read_pagemap(t->pid, t->big, t->big_n, bpm)) {
			free(bpm);
			return -1;
		}
		for (uint64_t i = 0; i < t->big_n && !r; i++) {
			if (!(bpm[i] & PM_PRESENT))
				r = failf("environment: big page %llu not present", (unsigned long long)i);
			else
				r = check_present_pte(w, t->big + i * PAGE, bpm[i], visible, "big");
		}
		free(bpm);
		if (r)
			return r;
	}
	return 0;
}

/*
 * How compare_units() treats the accessed bit of two walks of an idle
 * target. x86 sets an entry's accessed bit (_PAGE_ACCESSED, bit 5; the
 * info word's ACCESSED) on any access through it, and the kernel clears it
 * whenever it ages memory, behind the target's back and while the target
 * sleeps: reclaim (folio_referenced), MGLRU's aging walks and look-around
 * (lru_gen, which also clears non-leaf PMDs' bit on x86), idle page
 * tracking, DAMON. Debian's 7.3 starts DAMON_STAT at boot
 * (CONFIG_DAMON_STAT_ENABLED_DEFAULT=y): its kdamond samples physical
 * memory and clears the bit of every PTE that maps a sampled frame
 * (damon_pa_mkold), so the entries of an idle target lose it one by one,
 * more every second (seen on 7.3.4: raw 0x...867 in one walk, 0x...847 in
 * the next). Any kernel may do the same under memory pressure or with
 * DAMON configured. Nothing but an access sets the bit again, and the
 * targets are idle.
 */
enum cmp_ad {
	CMP_EXACT,	/* every bit */
	CMP_NO_AD,	/* ignore accessed and dirty */
	CMP_AGED,	/* y walked after x: see compare_aged() */
};

/*
 * Compare two walks unit by unit (callback-level content). With CMP_AGED
 * a unit of y may differ from x's in one way only: the accessed bit, in
 * raw and info alike, set in x and clear in y; *lost counts those.
 * Returns 0 or -1 with why.
 */
static int compare_units(const struct walk *x, const struct walk *y, enum cmp_ad mode,
			 const char *what, size_t *lost)
{
	size_t n = x->nu < y->nu ? x->nu : y->nu;
	uint64_t im = ~0ULL, rm = ~0ULL;

	if (mode == CMP_NO_AD)
		im = ~INFO_AD_MASK, rm = ~X86_AD_MASK;
	else if (mode == CMP_AGED)
		im = ~(uint64_t)PGWALK_INFO_ACCESSED, rm = ~X86_ACCESSED;
	for (size_t i = 0; i < n; i++) {
		const struct pgw_unit *a = &x->u[i], *b = &y->u[i];
		int same = a->kind == b->kind && a->level == b->level && a->a == b->a &&
			   a->b == b->b && (a->raw & rm) == (b->raw & rm) &&
			   (a->info & im) == (b->info & im) && a->hmask == b->hmask &&
			   (a->kind != PGW_U_ENTRY || a->action == b->action);

		if (same && a->kind == PGW_U_VMA) {
			const struct pgw_rec *ra = a->rec, *rb = b->rec;

			same = ra->arg8 == rb->arg8 && ra->c == rb->c && ra->d == rb->d &&
			       ra->e == rb->e && ra->vma_dev == rb->vma_dev &&
			       ra->vma_flags == rb->vma_flags && !strcmp(ra->vma_name, rb->vma_name);
		}
		/* CMP_AGED: the bit lost, in raw and info together, or nothing */
		if (same && mode == CMP_AGED && (a->raw != b->raw || a->info != b->info)) {
			same = (a->raw ^ b->raw) == X86_ACCESSED && (a->raw & X86_ACCESSED) &&
			       (a->info ^ b->info) == PGWALK_INFO_ACCESSED &&
			       (a->info & PGWALK_INFO_ACCESSED);
			*lost += same;
		}
		if (!same) {
			char d1[200];

			snprintf(d1, sizeof(d1), "%s", a->kind == PGW_U_VMA ? "VMA" : leaf_desc(a));
			return failf("%s: unit %zu differs: kind %u [0x%llx,0x%llx) %s vs kind %u [0x%llx,0x%llx) %s",
				     what, i, a->kind, (unsigned long long)a->a,
				     (unsigned long long)a->b, d1, b->kind,
				     (unsigned long long)b->a, (unsigned long long)b->b,
				     b->kind == PGW_U_VMA ? "VMA" : leaf_desc(b));
		}
	}
	if (x->nu != y->nu)
		return failf("%s: %zu units vs %zu", what, x->nu, y->nu);
	return 0;
}

/* How to walk a target again: its pid, the request's other tokens, as root or not. */
struct rewalk {
	pid_t pid;
	const char *tokens;	/* NULL: the whole address space */
	int hidden;		/* by a child without CAP_SYS_ADMIN (PFNs hidden) */
};

static int walk_nosysadmin(pid_t pid, const char *tokens, int open_before, struct walk *w);

/*
 * y had @lost accessed bits fewer than the walk before it; z, walked after
 * y, must not have any of them again: the kernel's clearing stays, a
 * record that lost the bit wrongly does not.
 */
static int confirm_aged(const struct walk *y, const struct walk *z, const char *what,
			size_t lost, size_t *lost2)
{
	char what2[400];

	snprintf(what2, sizeof(what2), "%.300s (%zu accessed bits lost), then a third walk",
		 what, lost);
	return compare_units(y, z, CMP_AGED, what2, lost2);
}

/*
 * Two walks of an idle target, y after x, show the same records: every
 * unit the same, except that the kernel may have cleared accessed bits in
 * between (see enum cmp_ad). Such a bit is taken as cleared by the kernel
 * only if a third walk, @rw without seq, made after y, has it clear too
 * (confirm_aged()): a record of y that lost it wrongly (a PTE_SEQ folding
 * entries that differ in it, say) fails. A bit set in y but not in x fails
 * at once. A lost, repeated or wrong record fails as with an exact
 * comparison. The bits lost are added to *@lost_sum, or with @lost_sum
 * NULL noted.
 */
static int compare_aged(const struct walk *x, const struct walk *y, const char *what,
			const struct rewalk *rw, size_t *lost_sum)
{
	size_t lost = 0, lost2 = 0;
	struct walk z;
	char err[sizeof(why)];
	int r;

	if (compare_units(x, y, CMP_AGED, what, &lost))
		return -1;
	if (!lost)
		return 0;
	r = rw->hidden ? walk_nosysadmin(rw->pid, rw->tokens, 0, &z) :
			 walk_pid(rw->pid, rw->tokens, &z);
	if (r) {
		snprintf(err, sizeof(err), "%s", why);
		return failf("%s: a third walk, to confirm %zu lost accessed bits: %.3000s", what,
			     lost, err);
	}
	r = confirm_aged(y, &z, what, lost, &lost2);
	walk_free(&z);
	if (lost_sum)
		*lost_sum += lost;
	else if (!r)
		note("%s: %zu entries lost their accessed bit between the two walks, and it stays clear in a third (%zu more lost)",
		     what, lost, lost2);
	return r;
}

/* ------------------------------------------------------------------ */
/* child processes */

/* capset helpers */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	d[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &h, d))
		return -1;
	return prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
}

/*
 * Run fn in a child; it writes a result blob to fd. The parent collects
 * it in *out / *outlen and returns the child's exit status.
 */
static int in_child(int (*fn)(int fd, void *arg), void *arg, uint8_t **out, size_t *outlen)
{
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[0]);
		_exit(fn(p[1], arg));
	}
	close(p[1]);
	pgw_read_all(p[0], 65536, out, outlen);
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int write_all(int fd, const void *b, size_t n)
{
	const uint8_t *p = b;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* tests: header, regions */

static struct target T;		/* the main small target */
static struct walk W;		/* a full walk of it, root, no trace */
static int have_W;

static int t_header(void)
{
	struct utsname un;
	int lv = booted_levels();
	uint64_t ts = expected_task_size();
	const struct pgw_stream *s = &W.s;

	if (!have_W)
		return failf("the full walk failed: %s", why);
	uname(&un);
	if (s->levels != (uint32_t)lv)
		return failf("levels %u, the kernel uses %d", s->levels, lv);
	note("paging levels %d (from mmap above 47 bits), header %u, task_size 0x%llx, high page %s",
	     lv, s->levels, (unsigned long long)s->task_size, T.high ? "mapped" : "none");
	if (lv == 4) {
		static const uint32_t sh[5] = { 39, 39, 30, 21, 12 }, pt[5] = { 512, 1, 512, 512, 512 };

		for (int i = 0; i < 5; i++)
			if (s->shift[i] != sh[i] || s->ptrs[i] != pt[i])
				return failf("4-level geometry level %d: shift %u ptrs %u", i,
					     s->shift[i], s->ptrs[i]);
	} else {
		static const uint32_t sh[5] = { 48, 39, 30, 21, 12 };

		for (int i = 0; i < 5; i++)
			if (s->shift[i] != sh[i] || s->ptrs[i] != 512)
				return failf("5-level geometry level %d: shift %u ptrs %u", i,
					     s->shift[i], s->ptrs[i]);
	}
	if (s->task_size != ts || s->start != 0 || s->end != ts)
		return failf("start 0x%llx end 0x%llx task_size 0x%llx, expected [0, 0x%llx)",
			     (unsigned long long)s->start, (unsigned long long)s->end,
			     (unsigned long long)s->task_size, (unsigned long long)ts);
	if (strcmp(s->release, un.release))
		return failf("release '%s', uname '%s'", s->release, un.release);
	{
		unsigned maj, min, pat = 0;

		sscanf(un.release, "%u.%u.%u", &maj, &min, &pat);
		if ((s->kernel_version >> 16) != maj || ((s->kernel_version >> 8) & 0xff) != min)
			return failf("kernel_version 0x%x vs release %s", s->kernel_version, un.release);
	}
	if (s->flags & PGWALK_HDR_TRACE)
		return failf("TRACE flag without trace request");
	if (s->flags & PGWALK_HDR_SEQ)
		return failf("SEQ flag without seq request");
	if (!(s->flags & PGWALK_HDR_PFN_VISIBLE))
		return failf("PFN_VISIBLE clear for root");
	if (s->header_len != 160)
		note("header_len %u (version 1 says 160; larger is allowed)", s->header_len);
	if (s->chunks < 1 || s->walked_to != s->end)
		return failf("END chunks %u walked_to 0x%llx", s->chunks,
			     (unsigned long long)s->walked_to);
	if (s->n_trace)
		return failf("trace records without trace");
	return 0;
}

static int t_regions(unsigned which)
{
	if (!have_W)
		return failf("the full walk failed");
	if (which == R_THP && T.thp_kb != 2048) {
		snprintf(why, sizeof(why), "no THP in the target (AnonHugePages %ld kB%s)", T.thp_kb,
			 T.thp_none);
		return 1;
	}
	return check_regions(&T, &W, 1, which);
}

static int t_thp_not_split(void)
{
	long long split0 = vmstat("thp_split_pmd"), split1;
	long kb0, kb1;
	struct walk w2;
	int r;

	if (T.thp_kb != 2048) {
		snprintf(why, sizeof(why), "no THP in the target");
		return 1;
	}
	kb0 = smaps_anon_huge_kb(T.pid, T.thp);
	if (kb0 != 2048)
		return failf("AnonHugePages %ld kB after the first walk (target saw 2048)", kb0);
	if (walk_pid(T.pid, NULL, &w2))
		return -1;
	r = check_regions(&T, &w2, 1, R_THP);
	walk_free(&w2);
	if (r)
		return failf("second walk: %s", why);
	kb1 = smaps_anon_huge_kb(T.pid, T.thp);
	split1 = vmstat("thp_split_pmd");
	if (kb1 != 2048)
		return failf("AnonHugePages %ld kB after the second walk", kb1);
	if (split0 != split1)
		return failf("thp_split_pmd went from %lld to %lld during a walk", split0, split1);
	return 0;
}

/*
 * Two streams of the same request, y read after x, with the same bytes but
 * for accessed bits the kernel cleared in between (compare_aged()): every
 * 8-byte word (records are made of them) the same, or differing in the
 * accessed bit of a raw entry or of an info word only.
 */
static int same_bytes_aged(const struct walk *x, const struct walk *y, const char *what,
			   const struct rewalk *rw)
{
	if (x->len != y->len || x->len % 8)
		return failf("%s: %zu bytes, then %zu", what, x->len, y->len);
	if (!memcmp(x->buf, y->buf, x->len))
		return 0;
	for (size_t i = 0; i < x->len; i += 8) {
		uint64_t a, b;

		memcpy(&a, x->buf + i, 8);
		memcpy(&b, y->buf + i, 8);
		a = le64toh(a ^ b);
		if (a && a != X86_ACCESSED && a != PGWALK_INFO_ACCESSED)
			return failf("%s: byte %zu on differs (xor 0x%llx)", what, i,
				     (unsigned long long)a);
	}
	return compare_aged(x, y, what, rw, NULL);
}

/* a range request, and reads of odd sizes give the same bytes */
static int t_range_and_read_sizes(void)
{
	char req[200], rtok[100];
	struct walk a, b;
	uint64_t s = T.anon + 5 * PAGE, e = T.zero + T.zero_n * PAGE;
	const struct rewalk rw = { T.pid, rtok, 0 };
	int r = 0;

	snprintf(rtok, sizeof(rtok), "start=0x%llx end=%llu", (unsigned long long)s,
		 (unsigned long long)e);
	snprintf(req, sizeof(req), "pid=%d %s\n", T.pid, rtok);
	if (walk_req(req, 65536, &a))
		return -1;
	if (walk_req(req, 7, &b)) {
		walk_free(&a);
		return failf("7-byte reads: %s", why);
	}
	if (a.s.start != s || a.s.end != e)
		r = failf("header range [0x%llx,0x%llx), asked [0x%llx,0x%llx)",
			  (unsigned long long)a.s.start, (unsigned long long)a.s.end,
			  (unsigned long long)s, (unsigned long long)e);
	else if (same_bytes_aged(&a, &b, "64K reads, then 7-byte reads", &rw))
		r = -1;
	else {
		/* the anon pages from 5 on and the zero pages, nothing else present */
		struct target t2 = T;

		t2.anon += 5 * PAGE;
		t2.anon_n -= 5;
		memmove(t2.anon_bits, t2.anon_bits + 5, strlen(t2.anon_bits + 5) + 1);
		r = check_regions(&t2, &a, 1, R_ZERO);
		if (!r) {
			for (unsigned i = 0; i < t2.anon_n && !r; i++) {
				const struct pgw_unit *u = pgw_leaf_at(a.l, a.nl, t2.anon + i * PAGE);

				if ((t2.anon_bits[i] == '1') != (u && u->kind == PGW_U_PTE))
					r = failf("anon page %u: %s", i + 5, leaf_desc(u));
			}
			/* the VMA record has the whole VMA even though the range starts inside */
			const struct pgw_unit *v = find_vma(&a, T.anon);

			if (!r && (!v || v->b != T.anon + T.anon_n * PAGE))
				r = failf("partial range: VMA record not the whole VMA");
			for (size_t i = 0; i < a.nl && !r; i++)
				if (a.l[i]->a < s || a.l[i]->b > e)
					r = failf("leaf outside the range: %s", leaf_desc(a.l[i]));
		}
	}
	walk_free(&a);
	walk_free(&b);
	return r;
}

/* A copy of w's stream whose PTE_RUN element at va has raw ^ rx, info ^ ix. */
static int walk_flip(const struct walk *w, uint64_t va, uint64_t rx, uint64_t ix,
		     struct walk *out)
{
	const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);
	size_t off;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (!u || u->kind != PGW_U_PTE || u->rec->type != PGWALK_REC_PTE_RUN)
		return failf("no PTE_RUN element at 0x%llx", (unsigned long long)va);
	off = u->rec->off + 16 + 16 * ((va - u->rec->a) / PAGE);
	out->buf = malloc(w->len);
	if (!out->buf)
		return failf("out of memory");
	memcpy(out->buf, w->buf, w->len);
	out->len = w->len;
	memcpy(&v, out->buf + off, 8);
	v = htole64(le64toh(v) ^ rx);
	memcpy(out->buf + off, &v, 8);
	memcpy(&v, out->buf + off + 8, 8);
	v = htole64(le64toh(v) ^ ix);
	memcpy(out->buf + off + 8, &v, 8);
	if (walk_parse(out)) {
		walk_free(out);
		return -1;
	}
	return 0;
}

/*
 * compare_aged()'s rules on copies of one walk with an entry changed: an
 * accessed bit lost in the later walk passes only if the third walk has
 * it clear too; set again, lost in raw but not in info, or the dirty bit
 * changed fails.
 */
static int t_compare_aged(void)
{
	const uint64_t acc = PGWALK_INFO_ACCESSED, dirty = PGWALK_INFO_DIRTY;
	struct walk lost, half, dirt;
	char err[sizeof(why)];
	uint64_t va = 0;
	size_t n = 0;
	int r = 0;

	if (!have_W)
		return failf("no walk of the target");
	for (size_t i = 0; i < W.nl && !va; i++)
		if (W.l[i]->kind == PGW_U_PTE && W.l[i]->rec->type == PGWALK_REC_PTE_RUN &&
		    (W.l[i]->raw & X86_ACCESSED) && (W.l[i]->info & acc))
			va = W.l[i]->a;
	if (!va)
		return failf("environment: no PTE with the accessed bit in the target");
	if (walk_flip(&W, va, X86_ACCESSED, acc, &lost))
		return -1;
	if (walk_flip(&W, va, X86_ACCESSED, 0, &half)) {
		walk_free(&lost);
		return -1;
	}
	if (walk_flip(&W, va, X86_AD_MASK & ~X86_ACCESSED, dirty, &dirt)) {
		walk_free(&lost);
		walk_free(&half);
		return -1;
	}
	if (compare_units(&W, &lost, CMP_AGED, "lost", &n) || n != 1)
		r = failf("the accessed bit lost at 0x%llx: %.3000s (%zu counted)",
			  (unsigned long long)va, strcpy(err, why), n);
	else if (!confirm_aged(&lost, &W, "lost", 1, &n))
		r = failf("the accessed bit lost at 0x%llx, set in the third walk: passed",
			  (unsigned long long)va);
	else if (confirm_aged(&lost, &lost, "lost", 1, &n))
		r = failf("the accessed bit lost at 0x%llx, clear in the third walk: %.3000s",
			  (unsigned long long)va, strcpy(err, why));
	else if (!compare_units(&lost, &W, CMP_AGED, "set again", &n))
		r = failf("the accessed bit set at 0x%llx in the later walk: passed",
			  (unsigned long long)va);
	else if (!compare_units(&W, &half, CMP_AGED, "half", &n))
		r = failf("the accessed bit lost at 0x%llx in raw, kept in info: passed",
			  (unsigned long long)va);
	else if (!compare_units(&W, &dirt, CMP_AGED, "dirty", &n))
		r = failf("the dirty bit changed at 0x%llx: passed", (unsigned long long)va);
	walk_free(&lost);
	walk_free(&half);
	walk_free(&dirt);
	return r;
}

/* ------------------------------------------------------------------ */
/* errors */

/* after a failed write: read gives ENOMSG, then a correct request works */
static int still_usable(int fd)
{
	char buf[64], req[128];
	struct walk w;
	int r;

	if (read(fd, buf, sizeof(buf)) >= 0 || errno != ENOMSG)
		return failf("read after the failed request: %s (want ENOMSG: nothing walked)",
			     strerror(errno));
	snprintf(req, sizeof(req), "pid=%d start=0x%llx end=0x%llx", T.pid,
		 (unsigned long long)T.anon, (unsigned long long)(T.anon + T.anon_n * PAGE));
	r = write_req(fd, req);
	if (r)
		return failf("correct request after the failed one: %s", strerror(-r));
	if (walk_read(fd, 65536, &w))
		return failf("correct request after the failed one: %s", why);
	r = w.s.status ? failf("correct request after the failed one: END status %d", w.s.status) : 0;
	walk_free(&w);
	return r;
}

static int expect_errno(const char *req, size_t len, int want)
{
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r;
	ssize_t n;

	if (fd < 0)
		return failf("open: %s", strerror(errno));
	n = write(fd, req, len);
	if (n >= 0) {
		close(fd);
		return failf("write accepted (%zd), want %s", n, strerrorname_np(want));
	}
	if (errno != want) {
		int e = errno;

		close(fd);
		return failf("errno %s, want %s", strerrorname_np(e), strerrorname_np(want));
	}
	r = still_usable(fd);
	close(fd);
	return r;
}

static int expect_errno_s(const char *fmt, int want, ...)
	__attribute__((format(printf, 1, 3)));
static int expect_errno_s(const char *fmt, int want, ...)
{
	char req[600];
	va_list ap;

	va_start(ap, want);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	return expect_errno(req, strlen(req), want);
}

static void *volatile bad_ptr = (void *)8;

static void error_tests(void)
{
	char req[600];
	pid_t p;
	uint64_t ts = expected_task_size();
	int r;

	report("EINVAL: malformed request (garbage)", expect_errno_s("hello world", EINVAL));
	report("EINVAL: unknown key", expect_errno_s("pid=%d foo=1", EINVAL, T.pid));
	report("EINVAL: unknown bare token", expect_errno_s("pid=%d verbose", EINVAL, T.pid));
	report("EINVAL: duplicate key pid", expect_errno_s("pid=%d pid=%d", EINVAL, T.pid, T.pid));
	report("EINVAL: duplicate key start",
	       expect_errno_s("pid=%d start=0 start=0", EINVAL, T.pid));
	report("EINVAL: duplicate trace", expect_errno_s("pid=%d trace trace", EINVAL, T.pid));
	report("EINVAL: trace with a value", expect_errno_s("pid=%d trace=1", EINVAL, T.pid));
	report("EINVAL: duplicate seq", expect_errno_s("pid=%d seq seq", EINVAL, T.pid));
	report("EINVAL: duplicate seq, apart", expect_errno_s("seq pid=%d trace seq", EINVAL, T.pid));
	report("EINVAL: seq with a value", expect_errno_s("pid=%d seq=1", EINVAL, T.pid));
	report("EINVAL: missing pid", expect_errno_s("start=0 end=0x1000", EINVAL));
	report("EINVAL: only a newline", expect_errno_s("\n", EINVAL));
	report("EINVAL: pid=0", expect_errno_s("pid=0", EINVAL));
	report("EINVAL: non-numeric pid", expect_errno_s("pid=abc", EINVAL));
	report("EINVAL: pid with trailing junk", expect_errno_s("pid=%dx", EINVAL, T.pid));
	report("EINVAL: negative pid", expect_errno_s("pid=-1", EINVAL));
	report("EINVAL: empty pid value", expect_errno_s("pid=", EINVAL));
	report("EINVAL: hex pid", expect_errno_s("pid=0x%x", EINVAL, T.pid));
	report("EINVAL: non-numeric start", expect_errno_s("pid=%d start=0xzz", EINVAL, T.pid));
	report("EINVAL: start overflowing 64 bits",
	       expect_errno_s("pid=%d start=0x10000000000000000", EINVAL, T.pid));
	report("EINVAL: empty range start==end",
	       expect_errno_s("pid=%d start=0x%llx end=0x%llx", EINVAL, T.pid,
			      (unsigned long long)T.anon, (unsigned long long)T.anon));
	report("EINVAL: inverted range",
	       expect_errno_s("pid=%d start=0x%llx end=0x%llx", EINVAL, T.pid,
			      (unsigned long long)(T.anon + PAGE), (unsigned long long)T.anon));
	report("EINVAL: unaligned start",
	       expect_errno_s("pid=%d start=0x%llx", EINVAL, T.pid,
			      (unsigned long long)(T.anon + 8)));
	report("EINVAL: unaligned end",
	       expect_errno_s("pid=%d end=0x%llx", EINVAL, T.pid,
			      (unsigned long long)(T.anon + 8)));
	/* 257 bytes: a valid request padded with spaces */
	snprintf(req, sizeof(req), "pid=%d", T.pid);
	memset(req + strlen(req), ' ', sizeof(req) - strlen(req));
	report("E2BIG: 257-byte request", expect_errno(req, 257, E2BIG));
	{
		/* exactly 256 bytes is fine */
		int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
		struct walk w;

		r = 0;
		if (fd < 0)
			r = failf("open: %s", strerror(errno));
		else if (write(fd, req, 256) != 256)
			r = failf("256-byte request: %s", strerror(errno));
		else if (!walk_read(fd, 65536, &w)) {
			r = w.s.status ? failf("status %d", w.s.status) : 0;
			walk_free(&w);
		} else
			r = -1;
		if (fd >= 0)
			close(fd);
		report("256-byte request (the limit) is accepted", r);
	}
	{
		/* a pid above pid_max: no such process */
		report("ESRCH: pid that does not exist", expect_errno_s("pid=%d", ESRCH, 4194304 + 1000));
	}
	p = fork();
	if (!p)
		_exit(0);
	waitpid(p, NULL, 0);
	report("ESRCH: pid that has exited and was reaped", expect_errno_s("pid=%d", ESRCH, p));
	{
		/* exited, not reaped: a zombie has no mm */
		int pp[2];
		char c;

		if (pipe(pp))
			pp[0] = pp[1] = -1;
		p = fork();
		if (!p) {
			close(pp[0]);
			_exit(0);
		}
		close(pp[1]);
		while (read(pp[0], &c, 1) > 0)
			;
		close(pp[0]);
		usleep(100000);	/* let it finish exiting */
		report("ESRCH: zombie (exited, not reaped)", expect_errno_s("pid=%d", ESRCH, p));
		waitpid(p, NULL, 0);
	}
	{
		char comm[64] = "";
		FILE *f = fopen("/proc/2/comm", "r");

		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		if (strncmp(comm, "kthreadd", 8)) {
			snprintf(why, sizeof(why), "pid 2 is '%s', not kthreadd", comm);
			report("ENXIO: kernel thread (pid 2)", 1);
		} else {
			report("ENXIO: kernel thread (pid 2)", expect_errno_s("pid=2", ENXIO));
		}
	}
	report("ERANGE: end above the user limit",
	       expect_errno_s("pid=%d end=0x%llx", ERANGE, T.pid, (unsigned long long)(ts + PAGE)));
	report("ERANGE: end at 2^63",
	       expect_errno_s("pid=%d start=0x%llx end=0x8000000000000000", ERANGE, T.pid,
			      (unsigned long long)T.anon));
	{
		/* end == task_size exactly is fine */
		struct walk w;

		snprintf(req, sizeof(req), "pid=%d start=0x%llx end=0x%llx", T.pid,
			 (unsigned long long)(ts - HPAGE), (unsigned long long)ts);
		r = walk_req(req, 65536, &w);
		if (!r) {
			r = w.s.end != ts ? failf("end 0x%llx", (unsigned long long)w.s.end) : 0;
			walk_free(&w);
		}
		report("end equal to the user limit is accepted", r);
	}
	{
		/* EBUSY: a second request on the same fd; the first stream is intact */
		int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
		struct walk w;
		char ok[128];

		snprintf(ok, sizeof(ok), "pid=%d start=0x%llx end=0x%llx", T.pid,
			 (unsigned long long)T.anon, (unsigned long long)(T.anon + T.anon_n * PAGE));
		r = 0;
		if (fd < 0 || write_req(fd, ok))
			r = failf("first request failed: %s", strerror(errno));
		else if (write(fd, ok, strlen(ok)) >= 0 || errno != EBUSY)
			r = failf("second request: %s, want EBUSY", strerror(errno));
		else if (!walk_read(fd, 65536, &w)) {
			r = w.s.start != T.anon ? failf("stream after EBUSY is not the first request's")
						: 0;
			if (!r && write(fd, ok, strlen(ok)) >= 0)
				r = failf("request after EOF accepted (want EBUSY)");
			else if (!r && errno != EBUSY)
				r = failf("request after EOF: %s, want EBUSY", strerror(errno));
			walk_free(&w);
		} else
			r = -1;
		if (fd >= 0)
			close(fd);
		report("EBUSY: second request on the same fd", r);
	}
	{
		int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
		char b[16];

		r = 0;
		if (fd < 0)
			r = failf("open: %s", strerror(errno));
		else if (read(fd, b, sizeof(b)) >= 0 || errno != ENOMSG)
			r = failf("read before any request: %s, want ENOMSG", strerror(errno));
		else
			r = still_usable(fd);
		if (fd >= 0)
			close(fd);
		report("ENOMSG: read before any request", r);
	}
	{
		int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);

		r = 0;
		if (fd < 0)
			r = failf("open: %s", strerror(errno));
		else if (lseek(fd, 0, SEEK_SET) >= 0 || errno != ESPIPE)
			r = failf("lseek: %s, want ESPIPE", strerror(errno));
		if (fd >= 0)
			close(fd);
		report("ESPIPE: lseek", r);
	}
	{
		int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);

		r = 0;
		if (fd < 0)
			r = failf("open: %s", strerror(errno));
		else if (write(fd, bad_ptr, 16) >= 0 || errno != EFAULT)
			r = failf("write from a bad pointer: %s, want EFAULT", strerror(errno));
		else
			r = still_usable(fd);
		if (fd >= 0)
			close(fd);
		report("EFAULT: request from a bad buffer", r);
	}
}

/* ------------------------------------------------------------------ */
/* concurrency */

struct conc {
	pthread_barrier_t *bar;
	char req[128];
	struct walk w;
	int r;
	char why[512];
};

static void *conc_thread(void *arg)
{
	struct conc *c = arg;
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);

	c->r = -1;
	if (fd < 0 || write_req(fd, c->req)) {
		snprintf(c->why, sizeof(c->why), "open/write: %s", strerror(errno));
		pthread_barrier_wait(c->bar);
		return NULL;
	}
	pthread_barrier_wait(c->bar);
	memset(&c->w, 0, sizeof(c->w));
	if (pgw_read_all(fd, 4096, &c->w.buf, &c->w.len))
		snprintf(c->why, sizeof(c->why), "read: %s", strerror(errno));
	else
		c->r = 0;
	close(fd);
	return NULL;
}

static int conc_child(int fd, void *arg)
{
	struct walk w;
	const char *req = arg;

	if (walk_req(req, 4096, &w)) {
		write_all(fd, "E", 1);
		return 1;
	}
	write_all(fd, w.buf, w.len);
	return 0;
}

static int t_concurrent(int mode, unsigned which)
{
	char req[128];
	struct walk ref, w[2];
	int r = 0;

	snprintf(req, sizeof(req), "pid=%d", T.pid);
	if (walk_req(req, 65536, &ref))
		return -1;
	memset(w, 0, sizeof(w));
	if (mode == 0) {
		/* two fds, reads interleaved in 4 KiB pieces */
		int fd[2];
		uint8_t *b[2];
		size_t len[2] = { 0, 0 }, cap = 1 << 20;
		int done[2] = { 0, 0 };

		for (int i = 0; i < 2; i++) {
			fd[i] = open(WALK_PATH, O_RDWR | O_CLOEXEC);
			b[i] = malloc(cap);
			if (fd[i] < 0 || write_req(fd[i], req))
				return failf("open/write: %s", strerror(errno));
		}
		while (!done[0] || !done[1]) {
			for (int i = 0; i < 2; i++) {
				ssize_t n;

				if (done[i])
					continue;
				if (cap - len[i] < 4096) {
					b[0] = realloc(b[0], cap * 2);
					b[1] = realloc(b[1], cap * 2);
					cap *= 2;
				}
				n = read(fd[i], b[i] + len[i], 4096);
				if (n < 0)
					return failf("read fd %d: %s", i, strerror(errno));
				if (!n)
					done[i] = 1;
				len[i] += (size_t)n;
			}
		}
		for (int i = 0; i < 2; i++) {
			close(fd[i]);
			w[i].buf = b[i];
			w[i].len = len[i];
		}
	} else if (mode == 1) {
		pthread_t th[2];
		pthread_barrier_t bar;
		struct conc c[2];

		pthread_barrier_init(&bar, NULL, 2);
		for (int i = 0; i < 2; i++) {
			memset(&c[i], 0, sizeof(c[i]));
			c[i].bar = &bar;
			snprintf(c[i].req, sizeof(c[i].req), "%s", req);
			pthread_create(&th[i], NULL, conc_thread, &c[i]);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(th[i], NULL);
			if (c[i].r)
				return failf("thread %d: %s", i, c[i].why);
			w[i] = c[i].w;
		}
		pthread_barrier_destroy(&bar);
	} else {
		int p[2][2];
		pid_t pid[2];

		for (int i = 0; i < 2; i++) {
			if (pipe(p[i]))
				return failf("pipe");
			fflush(stdout);
			pid[i] = fork();
			if (!pid[i]) {
				close(p[i][0]);
				_exit(conc_child(p[i][1], req));
			}
			close(p[i][1]);
		}
		for (int i = 0; i < 2; i++) {
			pgw_read_all(p[i][0], 65536, &w[i].buf, &w[i].len);
			close(p[i][0]);
			waitpid(pid[i], NULL, 0);
		}
	}
	for (int i = 0; i < 2 && !r; i++) {
		if (walk_parse(&w[i]))
			r = failf("session %d: %s", i, why);
		else if (check_regions(&T, &w[i], 1, which))
			r = failf("session %d: %s", i, why);
		else if (compare_units(&ref, &w[i], CMP_NO_AD, "vs a lone session", NULL))
			r = -1;
	}
	walk_free(&ref);
	walk_free(&w[0]);
	walk_free(&w[1]);
	return r;
}

static int info_get(const char *key, char *val, size_t vlen);

static int t_sessions_count(void)
{
	char v[64];
	int fd[2];
	int r = 0;

	if (info_get("sessions", v, sizeof(v)))
		return -1;
	if (atoi(v) != 0)
		return failf("sessions %s with none open", v);
	fd[0] = open(WALK_PATH, O_RDWR | O_CLOEXEC);
	fd[1] = open(WALK_PATH, O_RDWR | O_CLOEXEC);
	if (info_get("sessions", v, sizeof(v)))
		r = -1;
	else if (atoi(v) != 2)
		r = failf("sessions %s with 2 open", v);
	close(fd[0]);
	close(fd[1]);
	if (!r && (info_get("sessions", v, sizeof(v)) || atoi(v) != 0))
		r = failf("sessions %s after closing", v);
	return r;
}

/* ------------------------------------------------------------------ */
/* trace */

static int check_trace(const struct walk *w)
{
	const struct pgw_stream *s = &w->s;
	int in_walk = 0, stopped = 0, stop_cb = -1, nwalks = 0, nstops = 0;
	uint64_t resume = s->start;
	const struct pgw_rec *vma = NULL;	/* open VMA (pre_vma done, no post_vma yet) */
	const struct pgw_rec *prev = NULL;

	if (!(s->flags & PGWALK_HDR_TRACE))
		return failf("TRACE flag clear");
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct pgw_rec *r = &s->recs[i];

		if (!in_walk && r->type != PGWALK_REC_WALK_BEGIN)
			return failf("%s at %zu outside WALK_BEGIN/WALK_END", pgw_type_name(r->type),
				     r->off);
		if (stopped && r->type != PGWALK_REC_WALK_END && r->type != PGWALK_REC_POST_VMA)
			return failf("%s at %zu after STOP", pgw_type_name(r->type), r->off);
		switch (r->type) {
		case PGWALK_REC_WALK_BEGIN:
			if (in_walk)
				return failf("nested WALK_BEGIN at %zu", r->off);
			if (r->a != resume || r->b != s->end)
				return failf("WALK_BEGIN [0x%llx,0x%llx), expected [0x%llx,0x%llx)",
					     (unsigned long long)r->a, (unsigned long long)r->b,
					     (unsigned long long)resume,
					     (unsigned long long)s->end);
			in_walk = 1;
			nwalks++;
			break;
		case PGWALK_REC_STOP:
			stopped = 1;
			stop_cb = r->arg8;
			resume = r->a;
			nstops++;
			break;
		case PGWALK_REC_WALK_END: {
			int64_t ret = (int64_t)r->a;

			if (vma)
				return failf("WALK_END at %zu with VMA 0x%llx not closed by POST_VMA",
					     r->off, (unsigned long long)vma->a);
			if (stopped) {
				int64_t want = stop_cb == PGWALK_CB_TEST_WALK ? -ENOBUFS : 1;

				if (ret != want)
					return failf("WALK_END ret %lld after STOP (callback %d), want %lld",
						     (long long)ret, stop_cb, (long long)want);
				if (prev && prev->type != PGWALK_REC_STOP &&
				    prev->type != PGWALK_REC_POST_VMA)
					return failf("WALK_END after STOP preceded by %s",
						     pgw_type_name(prev->type));
			} else {
				if (ret != 0)
					return failf("WALK_END ret %lld without STOP", (long long)ret);
				if (i + 1 != s->nrecs)
					return failf("a walk ended with 0 but records follow");
			}
			in_walk = stopped = 0;
			break;
		}
		case PGWALK_REC_TEST_WALK:
			if (vma)
				return failf("TEST_WALK at %zu inside VMA 0x%llx", r->off,
					     (unsigned long long)vma->a);
			if ((int64_t)r->c != 0 && (int64_t)r->c != 1)
				return failf("TEST_WALK ret %lld", (long long)r->c);
			break;
		case PGWALK_REC_VMA:
			if (vma)
				return failf("VMA at %zu inside VMA 0x%llx", r->off,
					     (unsigned long long)vma->a);
			if (r->vma_flags & PGWALK_VMA_NOT_WALKED) {
				const struct pgw_rec *n = i + 1 < s->nrecs ? &s->recs[i + 1] : NULL;

				if (!((prev && prev->type == PGWALK_REC_TEST_WALK && prev->c == 1) ||
				      (n && n->type == PGWALK_REC_TEST_WALK && n->c == 1)))
					return failf("NOT_WALKED VMA 0x%llx without TEST_WALK ret 1",
						     (unsigned long long)r->a);
				break;
			}
			if (!prev || prev->type != PGWALK_REC_TEST_WALK || prev->c != 0 ||
			    prev->a < r->a || prev->b > r->b)
				return failf("VMA 0x%llx-0x%llx not right after its TEST_WALK ret 0",
					     (unsigned long long)r->a, (unsigned long long)r->b);
			vma = r;
			break;
		case PGWALK_REC_POST_VMA:
			if (!vma || vma->a != r->a || vma->b != r->b)
				return failf("POST_VMA 0x%llx-0x%llx does not close the open VMA",
					     (unsigned long long)r->a, (unsigned long long)r->b);
			vma = NULL;
			break;
		case PGWALK_REC_HOLE:
			/* depth -1: outside VMAs, or a missing hugetlb entry */
			if ((int8_t)r->arg8 == -1 &&
			    (!vma || (vma->vma_flags & PGWALK_VMA_HUGETLB)))
				break;
			if ((int8_t)r->arg8 == -1)
				return failf("depth -1 HOLE 0x%llx inside VMA 0x%llx-0x%llx",
					     (unsigned long long)r->a, (unsigned long long)vma->a,
					     (unsigned long long)vma->b);
			/* fallthrough */
		case PGWALK_REC_ENTRY:
		case PGWALK_REC_PTE_RUN:
		case PGWALK_REC_PTE_SEQ:
		case PGWALK_REC_NONE_RUN:
		case PGWALK_REC_HUGETLB:
			if (!vma)
				return failf("%s 0x%llx outside any VMA", pgw_type_name(r->type),
					     (unsigned long long)r->a);
			if (r->a < vma->a || r->b > vma->b)
				return failf("%s 0x%llx-0x%llx outside its VMA 0x%llx-0x%llx",
					     pgw_type_name(r->type), (unsigned long long)r->a,
					     (unsigned long long)r->b, (unsigned long long)vma->a,
					     (unsigned long long)vma->b);
			break;
		}
		prev = r;
	}
	if (in_walk)
		return failf("stream ends inside a walk");
	if ((uint32_t)nwalks != s->chunks)
		return failf("%d WALK_BEGIN, END says %u chunks", nwalks, s->chunks);
	if (nstops != nwalks - 1)
		return failf("%d STOP for %d walks", nstops, nwalks);
	if (s->status)
		return failf("END status %d", s->status);
	return 0;
}

/* tokens: "trace", or "trace seq" for PTE_SEQ records in the trace */
static int t_trace(const struct target *t, unsigned which, int want_chunks,
		   const char *tokens)
{
	struct walk tr, plain;
	int r;

	if (walk_pid(t->pid, tokens, &tr))
		return -1;
	r = check_trace(&tr);
	if (!r && !!strstr(tokens, "seq") != !!(tr.s.flags & PGWALK_HDR_SEQ))
		r = failf("request \"%s\", header flags 0x%x", tokens, tr.s.flags);
	if (!r && want_chunks && tr.s.chunks < 2)
		r = failf("trace walk made %u chunks, expected > 1", tr.s.chunks);
	if (!r && check_regions(t, &tr, 1, which))
		r = failf("trace view: %s", why);
	if (!r && !walk_pid(t->pid, NULL, &plain)) {
		/* trace minus its trace records and resume repeats == the plain walk */
		if (compare_units(&plain, &tr, CMP_NO_AD, "trace vs plain", NULL))
			r = -1;
		walk_free(&plain);
	} else if (!r) {
		r = -1;
	}
	if (!r)
		note("%s: %zu records (%zu PTE_SEQ), %u chunks, %zu resume repeats", tokens,
		     tr.s.nrecs, tr.s.n_seq, tr.s.chunks, tr.repeats);
	walk_free(&tr);
	return r;
}

/* ------------------------------------------------------------------ */
/* security */

struct sec_arg {
	pid_t target;
	int fd;			/* an fd opened before, or -1 */
	const char *tokens;	/* more request tokens ("seq", a range), or NULL */
};

/* child: drop CAP_SYS_ADMIN, then walk (opening the file itself unless fd given) */
static int sec_nosysadmin(int out, void *varg)
{
	struct sec_arg *a = varg;
	char req[256];
	uint8_t *buf;
	size_t len;
	int fd = a->fd;

	if (drop_cap(CAP_SYS_ADMIN)) {
		dprintf(out, "Ecapset: %s", strerror(errno));
		return 1;
	}
	if (fd < 0)
		fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
	snprintf(req, sizeof(req), "pid=%d %s", a->target, a->tokens ? a->tokens : "");
	if (fd < 0 || write_req(fd, req)) {
		dprintf(out, "Eopen/write: %s", strerror(errno));
		return 1;
	}
	if (pgw_read_all(fd, 65536, &buf, &len)) {
		dprintf(out, "Eread: %s", strerror(errno));
		return 1;
	}
	write_all(out, buf, len);
	return 0;
}

/*
 * A walk of pid made by a child that drops CAP_SYS_ADMIN first; with
 * open_before the walk file is opened before the drop.
 */
static int walk_nosysadmin(pid_t pid, const char *tokens, int open_before, struct walk *w)
{
	struct sec_arg a = { pid, -1, tokens };
	int st, r;

	memset(w, 0, sizeof(*w));
	if (open_before) {
		a.fd = open(WALK_PATH, O_RDWR);
		if (a.fd < 0)
			return failf("open: %s", strerror(errno));
	}
	st = in_child(sec_nosysadmin, &a, &w->buf, &w->len);
	if (a.fd >= 0)
		close(a.fd);
	if (st) {
		r = failf("child failed (%d): %.*s", st, (int)(w->len > 200 ? 200 : w->len),
			  w->buf ? (char *)w->buf + 1 : "");
		free(w->buf);
		w->buf = NULL;
		return r;
	}
	if (walk_parse(w)) {
		walk_free(w);
		return -1;
	}
	return 0;
}

static int t_nosysadmin(int open_before)
{
	struct walk w;
	int r;

	if (walk_nosysadmin(T.pid, NULL, open_before, &w))
		return -1;
	/* opened without CAP_SYS_ADMIN: hidden; opened with it: visible */
	r = check_regions(&T, &w, open_before, R_SMALL);
	walk_free(&w);
	return r;
}

/* unprivileged: EACCES for root's target; its own child works */
static int sec_unpriv(int out, void *varg)
{
	struct sec_arg *a = varg;
	char req[128];
	int fd, pp[2], r;
	pid_t kid;
	volatile uint8_t *m;
	struct walk w;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		dprintf(out, "setuid: %s", strerror(errno));
		return 1;
	}
	fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		dprintf(out, "uid 65534 cannot open %s: %s (debugfs not reachable?)", WALK_PATH,
			strerror(errno));
		return 1;
	}
	snprintf(req, sizeof(req), "pid=%d", a->target);
	r = write_req(fd, req);
	if (r != -EACCES) {
		dprintf(out, "request for root's target: %s, want EACCES",
			r ? strerrorname_np(-r) : "accepted");
		return 1;
	}
	/* its own child: setuid made us non-dumpable; a fresh child of a
	 * dumpable parent is what a normal user has */
	prctl(PR_SET_DUMPABLE, 1);
	m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 1;
	m[2 * PAGE] = 1;
	if (pipe(pp))
		return 1;
	kid = fork();
	if (!kid) {
		char c;

		close(pp[1]);
		while (read(pp[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(pp[0]);
	/* the same fd: the EACCES request left it unused */
	snprintf(req, sizeof(req), "pid=%d start=0x%llx end=0x%llx", kid,
		 (unsigned long long)(uintptr_t)m, (unsigned long long)(uintptr_t)m + 4 * PAGE);
	r = write_req(fd, req);
	if (r) {
		dprintf(out, "request for its own child: %s", strerrorname_np(-r));
		return 1;
	}
	if (walk_read(fd, 65536, &w)) {
		dprintf(out, "own child: %s", why);
		return 1;
	}
	close(pp[1]);
	waitpid(kid, NULL, 0);
	if (w.s.flags & PGWALK_HDR_PFN_VISIBLE) {
		dprintf(out, "PFN_VISIBLE set for uid 65534");
		return 1;
	}
	for (int i = 0; i < 4; i++) {
		const struct pgw_unit *u = pgw_leaf_at(w.l, w.nl, (uintptr_t)m + i * PAGE);
		int present = u && u->kind == PGW_U_PTE && pgw_kind(u->info) == PGWALK_KIND_PRESENT;

		/* the child shares the parent's pages (COW): 0 and 2 present */
		if (present != (i == 0 || i == 2)) {
			dprintf(out, "own child page %d: %s", i, leaf_desc(u));
			return 1;
		}
		if (present && (pgw_payload(u->info) || (u->raw & X86_PFN_MASK))) {
			dprintf(out, "own child page %d: PFN not hidden", i);
			return 1;
		}
	}
	dprintf(out, "ok");
	return 0;
}

/* root opens, an unprivileged writer asks for root's target */
static int sec_unpriv_writer(int out, void *varg)
{
	struct sec_arg *a = varg;
	char req[64];
	int r;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		dprintf(out, "setuid: %s", strerror(errno));
		return 1;
	}
	snprintf(req, sizeof(req), "pid=%d", a->target);
	r = write_req(a->fd, req);
	dprintf(out, "%s", r ? strerrorname_np(-r) : "accepted");
	return 0;
}

/*
 * An fd opened by uid 65534 and handed to root, which writes a request for
 * root's target: FORMAT.md 2.3 checks the opener's credentials too, so the
 * request must fail with EACCES (else the unprivileged opener could read
 * the stream).
 */
#include <sys/socket.h>
static int t_unpriv_opener(void)
{
	int sv[2], fd = -1, r;
	pid_t pid;
	char req[64], cbuf[CMSG_SPACE(sizeof(int))], c = 0;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return failf("socketpair: %s", strerror(errno));
	pid = fork();
	if (!pid) {
		struct cmsghdr *cm;
		int wfd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(1);
		wfd = open(WALK_PATH, O_RDWR);
		if (wfd < 0)
			_exit(1);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &wfd, sizeof(int));
		_exit(sendmsg(sv[1], &mh, 0) == 1 ? 0 : 1);
	}
	/* the child's end only: recvmsg() sees EOF if the child exits first */
	close(sv[1]);
	if (recvmsg(sv[0], &mh, 0) == 1 && CMSG_FIRSTHDR(&mh))
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	waitpid(pid, NULL, 0);
	close(sv[0]);
	if (fd < 0)
		return failf("uid 65534 could not open and pass %s", WALK_PATH);
	snprintf(req, sizeof(req), "pid=%d", T.pid);
	r = write_req(fd, req);
	close(fd);
	if (r != -EACCES)
		return failf("fd opened by uid 65534, root writes a request for root's target: %s, want EACCES",
			     r ? strerrorname_np(-r) : "accepted");
	return 0;
}

static int t_unpriv(void)
{
	struct sec_arg a = { T.pid, -1, NULL };
	uint8_t *buf = NULL;
	size_t len = 0;
	int st, r = 0;

	st = in_child(sec_unpriv, &a, &buf, &len);
	if (st || len != 2 || memcmp(buf, "ok", 2))
		r = failf("%.*s", (int)len, buf ? (char *)buf : "");
	free(buf);
	return r;
}

static int t_unpriv_writer(void)
{
	struct sec_arg a = { T.pid, open(WALK_PATH, O_RDWR), NULL };
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = 0;

	if (a.fd < 0)
		return failf("open: %s", strerror(errno));
	in_child(sec_unpriv_writer, &a, &buf, &len);
	close(a.fd);
	if (len != 6 || memcmp(buf, "EACCES", 6))
		r = failf("root-opened fd, uid 65534 writes a request for root's target: %.*s, FORMAT.md 2.3 (writer's credentials) wants EACCES",
			  (int)len, buf ? (char *)buf : "");
	free(buf);
	return r;
}

/* ------------------------------------------------------------------ */
/* seq: PTE_SEQ records (FORMAT.md 5.10) */

/* A walk by root, or (hidden) by a child without CAP_SYS_ADMIN. */
static int walk_as(pid_t pid, const char *tokens, int hidden, struct walk *w)
{
	return hidden ? walk_nosysadmin(pid, tokens, 0, w) : walk_pid(pid, tokens, w);
}

/* The target walked without seq (@ptok) and then with it (@stok). */
static int walk_pair(const char *ptok, const char *stok, int hidden,
		     struct walk *plain, struct walk *seq)
{
	if (walk_as(T.pid, ptok, hidden, plain))
		return -1;
	if (walk_as(T.pid, stok, hidden, seq)) {
		walk_free(plain);
		return -1;
	}
	return 0;
}

/*
 * The steps 5.10 says the module writes: the same entry again, or the
 * next page frame. A hidden PFN cannot advance, so only the first then.
 */
static int seq_step_ok(uint64_t raw_step, uint64_t info_step, int visible)
{
	if (!raw_step && !info_step)
		return 1;
	return visible && raw_step == PAGE && info_step == 1ULL << PGWALK_INFO_PAYLOAD_SHIFT;
}

/* Do three consecutive pte_entry calls advance by a step the module folds? */
static int seq_uniform(const struct pgw_unit *a, const struct pgw_unit *b,
		       const struct pgw_unit *c, int visible)
{
	uint64_t dr = b->raw - a->raw, di = b->info - a->info;

	return c->raw - b->raw == dr && c->info - b->info == di &&
	       seq_step_ok(dr, di, visible);
}

struct seq_stats {
	size_t runs, nones, seqs;	/* PTE_RUN, NONE_RUN, PTE_SEQ records */
	uint64_t seq_elems;		/* pte_entry calls the PTE_SEQs stand for */
	unsigned max_n;			/* the longest PTE_SEQ */
};

static void seq_count(const struct walk *w, struct seq_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type == PGWALK_REC_PTE_RUN)
			st->runs++;
		else if (r->type == PGWALK_REC_NONE_RUN)
			st->nones++;
		if (r->type != PGWALK_REC_PTE_SEQ)
			continue;
		st->seqs++;
		st->seq_elems += r->arg16;
		if (r->arg16 > st->max_n)
			st->max_n = r->arg16;
	}
}

static size_t pte_recs(const struct seq_stats *st)
{
	return st->runs + st->nones + st->seqs;
}

/* Are two PTE units consecutive pte_entry calls of one PTE table? */
static int same_table_next(const struct pgw_unit *p, const struct pgw_unit *u, uint64_t pmd)
{
	return p->kind == PGW_U_PTE && u->kind == PGW_U_PTE && p->b == u->a && u->a % pmd;
}

/*
 * The PTE_SEQ records of w as 5.10 says the module writes them: three or
 * more elements with a step of seq_step_ok(). With complete (a stream
 * written in one fill, so no run was cut short for room), also nothing
 * left unfolded: no three uniform entries whose first two sit in one
 * PTE_RUN, and no PTE_SEQ that stops while the next entry goes on with
 * its step.
 */
static int check_seq_recs(const struct walk *w, int visible, int complete)
{
	uint64_t pmd = 1ULL << w->s.shift[3];

	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type != PGWALK_REC_PTE_SEQ)
			continue;
		if (r->arg16 < 3)
			return failf("PTE_SEQ at 0x%llx of %u elements (the module folds 3 or more)",
				     (unsigned long long)r->a, r->arg16);
		if (!seq_step_ok(r->e, r->f, visible))
			return failf("PTE_SEQ at 0x%llx x%u: steps (0x%llx, 0x%llx) with PFNs %s",
				     (unsigned long long)r->a, r->arg16, (unsigned long long)r->e,
				     (unsigned long long)r->f, visible ? "visible" : "hidden");
	}
	if (!complete)
		return 0;
	for (size_t i = 1; i < w->nu; i++) {
		const struct pgw_unit *u = &w->u[i], *p = u - 1;

		if (!same_table_next(p, u, pmd))
			continue;
		if (i >= 2 && p->rec->type == PGWALK_REC_PTE_RUN && p[-1].rec == p->rec &&
		    same_table_next(&p[-1], p, pmd) && seq_uniform(&p[-1], p, u, visible))
			return failf("PTE_RUN: three uniform entries from 0x%llx not folded (%s)",
				     (unsigned long long)p[-1].a, leaf_desc(u));
		if (p->rec->type == PGWALK_REC_PTE_SEQ && u->rec != p->rec &&
		    u->raw == p->raw + p->rec->e && u->info == p->info + p->rec->f)
			return failf("PTE_SEQ at 0x%llx x%u stops, the entry at 0x%llx goes on with its step",
				     (unsigned long long)p->rec->a, p->rec->arg16,
				     (unsigned long long)u->a);
	}
	return 0;
}

/* The trace records of two walks (5.8: the callback frame), one by one. */
static int compare_trace_recs(const struct walk *x, const struct walk *y, const char *what)
{
	size_t i = 0, j = 0;

	for (;; i++, j++) {
		const struct pgw_rec *a, *b;

		while (i < x->s.nrecs && x->s.recs[i].type < PGWALK_REC_WALK_BEGIN)
			i++;
		while (j < y->s.nrecs && y->s.recs[j].type < PGWALK_REC_WALK_BEGIN)
			j++;
		if (i == x->s.nrecs || j == y->s.nrecs)
			break;
		a = &x->s.recs[i];
		b = &y->s.recs[j];
		if (a->type != b->type || a->arg8 != b->arg8 || a->arg16 != b->arg16 ||
		    a->a != b->a || a->b != b->b || a->c != b->c)
			return failf("%s: trace record %s at %zu vs %s at %zu (0x%llx vs 0x%llx)",
				     what, pgw_type_name(a->type), a->off, pgw_type_name(b->type),
				     b->off, (unsigned long long)a->a, (unsigned long long)b->a);
	}
	if (i != x->s.nrecs || j != y->s.nrecs)
		return failf("%s: %zu vs %zu trace records", what, x->s.n_trace, y->s.n_trace);
	return 0;
}

/*
 * seq changes how pte_entry calls are written, nothing else: the quiet
 * target walked with and without it gives the same units, value for
 * value (and with trace the same trace records). Where PFNs are hidden
 * every run of like pages folds.
 */
static int t_seq_same(int hidden, int trace)
{
	const char *ptok = trace ? "trace" : NULL, *stok = trace ? "trace seq" : "seq";
	const struct rewalk rw = { T.pid, ptok, hidden };
	struct walk plain, seq;
	struct seq_stats st;
	int complete, r;

	if (walk_pair(ptok, stok, hidden, &plain, &seq))
		return -1;
	seq_count(&seq, &st);
	complete = plain.s.chunks == 1 && seq.s.chunks == 1;
	if (!(seq.s.flags & PGWALK_HDR_SEQ) || (plain.s.flags & PGWALK_HDR_SEQ))
		r = failf("SEQ flag: 0x%x with seq, 0x%x without", seq.s.flags, plain.s.flags);
	else if (!st.seqs)
		r = failf("no PTE_SEQ record, though the zero-page region is %u like entries",
			  T.zero_n);
	else if (compare_aged(&plain, &seq, "seq vs without", &rw, NULL))
		r = -1;
	else if (check_regions(&T, &seq, !hidden, R_SMALL))
		r = -1;
	else if (check_seq_recs(&seq, !hidden, complete))
		r = -1;
	else if (trace && (check_trace(&seq) || compare_trace_recs(&plain, &seq, "seq vs without")))
		r = -1;
	/* 5.10: longer by at most a record header for each PTE_RUN it cut */
	else if (complete && seq.len > plain.len + 16 * st.runs)
		r = failf("%zu bytes with seq, %zu without: more than 16 per PTE_RUN (%zu) longer",
			  seq.len, plain.len, st.runs);
	else
		r = 0;
	note("\"%s\"%s: %zu bytes (%zu without), %zu PTE_SEQ for %llu pages, n up to %u",
	     stok, hidden ? " without CAP_SYS_ADMIN" : "", seq.len, plain.len, st.seqs,
	     (unsigned long long)st.seq_elems, st.max_n);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/* The k-th of the n! orders of 0..n-1 (factorial number system). */
static void nth_order(unsigned k, unsigned n, unsigned *order)
{
	unsigned pool[8], f = 1;

	for (unsigned i = 0; i < n; i++) {
		pool[i] = i;
		f *= i ? i : 1;
	}
	/* f = (n-1)! */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = k / f;

		k %= f;
		order[i] = pool[j];
		memmove(pool + j, pool + j + 1, (n - 1 - i - j) * sizeof(*pool));
		if (n - 1 - i)
			f /= n - 1 - i;
	}
}

/*
 * One request with the tokens of mask (bit i: tok[i]) in one order:
 * accepted, flags and range as asked, the same units as ref.
 */
static int try_order(char tok[][64], unsigned mask, const unsigned *order, unsigned n,
		     const struct walk *ref, const struct rewalk *rw, size_t *lost)
{
	char req[256] = "";
	struct walk w;
	int trace = !!(mask & 1 << 3), r = 0;

	for (unsigned i = 0; i < n; i++)
		snprintf(req + strlen(req), sizeof(req) - strlen(req), "%s%s", i ? " " : "",
			 tok[order[i]]);
	if (walk_req(req, 65536, &w))
		return failf("\"%s\": %s", req, why);
	if (w.s.status || !(w.s.flags & PGWALK_HDR_SEQ) ||
	    !!(w.s.flags & PGWALK_HDR_TRACE) != trace || w.s.start != ref->s.start ||
	    w.s.end != ref->s.end)
		r = failf("\"%s\": status %d flags 0x%x range [0x%llx,0x%llx)", req, w.s.status,
			  w.s.flags, (unsigned long long)w.s.start, (unsigned long long)w.s.end);
	else if (trace && check_trace(&w))
		r = failf("\"%s\": %s", req, why);
	else if (compare_aged(ref, &w, req, rw, lost))
		r = -1;
	walk_free(&w);
	return r;
}

/*
 * seq with pid and any of start, end and trace, in every order: the
 * request is a set of tokens (FORMAT.md 2).
 */
static int t_seq_token_orders(void)
{
	char tok[5][64], req[256], rtok[130];
	uint64_t s = T.anon, e = T.zero + T.zero_n * PAGE;
	unsigned order[5], orders = 0;
	size_t lost = 0;
	int r = 0;

	/* bits 0 pid, 1 start, 2 end, 3 trace, 4 seq; pid and seq always */
	snprintf(tok[0], sizeof(tok[0]), "pid=%d", T.pid);
	snprintf(tok[1], sizeof(tok[1]), "start=0x%llx", (unsigned long long)s);
	snprintf(tok[2], sizeof(tok[2]), "end=%llu", (unsigned long long)e);
	snprintf(tok[3], sizeof(tok[3]), "trace");
	snprintf(tok[4], sizeof(tok[4]), "seq");
	for (unsigned opt = 0; opt < 8 && !r; opt++) {
		unsigned mask = 1 | opt << 1 | 1 << 4, idx[5], n = 0, fact = 1;
		struct rewalk rw = { T.pid, NULL, 0 };
		struct walk ref;

		/* the reference: the same range, neither trace nor seq */
		snprintf(rtok, sizeof(rtok), "%s%s%s", mask & 2 ? tok[1] : "",
			 (mask & 6) == 6 ? " " : "", mask & 4 ? tok[2] : "");
		if (rtok[0])
			rw.tokens = rtok;
		snprintf(req, sizeof(req), "%s%s%s", tok[0], rtok[0] ? " " : "", rtok);
		if (walk_req(req, 65536, &ref))
			return failf("\"%s\": %s", req, why);
		for (unsigned i = 0; i < 5; i++)
			if (mask & 1 << i)
				idx[n++] = i;
		for (unsigned i = 2; i <= n; i++)
			fact *= i;
		for (unsigned k = 0; k < fact && !r; k++) {
			unsigned perm[5];

			nth_order(k, n, perm);
			for (unsigned i = 0; i < n; i++)
				order[i] = idx[perm[i]];
			r = try_order(tok, mask, order, n, &ref, &rw, &lost);
			orders++;
		}
		walk_free(&ref);
	}
	if (!r)
		note("seq: %u token orders accepted; %zu accessed bits found lost against the reference walks (the kernel aging idle memory)",
		     orders, lost);
	return r;
}

/* Little-endian store into a stream copy. */
static void put_le(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

struct mutant {
	const char *what;
	struct { size_t off; unsigned width; uint64_t val; } set[2];	/* width 0: unused */
	const char *want;	/* in the decoder's message; NULL: must be accepted */
};

/* pgw_parse of w's bytes changed as m says: does it answer as m wants? */
static int try_mutant(const struct walk *w, const struct mutant *m)
{
	uint8_t *b = malloc(w->len);
	struct pgw_stream s;
	char err[512] = "";
	int bad, r = 0;

	if (!b)
		return failf("out of memory");
	memcpy(b, w->buf, w->len);
	for (int i = 0; i < 2; i++)
		if (m->set[i].width)
			put_le(b + m->set[i].off, m->set[i].width, m->set[i].val);
	bad = pgw_parse(b, w->len, &s, err, sizeof(err));
	if (!m->want && bad)
		r = failf("%s: rejected (%s), the format allows it", m->what, err);
	else if (m->want && !bad)
		r = failf("%s: accepted", m->what);
	else if (m->want && !strstr(err, m->want))
		r = failf("%s: rejected for another reason: %s (want '%s')", m->what, err, m->want);
	pgw_free(&s);
	free(b);
	return r;
}

/*
 * The decoder enforces 5.10 on a real PTE_SEQ: each mutant breaks one
 * rule and must be rejected for that rule.
 */
static int t_seq_decoder(void)
{
	struct walk w;
	const struct pgw_rec *q = NULL;
	uint64_t pmd_pages;
	size_t o;
	int r = 0;

	if (walk_pid(T.pid, "seq", &w))
		return -1;
	/* a PTE_SEQ that does not start a PTE table, so that it can cross one */
	pmd_pages = w.s.ptrs[4];
	for (size_t i = 0; i < w.s.nrecs && !q; i++)
		if (w.s.recs[i].type == PGWALK_REC_PTE_SEQ && w.s.recs[i].a / PAGE % pmd_pages)
			q = &w.s.recs[i];
	if (!q) {
		walk_free(&w);
		return failf("no PTE_SEQ off a PMD boundary in the target's walk");
	}
	o = q->off;
	{
		/* offsets: the header's flags at 12; the record's arg8 at +1, count +2,
		 * len +4, addr +8, raw +16, info +24, raw_step +32, info_step +40 */
		const struct mutant m[] = {
			{ "without the header's SEQ flag",
			  { { 12, 4, w.s.flags & ~PGWALK_HDR_SEQ } }, "without SEQ flag" },
			{ "len 56", { { o + 4, 4, 56 } }, "expected 48" },
			{ "arg8 3", { { o + 1, 1, 3 } }, "arg8 3" },
			{ "count 0", { { o + 2, 2, 0 } }, "count 0" },
			{ "count ptrs_per_pte + 1", { { o + 2, 2, w.s.ptrs[4] + 1 } }, "count" },
			{ "crossing its PMD",
			  { { o + 2, 2, pmd_pages - q->a / PAGE % pmd_pages + 1 } },
			  "crosses a PMD boundary" },
			{ "addr 0, below the previous coverage", { { o + 8, 8, 0 } },
			  "below the previous coverage" },
			{ "raw_step wrapping", { { o + 32, 8, 1ULL << 63 } }, "wrap" },
			{ "info_step wrapping", { { o + 40, 8, 1ULL << 63 } }, "wrap" },
			{ "first element none with raw 0", { { o + 16, 8, 0 }, { o + 24, 8, 0 } },
			  "none with raw 0" },
			{ "count 1 (the format sets no minimum)", { { o + 2, 2, 1 } }, NULL },
		};

		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]) && !r; i++)
			r = try_mutant(&w, &m[i]);
	}
	walk_free(&w);
	return r;
}

/* What seq should make of the big region (seq_expect()). */
struct seq_want {
	uint64_t bytes;		/* of its PTE_RUN and PTE_SEQ records */
	size_t recs, seqs;	/* PTE records, PTE_SEQ among them */
	unsigned max_n;		/* the longest PTE_SEQ */
	size_t frame_runs;	/* runs of consecutive frames in pagemap, per PTE table */
};

/*
 * The big region's records with seq, worked out from what the walker
 * reads and not from the module's output: its entries split where the
 * next one cannot be the next element of a PTE_SEQ (FORMAT.md 5.10) -- at
 * each PTE table, where pagemap's frame is not the one before plus one
 * (PFNs visible; hidden, the frame changes nothing), and where any other
 * bit of the entry changes. Every piece of three or more entries is one
 * PTE_SEQ of 48 bytes; the shorter ones between them share a PTE_RUN, 16
 * bytes and 16 per entry. How many pieces there are is the allocator's
 * doing: consecutive frames are not promised, each kernel hands them out
 * differently (6.12 and 7.3 give far shorter runs than 6.1), and the
 * test asks only that seq folds what is there. The frames come from
 * pagemap (@pm); the other bits, which pagemap does not show (the
 * accessed bit the kernel may clear, dirty, soft-dirty), from the
 * entries of the seq walk @w as decoded, which compare_aged() has
 * matched with a walk without seq.
 */
static int seq_expect(const struct walk *w, const uint64_t *pm, int visible,
		      struct seq_want *want)
{
	const uint64_t flags_raw = ~X86_PFN_MASK,
		       flags_info = (1ULL << PGWALK_INFO_PAYLOAD_SHIFT) - 1;
	const struct pgw_unit *prev = NULL;
	unsigned len = 0, in_run = 0;

	memset(want, 0, sizeof(*want));
	for (uint64_t i = 0; i <= T.big_n; i++) {
		uint64_t va = T.big + i * PAGE;
		const struct pgw_unit *u = NULL;
		int end = i == T.big_n, table = end || !(va % HPAGE), frame_on, go_on;

		frame_on = i && !end && (pm[i] & PM_PFN_MASK) == (pm[i - 1] & PM_PFN_MASK) + 1;
		if (!end) {
			u = pgw_leaf_at(w->l, w->nl, va);
			if (!u || u->kind != PGW_U_PTE)
				return failf("big page %llu: %s", (unsigned long long)i,
					     leaf_desc(u));
			want->frame_runs += table || !frame_on;
		}
		go_on = prev && !table && (frame_on || !visible) &&
			(prev->raw & flags_raw) == (u->raw & flags_raw) &&
			(prev->info & flags_info) == (u->info & flags_info);
		if (!go_on && len) {
			/* a piece of len entries ends before i */
			if (len >= 3) {
				want->bytes += 48, want->recs++, want->seqs++, in_run = 0;
				if (len > want->max_n)
					want->max_n = len;
			} else {
				if (!in_run)
					want->bytes += 16, want->recs++;
				want->bytes += 16 * len, in_run = 1;
			}
			len = 0;
		}
		if (table)
			in_run = 0;
		len++;
		prev = u;
	}
	return 0;
}

/*
 * The big region: every page freshly written, one VMA. With seq its
 * entries fold into as few PTE_SEQ records as the frames the allocator
 * handed out allow (seq_expect()): with PFNs visible one per run of
 * consecutive frames inside a PTE table, with PFNs hidden one per PTE
 * table as long as the entries' bits agree.
 */
static int t_seq_dense(int hidden)
{
	char ptok[128], stok[160];
	const struct rewalk rw = { T.pid, ptok, hidden };
	struct walk plain, seq;
	struct seq_stats ps, ss;
	struct seq_want want;
	uint64_t *pm, bytes = 0;
	int complete, r;

	if (!T.big)
		return failf("the target has no big region");
	pm = malloc(T.big_n * sizeof(*pm));
	if (!pm)
		return failf("out of memory");
	snprintf(ptok, sizeof(ptok), "start=0x%llx end=0x%llx", (unsigned long long)T.big,
		 (unsigned long long)(T.big + T.big_n * PAGE));
	snprintf(stok, sizeof(stok), "%s seq", ptok);
	if (walk_pair(ptok, stok, hidden, &plain, &seq)) {
		free(pm);
		return -1;
	}
	seq_count(&plain, &ps);
	seq_count(&seq, &ss);
	for (size_t i = 0; i < seq.s.nrecs; i++)
		if (seq.s.recs[i].type == PGWALK_REC_PTE_RUN ||
		    seq.s.recs[i].type == PGWALK_REC_PTE_SEQ)
			bytes += seq.s.recs[i].len;
	complete = seq.s.chunks == 1;
	if (read_pagemap(T.pid, T.big, T.big_n, pm))
		r = -1;
	else if (compare_aged(&plain, &seq, "big region, seq vs without", &rw, NULL))
		r = -1;
	else if (check_regions(&T, &seq, !hidden, R_BIG))
		r = -1;
	else if (check_seq_recs(&seq, !hidden, complete))
		r = -1;
	else if (seq_expect(&seq, pm, !hidden, &want))
		r = -1;
	else if (ss.nones)
		r = failf("%zu NONE_RUN records in a region of present pages", ss.nones);
	/* one fill: exactly what 5.10 makes of those pieces */
	else if (complete && (bytes != want.bytes || pte_recs(&ss) != want.recs ||
			      ss.seqs != want.seqs || ss.max_n != want.max_n))
		r = failf("%zu PTE records (%zu PTE_SEQ, n up to %u) of %llu bytes, want %zu (%zu, %u) of %llu",
			  pte_recs(&ss), ss.seqs, ss.max_n, (unsigned long long)bytes, want.recs,
			  want.seqs, want.max_n, (unsigned long long)want.bytes);
	/* a fill may stop inside a PTE table (FORMAT.md 7), cutting one record in two */
	else if (!complete && bytes > want.bytes + 48 * (seq.s.chunks - 1))
		r = failf("%llu bytes of PTE records in %u fills, want at most %llu + 48 per extra fill",
			  (unsigned long long)bytes, seq.s.chunks, (unsigned long long)want.bytes);
	else
		r = 0;
	note("big region, %llu pages, PFNs %s: %zu bytes, %zu PTE records without seq; %zu bytes, %zu PTE records with (%zu PTE_SEQ for %llu pages, n up to %u); pagemap: %zu runs of consecutive frames in PTE tables",
	     (unsigned long long)T.big_n, hidden ? "hidden" : "visible", plain.len,
	     pte_recs(&ps), seq.len, pte_recs(&ss), ss.seqs, (unsigned long long)ss.seq_elems,
	     ss.max_n, want.frame_runs);
	free(pm);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/*
 * The target's two regions of n pages at a and b, and what lies between
 * them, walked without seq (the tokens in ptok) and with it.
 */
static int walk_pair_regions(uint64_t a, uint64_t b, unsigned n, int hidden,
			     struct walk *plain, struct walk *seq, char ptok[128])
{
	uint64_t lo = a < b ? a : b, hi = (a > b ? a : b) + n * PAGE;
	char stok[160];

	snprintf(ptok, 128, "start=0x%llx end=0x%llx", (unsigned long long)lo,
		 (unsigned long long)hi);
	snprintf(stok, sizeof(stok), "%s seq", ptok);
	return walk_pair(ptok, stok, hidden, plain, seq);
}

/*
 * Every PTE_RUN, PTE_SEQ and NONE_RUN of w lies inside the VMA whose
 * record came last before it: the pte_entry calls of two VMAs never share
 * a record, not even where the second VMA's entries go on with the step
 * of the first one's.
 */
static int check_runs_in_vmas(const struct walk *w)
{
	const struct pgw_rec *vma = NULL;

	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type == PGWALK_REC_VMA)
			vma = r;
		else if ((r->type == PGWALK_REC_PTE_RUN || r->type == PGWALK_REC_PTE_SEQ ||
			  r->type == PGWALK_REC_NONE_RUN) &&
			 (!vma || r->a < vma->a || r->b > vma->b))
			return failf("%s [0x%llx,0x%llx) x%u is not inside its VMA [0x%llx,0x%llx)",
				     pgw_type_name(r->type), (unsigned long long)r->a,
				     (unsigned long long)r->b, r->arg16,
				     (unsigned long long)(vma ? vma->a : 0),
				     (unsigned long long)(vma ? vma->b : 0));
	}
	return 0;
}

/* How many of the n - 1 steps between the frames of pm go up, and down, by one. */
static void frame_steps(const uint64_t *pm, unsigned n, unsigned *up, unsigned *down)
{
	*up = *down = 0;
	for (unsigned i = 1; i < n; i++) {
		uint64_t a = pm[i - 1] & PM_PFN_MASK, b = pm[i] & PM_PFN_MASK;

		*up += b == a + 1;
		*down += b + 1 == a;
	}
}

/*
 * The PROT_NONE regions. x86-64 keeps a PROT_NONE entry's PFN inverted
 * (arch/x86/include/asm/pgtable-invert.h): where the frames ascend with
 * the address (the region written upwards) the raw values descend by a
 * page, and where they descend (written downwards) the raw values ascend
 * by a page while the PFN, the payload, descends. Neither is a step 5.10
 * folds with PFNs visible; with PFNs hidden both runs are like entries
 * that fold with steps (0,0). Whatever the module folds, or takes as the
 * next element of a PTE_SEQ without decoding it, seq must expand to the
 * plain walk's elements, and these to what pagemap says.
 */
static int t_seq_pnone(int hidden)
{
	uint64_t pm[2][512];
	struct walk plain, seq;
	struct seq_stats st;
	unsigned up[2], down[2], over = 0;
	char ptok[128];
	const struct rewalk rw = { T.pid, ptok, hidden };
	int r = 0;

	if (!T.pnone[0] || !T.pnone[1] || T.pnone_n > 512)
		return failf("the target has no PROT_NONE regions");
	for (int k = 0; k < 2; k++) {
		if (read_pagemap(T.pid, T.pnone[k], T.pnone_n, pm[k]))
			return -1;
		for (unsigned i = 0; i < T.pnone_n; i++)
			if (!(pm[k][i] & PM_PRESENT) || !(pm[k][i] & PM_PFN_MASK))
				return failf("environment: PROT_NONE page %u of region %d: pagemap 0x%llx",
					     i, k, (unsigned long long)pm[k][i]);
		frame_steps(pm[k], T.pnone_n, &up[k], &down[k]);
	}
	if (walk_pair_regions(T.pnone[0], T.pnone[1], T.pnone_n, hidden, &plain, &seq, ptok))
		return -1;
	seq_count(&seq, &st);
	if (compare_aged(&plain, &seq, "PROT_NONE regions, seq vs without", &rw, NULL))
		r = -1;
	for (int k = 0; k < 2 && !r; k++) {
		for (unsigned i = 0; i < T.pnone_n && !r; i++) {
			uint64_t va = T.pnone[k] + i * PAGE, pfn = pm[k][i] & PM_PFN_MASK;
			const struct pgw_unit *u = pgw_leaf_at(seq.l, seq.nl, va);

			if (!u || u->kind != PGW_U_PTE || pgw_kind(u->info) != PGWALK_KIND_PRESENT ||
			    !(u->info & PGWALK_INFO_LEAF))
				r = failf("PROT_NONE page 0x%llx: expected a present PTE, stream has %s",
					  (unsigned long long)va, leaf_desc(u));
			else if (!(u->info & PGWALK_INFO_PROTNONE) ||
				 (u->info & (PGWALK_INFO_WRITE | PGWALK_INFO_GLOBAL)))
				r = failf("PROT_NONE page 0x%llx: info 0x%llx lacks PROTNONE or has WRITE/GLOBAL",
					  (unsigned long long)va, (unsigned long long)u->info);
			else if (hidden && (pgw_payload(u->info) || (u->raw & X86_PFN_MASK)))
				r = failf("PROT_NONE page 0x%llx: PFN hidden expected, raw 0x%llx info 0x%llx",
					  (unsigned long long)va, (unsigned long long)u->raw,
					  (unsigned long long)u->info);
			else if (!hidden && pgw_payload(u->info) != pfn)
				r = failf("PROT_NONE page 0x%llx: PFN 0x%llx, pagemap says 0x%llx",
					  (unsigned long long)va,
					  (unsigned long long)pgw_payload(u->info),
					  (unsigned long long)pfn);
			/* the raw value holds the PFN inverted */
			else if (!hidden && (u->raw & X86_PFN_MASK) != (~pfn << 12 & X86_PFN_MASK))
				r = failf("PROT_NONE page 0x%llx: raw 0x%llx, PFN bits not pagemap's 0x%llx inverted",
					  (unsigned long long)va, (unsigned long long)u->raw,
					  (unsigned long long)pfn);
			if (r || u->rec->type != PGWALK_REC_PTE_SEQ || u->a != u->rec->a)
				continue;
			/* a PTE_SEQ starts here: a frame step only as far as the frames ascend */
			over++;
			if (u->rec->e || u->rec->f) {
				unsigned j = 1;

				while (j < u->rec->arg16 && i + j < T.pnone_n &&
				       (pm[k][i + j] & PM_PFN_MASK) == pfn + j)
					j++;
				if (j < u->rec->arg16)
					r = failf("PTE_SEQ at 0x%llx x%u over PROT_NONE pages with steps (0x%llx, 0x%llx): pagemap's frames ascend for %u pages only",
						  (unsigned long long)va, u->rec->arg16,
						  (unsigned long long)u->rec->e,
						  (unsigned long long)u->rec->f, j);
			}
		}
	}
	if (!r && check_seq_recs(&seq, !hidden, plain.s.chunks == 1 && seq.s.chunks == 1))
		r = -1;
	note("PROT_NONE, PFNs %s: frames up/down by one %u/%u (written upwards), %u/%u (downwards), of %u steps; %zu PTE_SEQ (%u over the regions) for %llu pages, %zu bytes (%zu without)",
	     hidden ? "hidden" : "visible", up[0], down[0], up[1], down[1], T.pnone_n - 1,
	     st.seqs, over, (unsigned long long)st.seq_elems, seq.len, plain.len);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/*
 * Adjacent VMAs of consecutive frames inside one PTE table: the blocks of
 * the split regions. In the PROT_READ one the entries of neighbouring
 * VMAs differ in their write bit; in the MADV_DONTDUMP one they differ in
 * nothing but the frame, so where the frames run on across a VMA boundary
 * the next VMA's first entry is exactly what a PTE_SEQ of the VMA before
 * would predict. A record must end at the VMA anyway, and seq must expand
 * to the plain walk's elements.
 */
static int t_seq_split(int hidden)
{
	uint64_t pm[2][512];
	struct walk plain, seq;
	struct seq_stats st;
	unsigned nb = T.split_block ? T.split_n / T.split_block : 0, cont[2] = { 0, 0 };
	unsigned same[2] = { 0, 0 };
	char ptok[128];
	const struct rewalk rw = { T.pid, ptok, hidden };
	int r = 0;

	if (!T.split[0] || !T.split[1] || !nb || T.split_n > 512 || T.split_n % T.split_block)
		return failf("the target has no split regions");
	for (int k = 0; k < 2; k++)
		if (read_pagemap(T.pid, T.split[k], T.split_n, pm[k]))
			return -1;
	if (walk_pair_regions(T.split[0], T.split[1], T.split_n, hidden, &plain, &seq, ptok))
		return -1;
	seq_count(&seq, &st);
	if (compare_aged(&plain, &seq, "split regions, seq vs without", &rw, NULL))
		r = -1;
	else if (check_runs_in_vmas(&seq) || check_runs_in_vmas(&plain))
		r = -1;
	for (int k = 0; k < 2 && !r; k++) {
		for (unsigned b = 0; b < nb && !r; b++) {
			uint64_t va = T.split[k] + b * T.split_block * PAGE;
			const struct pgw_unit *v = find_vma(&seq, va);
			uint32_t want = b % 2 ? (k ? PGWALK_VMA_WRITE | PGWALK_VMA_DONTDUMP : 0) :
						PGWALK_VMA_WRITE;

			if (!v || v->b != va + T.split_block * PAGE)
				r = failf("split region %d: no VMA record [0x%llx,0x%llx) for block %u",
					  k, (unsigned long long)va,
					  (unsigned long long)(va + T.split_block * PAGE), b);
			else if ((v->rec->vma_flags & (PGWALK_VMA_WRITE | PGWALK_VMA_DONTDUMP)) != want)
				r = failf("split region %d block %u: VMA flags 0x%x, want WRITE/DONTDUMP 0x%x",
					  k, b, v->rec->vma_flags, want);
			if (r || !b)
				continue;
			/* the boundary before block b, as the pte_entry calls saw it */
			{
				const struct pgw_unit *p = pgw_leaf_at(plain.l, plain.nl, va - PAGE);
				const struct pgw_unit *u = pgw_leaf_at(plain.l, plain.nl, va);
				uint64_t f = (pm[k][b * T.split_block] & PM_PFN_MASK) -
					     (pm[k][b * T.split_block - 1] & PM_PFN_MASK);

				cont[k] += f == 1;
				same[k] += f == 1 && p && u && u->raw - p->raw == (hidden ? 0 : PAGE) &&
					   u->info - p->info ==
						   (hidden ? 0 : 1ULL << PGWALK_INFO_PAYLOAD_SHIFT);
			}
		}
		for (unsigned i = 0; i < T.split_n && !r; i++) {
			if (!(pm[k][i] & PM_PRESENT))
				r = failf("environment: split region %d page %u not present", k, i);
			else
				r = check_present_pte(&seq, T.split[k] + i * PAGE, pm[k][i], !hidden,
						      "split");
		}
	}
	if (!r && check_seq_recs(&seq, !hidden, plain.s.chunks == 1 && seq.s.chunks == 1))
		r = -1;
	note("split regions, PFNs %s: %u VMAs each; frames run on across %u (PROT_READ) and %u (DONTDUMP) of %u VMA boundaries, entries with a PTE_SEQ step across %u and %u; %zu PTE_SEQ for %llu pages (the target wrote %llu pages before)",
	     hidden ? "hidden" : "visible", nb, cont[0], cont[1], nb - 1, same[0], same[1],
	     st.seqs, (unsigned long long)st.seq_elems, (unsigned long long)T.drain_n);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/* ------------------------------------------------------------------ */
/* target exits mid-walk */

static int t_exit_midwalk(const char *mib)
{
	struct target t;
	char req[64];
	uint8_t first[4096];
	ssize_t n;
	int fd, r;
	struct walk w;

	if (spawn_target(&t, mib))
		return -1;
	fd = open(WALK_PATH, O_RDWR | O_CLOEXEC);
	snprintf(req, sizeof(req), "pid=%d", t.pid);
	if (fd < 0 || write_req(fd, req)) {
		end_target(&t);
		return failf("open/write: %s", strerror(errno));
	}
	n = read(fd, first, sizeof(first));
	if (n <= 0) {
		end_target(&t);
		return failf("first read: %s", n ? strerror(errno) : "EOF");
	}
	kill(t.pid, SIGKILL);
	waitpid(t.pid, NULL, 0);
	unlink(t.file_path);
	close(t.in_fd);
	t.pid = 0;
	memset(&w, 0, sizeof(w));
	r = pgw_read_all(fd, 65536, &w.buf, &w.len);
	close(fd);
	if (r) {
		free(w.buf);
		return failf("read after the kill: %s", strerror(-r));
	}
	{
		uint8_t *all = malloc((size_t)n + w.len);

		memcpy(all, first, (size_t)n);
		memcpy(all + n, w.buf, w.len);
		free(w.buf);
		w.buf = all;
		w.len += (size_t)n;
	}
	if (walk_parse(&w))
		return -1;
	if (w.s.status == -ESRCH) {
		r = w.s.walked_to < w.s.end ? 0 : failf("-ESRCH but walked_to == end");
		note("exit mid-walk: END -ESRCH after %u chunks, walked_to 0x%llx, %zu bytes",
		     w.s.chunks, (unsigned long long)w.s.walked_to, w.len);
	} else if (w.s.status == 0) {
		note("exit mid-walk: the walk had already finished (status 0, %u chunks)",
		     w.s.chunks);
		r = 0;
	} else {
		r = failf("END status %d, want -ESRCH (or 0)", w.s.status);
	}
	walk_free(&w);
	return r;
}

/* ------------------------------------------------------------------ */
/* info */

static int info_get(const char *key, char *val, size_t vlen)
{
	char buf[8192], *line, *save = NULL;
	int fd = open(INFO_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t kl = strlen(key);

	if (fd < 0)
		return failf("open %s: %s", INFO_PATH, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return failf("read info: %s", strerror(errno));
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, kl) && line[kl] == ':' && line[kl + 1] == ' ') {
			snprintf(val, vlen, "%s", line + kl + 2);
			return 0;
		}
	return failf("info has no '%s: ' line", key);
}

static int t_info(uint32_t want_buffer)
{
	static const char *keys[] = {
		"module_version", "format_version", "request_tokens", "kernel_release",
		"kernel_version",
		"page_size", "paging_levels", "ptrs_per_pgd", "ptrs_per_p4d", "ptrs_per_pud",
		"ptrs_per_pmd", "ptrs_per_pte", "pgdir_shift", "p4d_shift", "pud_shift",
		"pmd_shift", "page_shift", "task_size_max", "walk_page_range",
		"ptrace_may_access", "walk_page_range_redirects",
		"ptrace_may_access_redirects", "stub_fallthroughs", "ibt", "buffer_size",
		"walk_lock", "sessions",
	};
	char v[256];
	struct utsname un;
	struct walk w;
	int lv = booted_levels(), r = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (info_get(keys[i], v, sizeof(v)))
			return -1;
	uname(&un);
	if (walk_pid(T.pid ? T.pid : getpid(), "start=0 end=0x200000", &w))
		return -1;
#define EXPECT(key, cond, fmt, ...) do { info_get(key, v, sizeof(v)); if (!(cond)) { \
	r = failf("info %s: '%s', expected " fmt, key, v, ##__VA_ARGS__); goto out; } } while (0)
	EXPECT("format_version", !strcmp(v, "1"), "1");
	EXPECT("request_tokens", !strcmp(v, "pid start end trace seq"), "pid start end trace seq");
	EXPECT("kernel_release", !strcmp(v, un.release), "%s", un.release);
	{
		unsigned a, b, c;

		EXPECT("kernel_version",
		       sscanf(v, "%u.%u.%u", &a, &b, &c) == 3 &&
			       w.s.kernel_version == (a << 16 | b << 8 | (c > 255 ? 255 : c)),
		       "header kernel_version 0x%x", w.s.kernel_version);
	}
	EXPECT("page_size", atol(v) == 4096, "4096");
	EXPECT("paging_levels", atoi(v) == lv && (uint32_t)lv == w.s.levels,
	       "%d (booted), header %u", lv, w.s.levels);
	{
		static const char *pk[5] = { "ptrs_per_pgd", "ptrs_per_p4d", "ptrs_per_pud",
					     "ptrs_per_pmd", "ptrs_per_pte" };
		static const char *sk[5] = { "pgdir_shift", "p4d_shift", "pud_shift", "pmd_shift",
					     "page_shift" };

		for (int i = 0; i < 5; i++) {
			EXPECT(pk[i], strtoul(v, NULL, 0) == w.s.ptrs[i], "header %u",
			       w.s.ptrs[i]);
			EXPECT(sk[i], strtoul(v, NULL, 0) == w.s.shift[i], "header %u",
			       w.s.shift[i]);
		}
	}
	EXPECT("task_size_max", strtoull(v, NULL, 0) == expected_task_size(), "0x%llx",
	       (unsigned long long)expected_task_size());
	EXPECT("walk_page_range", !strcmp(v, "exported") || !strcmp(v, "ftrace"),
	       "exported|ftrace");
	EXPECT("ptrace_may_access", !strcmp(v, "exported") || !strcmp(v, "ftrace"),
	       "exported|ftrace");
	EXPECT("walk_page_range_redirects", isdigit((unsigned char)v[0]), "a count");
	EXPECT("ptrace_may_access_redirects", isdigit((unsigned char)v[0]), "a count");
	EXPECT("stub_fallthroughs", !strcmp(v, "0"), "0");
	EXPECT("ibt", !strcmp(v, "on") || !strcmp(v, "off"), "on|off");
	EXPECT("buffer_size", strtoul(v, NULL, 0) == want_buffer && w.s.buffer_size == want_buffer,
	       "%u (header %u)", want_buffer, w.s.buffer_size);
	EXPECT("walk_lock",
	       (!strcmp(v, "yes") && (w.s.flags & PGWALK_HDR_WALK_LOCK)) ||
		       (!strcmp(v, "no") && !(w.s.flags & PGWALK_HDR_WALK_LOCK)),
	       "yes|no matching the header's WALK_LOCK (flags 0x%x)", w.s.flags);
	{
		/* walk_lock exists from 6.5 on */
		int want = (w.s.kernel_version >> 8) >= (6 << 8 | 5);

		EXPECT("walk_lock", !strcmp(v, want ? "yes" : "no"), "%s for %s",
		       want ? "yes" : "no", un.release);
	}
	EXPECT("module_version", v[0] && isdigit((unsigned char)v[0]), "a version");
#undef EXPECT
out:
	walk_free(&w);
	return r;
}

/* ------------------------------------------------------------------ */
/* the call path (kmod/README.md): walk_page_range() and ptrace_may_access()
 * are either exported or reached through a stub of the module that an
 * IPMODIFY ftrace_ops redirects; these tests prove which path is taken */

#define ENABLED_FUNCTIONS "/sys/kernel/tracing/enabled_functions"
#define BUFFER_KIB_PARAM "/sys/module/pgwalk/parameters/buffer_kib"

static const char *const callpath_fn[2] = { "walk_page_range", "ptrace_may_access" };

/* info's count KEY, or -1 (reason in why) */
static long long info_count(const char *key)
{
	char v[64], *end;
	long long n;

	if (info_get(key, v, sizeof(v)))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return failf("info %s: '%s' is not a count", key, v);
	return n;
}

/* 1 if info says FN is reached through ftrace, 0 if exported, -1 otherwise */
static int via_ftrace(const char *fn)
{
	char v[64];

	if (info_get(fn, v, sizeof(v)))
		return -1;
	if (!strcmp(v, "ftrace"))
		return 1;
	if (!strcmp(v, "exported"))
		return 0;
	return failf("info %s: '%s', expected ftrace|exported", fn, v);
}

/*
 * The enabled_functions line of pgwalk's stub for FN, copied to LINE: 0 if
 * found, 1 if the stub is not traced, -1 on error. A line reads
 * "pgwalk_call_FN [pgwalk] (COUNT) FLAGS\ttramp: ... (HANDLER) ->HANDLER".
 */
static int stub_line(const char *fn, char *line, size_t n)
{
	char prefix[128], *p, *nl;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = open(ENABLED_FUNCTIONS, O_RDONLY | O_CLOEXEC), r = 1;

	if (fd < 0)
		return failf("open %s: %s (tracefs mounted?)", ENABLED_FUNCTIONS, strerror(errno));
	if (pgw_read_all(fd, 65536, &buf, &len)) {
		close(fd);
		return failf("read %s: %s", ENABLED_FUNCTIONS, strerror(errno));
	}
	close(fd);
	snprintf(prefix, sizeof(prefix), "pgwalk_call_%s [pgwalk] ", fn);
	for (p = (char *)buf; p && p < (char *)buf + len; p = nl ? nl + 1 : NULL) {
		nl = memchr(p, '\n', (char *)buf + len - p);
		if (!strncmp(p, prefix, strlen(prefix))) {
			size_t l = nl ? (size_t)(nl - p) : (size_t)((char *)buf + len - p);

			snprintf(line, n, "%.*s", (int)l, p);
			r = 0;
			break;
		}
	}
	free(buf);
	return r;
}

static int t_stubs_traced(void)
{
	char line[1024];

	for (int i = 0; i < 2; i++) {
		const char *fn = callpath_fn[i];
		int ft = via_ftrace(fn), r;
		char *tab;

		if (ft < 0)
			return -1;
		r = stub_line(fn, line, sizeof(line));
		if (r < 0)
			return -1;
		if (!ft) {
			if (!r)
				return failf("%s is exported, yet its stub is traced: %s", fn, line);
			continue;
		}
		if (r)
			return failf("info says %s: ftrace, but %s lists no pgwalk_call_%s", fn,
				     ENABLED_FUNCTIONS, fn);
		/* one ops, IPMODIFY, pgwalk's handler */
		tab = strchr(line, '\t');
		if (!strstr(line, "] (1) ") || !tab)
			return failf("%s: not exactly one ftrace_ops: %s", fn, line);
		*tab = 0;
		if (!strstr(line, " I "))
			return failf("%s: no IPMODIFY (I) flag: %s", fn, line);
		*tab = '\t';
		if (!strstr(tab, "pgwalk_redirect_call+0x0/") || !strstr(tab, "[pgwalk]"))
			return failf("%s: the ops is not pgwalk's handler: %s", fn, line);
		note("%s", line);
	}
	return 0;
}

/* buffer_kib for sessions opened from now on; the old value in *old */
static int set_buffer_kib(unsigned kib, unsigned *old)
{
	char v[32];
	FILE *f = fopen(BUFFER_KIB_PARAM, "r+");
	int r = 0;

	if (!f)
		return failf("open %s: %s", BUFFER_KIB_PARAM, strerror(errno));
	if (old && (!fgets(v, sizeof(v), f) || sscanf(v, "%u", old) != 1))
		r = failf("read %s", BUFFER_KIB_PARAM);
	rewind(f);
	if (!r && (fprintf(f, "%u\n", kib) < 0 || fflush(f)))
		r = failf("write %u to %s: %s", kib, BUFFER_KIB_PARAM, strerror(errno));
	fclose(f);
	return r;
}

/*
 * One walk_page_range() call per chunk: with a 16 KiB buffer and trace the
 * walk takes several, and the END record says how many.
 */
static int t_walk_redirects(void)
{
	long long w0, w1, f0, f1, want;
	unsigned kib;
	struct walk w;
	int ft = via_ftrace("walk_page_range"), r = 0;

	if (ft < 0 || set_buffer_kib(16, &kib))
		return -1;
	w0 = info_count("walk_page_range_redirects");
	f0 = info_count("stub_fallthroughs");
	if (w0 < 0 || f0 < 0 || walk_pid(T.pid, "trace", &w)) {
		set_buffer_kib(kib, NULL);
		return -1;
	}
	set_buffer_kib(kib, NULL);
	w1 = info_count("walk_page_range_redirects");
	f1 = info_count("stub_fallthroughs");
	want = ft ? w.s.chunks : 0;
	if (w1 < 0 || f1 < 0)
		r = -1;
	else if (w.s.status)
		r = failf("END status %d", w.s.status);
	else if (w.s.chunks < 2)
		r = failf("%u chunk(s) with a 16 KiB buffer: want several", w.s.chunks);
	else if (w1 - w0 != want)
		r = failf("walk_page_range_redirects %lld -> %lld over a walk of %u chunks, want +%lld",
			  w0, w1, w.s.chunks, want);
	else if (f0 || f1)
		r = failf("stub_fallthroughs %lld -> %lld, want 0", f0, f1);
	else
		note("walk_page_range %s: %u chunks, walk_page_range_redirects %lld -> %lld",
		     ft ? "ftrace" : "exported", w.s.chunks, w0, w1);
	walk_free(&w);
	return r;
}

/*
 * pgwalk_may_read() checks the writer, then the opener: two calls for a
 * request granted, one for a writer denied, none for a kernel thread
 * (refused before the check).
 */
static int t_access_redirects(void)
{
	struct sec_arg a = { T.pid, -1, NULL };
	long long c[4], f0, f1, per;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct walk w;
	int ft = via_ftrace("ptrace_may_access"), fd, rk, r = 0;

	if (ft < 0)
		return -1;
	per = ft ? 1 : 0;
	f0 = info_count("stub_fallthroughs");
	c[0] = info_count("ptrace_may_access_redirects");
	if (f0 < 0 || c[0] < 0 || walk_pid(T.pid, NULL, &w))
		return -1;
	if (w.s.status)
		r = failf("END status %d", w.s.status);
	walk_free(&w);
	c[1] = info_count("ptrace_may_access_redirects");

	a.fd = open(WALK_PATH, O_RDWR);
	if (a.fd < 0)
		return failf("open: %s", strerror(errno));
	in_child(sec_unpriv_writer, &a, &buf, &len);
	close(a.fd);
	if (!r && (len != 6 || memcmp(buf, "EACCES", 6)))
		r = failf("uid 65534 writing for root's target: %.*s, want EACCES", (int)len,
			  buf ? (char *)buf : "");
	free(buf);
	c[2] = info_count("ptrace_may_access_redirects");

	fd = open(WALK_PATH, O_RDWR);
	if (fd < 0)
		return failf("open: %s", strerror(errno));
	rk = write_req(fd, "pid=2");
	close(fd);
	if (!r && rk != -ENXIO)
		r = failf("pid=2 (kthreadd): %s, want ENXIO", rk ? strerrorname_np(-rk) : "accepted");
	c[3] = info_count("ptrace_may_access_redirects");
	f1 = info_count("stub_fallthroughs");
	if (r)
		return r;
	if (c[1] < 0 || c[2] < 0 || c[3] < 0 || f1 < 0)
		return -1;
	if (c[1] - c[0] != 2 * per || c[2] - c[1] != per || c[3] != c[2])
		return failf("ptrace_may_access_redirects %lld -> %lld (granted) -> %lld (writer denied) -> %lld (kernel thread), want +%lld +%lld +0",
			     c[0], c[1], c[2], c[3], 2 * per, per);
	if (f0 || f1)
		return failf("stub_fallthroughs %lld -> %lld, want 0", f0, f1);
	note("ptrace_may_access %s: ptrace_may_access_redirects %lld -> %lld -> %lld -> %lld",
	     ft ? "ftrace" : "exported", c[0], c[1], c[2], c[3]);
	return 0;
}

static unsigned long read_tainted(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	unsigned long t = 0;

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

static int t_tainted(unsigned long before)
{
	unsigned long t = read_tainted();

	/* D (7): died/oops, W (9): warning, L (14): soft lockup */
	unsigned long bad = (1UL << 7) | (1UL << 9) | (1UL << 14);

	if ((t & bad) != (before & bad))
		return failf("kernel taint went 0x%lx -> 0x%lx (oops, warning or lockup: see dmesg)",
			     before, t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* phases */

static void phase_main(void)
{
	unsigned long taint0 = read_tainted();
	int r;

	r = spawn_target(&T, NULL);
	report("pgwalk-target starts", r);
	if (r)
		return;
	if (T.thp_kb != 2048)
		note("THP region: AnonHugePages %ld kB %s", T.thp_kb, T.thp_none);
	have_W = walk_pid(T.pid, NULL, &W) == 0;
	report("stream header: pid, range, levels and geometry as booted", t_header());
	report("anon 4K pages: present where written with pagemap PFNs, none where untouched",
	       t_regions(R_ANON));
	report("zero-page region: read-only anon pages map the zero page", t_regions(R_ZERO));
	report("private file mapping (tmpfs): present pages have pagemap PFNs, VMA names the file",
	       t_regions(R_FILE));
	report("THP region: one PMD ENTRY leaf, CONTINUE, PFN = pagemap, subpages = PFN + i",
	       t_regions(R_THP));
	report("THP is still a PMD leaf after walks (smaps, thp_split_pmd, second walk)",
	       t_thp_not_split());
	report("range request inside a VMA, and 7-byte reads give the same bytes",
	       t_range_and_read_sizes());
	report("comparing two walks: an accessed bit lost passes only if a third walk agrees; set again, half lost, or dirty changed fails",
	       t_compare_aged());
	error_tests();
	report("two sessions, two fds, interleaved reads == one session", t_concurrent(0, R_SMALL));
	report("two threads reading concurrently == one session", t_concurrent(1, R_SMALL));
	report("two processes reading concurrently == one session", t_concurrent(2, R_SMALL));
	report("info sessions counts open fds", t_sessions_count());
	report("trace: WALK_BEGIN/END frame each call, callbacks nested, same view as plain",
	       t_trace(&T, R_SMALL, 0, "trace"));
	report("no CAP_SYS_ADMIN at open: PFNs hidden, PFN_VISIBLE clear, presence right",
	       t_nosysadmin(0));
	report("opened with CAP_SYS_ADMIN, used after dropping it: PFNs visible (opener decides)",
	       t_nosysadmin(1));
	report("seq: same units as without seq, PTE_SEQ steps (0,0) or one frame (root, PFNs visible)",
	       t_seq_same(0, 0));
	report("seq without CAP_SYS_ADMIN: same units as without seq, PTE_SEQ steps (0,0)",
	       t_seq_same(1, 0));
	report("trace seq: same units and trace records as trace alone", t_seq_same(0, 1));
	report("seq with pid, start, end and trace in every order: accepted, same units",
	       t_seq_token_orders());
	report("decoder: PTE_SEQ breaking a rule of FORMAT.md 5.10 is rejected for that rule",
	       t_seq_decoder());
	report("seq, PROT_NONE (inverted PFNs, frames up and down): same units, PROTNONE, pagemap PFNs (PFNs visible)",
	       t_seq_pnone(0));
	report("seq, PROT_NONE (inverted PFNs, frames up and down): same units, PROTNONE (PFNs hidden)",
	       t_seq_pnone(1));
	report("seq, adjacent VMAs of consecutive frames in one PTE table: same units, no record spans a VMA (PFNs visible)",
	       t_seq_split(0));
	report("seq, adjacent VMAs of consecutive frames in one PTE table: same units, no record spans a VMA (PFNs hidden)",
	       t_seq_split(1));
	report("uid 65534: EACCES for a root target, its own child works with PFNs hidden",
	       t_unpriv());
	report("uid 65534 writing on a root-opened fd: EACCES for a root target",
	       t_unpriv_writer());
	report("uid 65534 opened, root writes: EACCES for a root target (opener's credentials)",
	       t_unpriv_opener());
	report("target killed mid-walk: END -ESRCH, clean stream", t_exit_midwalk("128"));
	report("info file: every key, consistent with the header and the kernel", t_info(262144));
	walk_free(&W);
	end_target(&T);
	report("no oops/warning taint", t_tainted(taint0));
}

/* tokens: NULL, or "seq" for the stream the chunked seq walk is held to */
static int save_stream(const char *tfile, const char *sfile, const char *tokens)
{
	struct walk w;
	int fd, r;

	if (load_target(&T, tfile))
		return -1;
	if (walk_pid(T.pid, tokens, &w))
		return -1;
	r = check_regions(&T, &w, 1, R_SMALL | R_BIG);
	if (!r && tokens && check_seq_recs(&w, 1, w.s.chunks == 1))
		r = -1;
	if (!r) {
		fd = open(sfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write_all(fd, w.buf, w.len) || close(fd))
			r = failf("%s: %s", sfile, strerror(errno));
	}
	if (!r)
		note("big target walk%s%s: %zu bytes, %zu records (%zu PTE_SEQ), %u chunks, buffer %u",
		     tokens ? " with " : "", tokens ? tokens : "", w.len, w.s.nrecs, w.s.n_seq,
		     w.s.chunks, w.s.buffer_size);
	walk_free(&w);
	return r;
}

/* sfile: what save_stream() kept, walked with the same tokens */
static int t_chunking(const char *sfile, const char *tokens)
{
	const struct rewalk rw = { T.pid, NULL, 0 };
	struct walk big, small;
	int r;

	memset(&big, 0, sizeof(big));
	if (pgw_read_all(open(sfile, O_RDONLY), 1 << 20, &big.buf, &big.len) || !big.len)
		return failf("%s: cannot read the saved stream", sfile);
	if (walk_parse(&big))
		return failf("saved stream: %s", why);
	if (walk_pid(T.pid, tokens, &small)) {
		walk_free(&big);
		return -1;
	}
	note("chunked walk%s%s: %zu bytes, %zu records (%zu PTE_SEQ), %u chunks (large buffer: %u chunks)",
	     tokens ? " with " : "", tokens ? tokens : "", small.len, small.s.nrecs,
	     small.s.n_seq, small.s.chunks, big.s.chunks);
	if ((big.s.flags ^ small.s.flags) & PGWALK_HDR_SEQ)
		r = failf("SEQ flag: saved 0x%x, chunked 0x%x", big.s.flags, small.s.flags);
	else if (small.s.buffer_size != 16384)
		r = failf("buffer_size %u, run.sh loaded buffer_kib=16", small.s.buffer_size);
	else if (small.s.chunks <= 1 || small.s.chunks <= big.s.chunks)
		r = failf("%u chunks with 16 KiB (%u with %u)", small.s.chunks, big.s.chunks,
			  big.s.buffer_size);
	else if (small.repeats)
		r = failf("%zu ENTRY/VMA records repeated at chunk boundaries", small.repeats);
	/* big was walked before the reload, small now */
	else if (compare_aged(&big, &small, "16 KiB vs large buffer", &rw, NULL))
		r = -1;
	else if (check_regions(&T, &small, 1, R_SMALL | R_BIG))
		r = -1;
	else if (check_seq_recs(&small, 1, 0))
		r = -1;
	else
		r = 0;
	walk_free(&big);
	walk_free(&small);
	return r;
}

static int t_small_units(void)
{
	/* a record never exceeds the buffer: every record fits in 16 KiB */
	struct walk w;
	int r = 0;

	if (walk_pid(T.pid, "trace", &w))
		return -1;
	for (size_t i = 0; i < w.s.nrecs; i++)
		if (w.s.recs[i].len > w.s.buffer_size)
			r = failf("record of %u bytes > buffer", w.s.recs[i].len);
	walk_free(&w);
	return r;
}

static void phase_save(const char *tfile, const char *sfile, const char *seqfile)
{
	report("big target walked with the default buffer, stream saved",
	       save_stream(tfile, sfile, NULL));
	report("big target walked with seq, stream saved", save_stream(tfile, seqfile, "seq"));
	report("seq, big region (PFNs visible): one PTE_SEQ per run of 3+ consecutive frames pagemap shows in a PTE table, bytes as those runs give, same units",
	       t_seq_dense(0));
	report("seq, big region (PFNs hidden): one PTE_SEQ per PTE table of like entries, bytes as they give, same units",
	       t_seq_dense(1));
}

static void phase_chunk(const char *tfile, const char *sfile, const char *seqfile)
{
	unsigned long taint0 = read_tainted();
	int r = load_target(&T, tfile);

	report("big target still running after the reload", r);
	if (r)
		return;
	report("chunked stream (16 KiB) == large-buffer stream: nothing lost or repeated",
	       t_chunking(sfile, NULL));
	report("chunked seq stream (16 KiB) == large-buffer seq stream: nothing lost or repeated",
	       t_chunking(seqfile, "seq"));
	report("trace, chunked: STOP then WALK_END ret 1 per chunk, resume at the STOP address",
	       t_trace(&T, R_SMALL | R_BIG, 1, "trace"));
	report("trace seq, chunked: STOP and resume as without seq, same view as plain",
	       t_trace(&T, R_SMALL | R_BIG, 1, "trace seq"));
	report("trace, chunked: every record fits the buffer", t_small_units());
	report("two fds, interleaved reads across chunk fills == one session",
	       t_concurrent(0, R_SMALL | R_BIG));
	report("two threads concurrently, chunked == one session", t_concurrent(1, R_SMALL | R_BIG));
	{
		struct target keep = T;

		/* the small-buffer exit test spawns its own target */
		report("target killed mid-walk (16 KiB): END -ESRCH, clean stream",
		       t_exit_midwalk("32"));
		T = keep;
	}
	report("info buffer_size 16384 and header agree", t_info(16384));
	report("no oops/warning taint", t_tainted(taint0));
}

static void phase_callpath(void)
{
	unsigned long taint0 = read_tainted();
	int r = spawn_target(&T, NULL);

	report("pgwalk-target starts", r);
	if (r)
		return;
	report("enabled_functions: the stub of each function info calls ftrace has one IPMODIFY ops, pgwalk's handler; an exported one's stub is not traced",
	       t_stubs_traced());
	report("walk_page_range_redirects grows by the END's chunks over a walk (16 KiB buffer), stub_fallthroughs stays 0",
	       t_walk_redirects());
	report("ptrace_may_access_redirects grows by 2 for a request (writer, opener), 1 for a writer denied, 0 for a kernel thread",
	       t_access_redirects());
	end_target(&T);
	report("no oops/warning taint", t_tainted(taint0));
}

/* debugging aid: pgwalk-tests dump FILE */
static int dump(const char *path)
{
	struct walk w;
	int fd = open(path, O_RDONLY);

	memset(&w, 0, sizeof(w));
	if (fd < 0 || pgw_read_all(fd, 65536, &w.buf, &w.len)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	close(fd);
	if (walk_parse(&w)) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("pid %u flags 0x%x levels %u range [0x%llx,0x%llx) task_size 0x%llx buffer %u release %s\n",
	       w.s.pid, w.s.flags, w.s.levels, (unsigned long long)w.s.start,
	       (unsigned long long)w.s.end, (unsigned long long)w.s.task_size, w.s.buffer_size,
	       w.s.release);
	for (size_t i = 0; i < w.s.nrecs; i++) {
		const struct pgw_rec *r = &w.s.recs[i];

		printf("%8zu %-10s arg8 %3d arg16 %4u a 0x%llx b 0x%llx c 0x%llx d 0x%llx e 0x%llx",
		       r->off, pgw_type_name(r->type), (int8_t)r->arg8, r->arg16,
		       (unsigned long long)r->a, (unsigned long long)r->b,
		       (unsigned long long)r->c, (unsigned long long)r->d,
		       (unsigned long long)r->e);
		if (r->type == PGWALK_REC_PTE_SEQ)
			printf(" f 0x%llx", (unsigned long long)r->f);
		printf("%s%s\n", r->type == PGWALK_REC_VMA ? " " : "",
		       r->type == PGWALK_REC_VMA ? r->vma_name : "");
	}
	printf("END status %d chunks %u walked_to 0x%llx stream_bytes %llu records %llu\n",
	       w.s.status, w.s.chunks, (unsigned long long)w.s.walked_to,
	       (unsigned long long)w.s.stream_bytes, (unsigned long long)w.s.records);
	walk_free(&w);
	return 0;
}

/* a stream produced by the shell session of FORMAT.md 1.2 */
static int t_file(const char *path, pid_t pid)
{
	struct walk w;
	int fd = open(path, O_RDONLY), r;

	memset(&w, 0, sizeof(w));
	if (fd < 0)
		return failf("%s: %s", path, strerror(errno));
	r = pgw_read_all(fd, 65536, &w.buf, &w.len);
	close(fd);
	if (r || walk_parse(&w))
		return -1;
	if (w.s.pid != (uint32_t)pid || w.s.status || w.s.start ||
	    w.s.end != expected_task_size() || !w.nu)
		r = failf("pid %u (want %d) status %d range [0x%llx,0x%llx) %zu units", w.s.pid, pid,
			  w.s.status, (unsigned long long)w.s.start,
			  (unsigned long long)w.s.end, w.nu);
	walk_free(&w);
	return r;
}

int main(int argc, char **argv)
{
	const char *phase;
	int i = 1;
	char *slash;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!realpath("/proc/self/exe", self_dir))
		strcpy(self_dir, ".");
	slash = strrchr(self_dir, '/');
	if (slash)
		*slash = 0;
	if (i + 1 < argc && !strcmp(argv[i], "--first")) {
		tnum = atoi(argv[i + 1]) - 1;
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: pgwalk-tests [--first N] main | save TFILE SFILE SEQFILE | chunk TFILE SFILE SEQFILE | callpath | file STREAM PID | dump STREAM\n");
		return 2;
	}
	phase = argv[i];
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(phase, "dump") && i + 1 < argc)
		return dump(argv[i + 1]);
	if (access(WALK_PATH, F_OK)) {
		tnum++;
		nfail++;
		printf("not ok %d - %s exists: %s (module loaded? debugfs mounted?)\n", tnum,
		       WALK_PATH, strerror(errno));
	} else if (!strcmp(phase, "main")) {
		phase_main();
	} else if (!strcmp(phase, "save") && i + 3 < argc) {
		phase_save(argv[i + 1], argv[i + 2], argv[i + 3]);
	} else if (!strcmp(phase, "file") && i + 2 < argc) {
		report("shell session (echo \"pid=N\" >&3; cat <&3): a valid stream",
		       t_file(argv[i + 1], atoi(argv[i + 2])));
	} else if (!strcmp(phase, "chunk") && i + 3 < argc) {
		phase_chunk(argv[i + 1], argv[i + 2], argv[i + 3]);
	} else if (!strcmp(phase, "callpath")) {
		phase_callpath();
	} else {
		fprintf(stderr, "pgwalk-tests: bad arguments\n");
		return 2;
	}
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
