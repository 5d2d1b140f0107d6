// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture of pgwalk-tests: the target process (pgwalk-target, spawned
 * or the one run.sh started), what /proc says independently of the
 * module, walk sessions on the debugfs file (as root, or from a child
 * without CAP_SYS_ADMIN), the info file, and child processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

char self_dir[PATH_MAX];

/* ------------------------------------------------------------------ */
/* the target */

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

int spawn_target(struct target *t, const char *big_mib)
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

int load_target(struct target *t, const char *file)
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

void end_target(struct target *t)
{
	if (!t->ours || !t->pid)
		return;
	close(t->in_fd);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
}

/* ------------------------------------------------------------------ */
/* /proc helpers */

int read_pagemap(pid_t pid, uint64_t addr, uint64_t n, uint64_t *pm)
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

long long vmstat(const char *key)
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
int booted_levels(void)
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

uint64_t expected_task_size(void)
{
	return booted_levels() == 5 ? (1ULL << 56) - PAGE : (1ULL << 47) - PAGE;
}

unsigned long read_tainted(void)
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

/* "no oops/warning taint": no D, W or L taint since @before */
int check_tainted(unsigned long before)
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
/* walking */

void walk_free(struct walk *w)
{
	free(w->buf);
	pgw_free(&w->s);
	free(w->u);
	free(w->l);
	memset(w, 0, sizeof(*w));
}

/* parse bytes already in w->buf */
int walk_parse(struct walk *w)
{
	char err[512];

	if (pgw_parse(w->buf, w->len, &w->s, err, sizeof(err)))
		return failf("stream rejected: %s", err);
	if (pgw_units(&w->s, 1, &w->u, &w->nu, &w->repeats) ||
	    pgw_leaves(w->u, w->nu, &w->l, &w->nl))
		return failf("out of memory");
	return 0;
}

int write_req(int fd, const char *req)
{
	ssize_t r = write(fd, req, strlen(req));

	if (r < 0)
		return -errno;
	if ((size_t)r != strlen(req))
		return -EIO;
	return 0;
}

/* read fd to EOF and parse */
int walk_read(int fd, size_t rdchunk, struct walk *w)
{
	int r;

	memset(w, 0, sizeof(*w));
	r = pgw_read_all(fd, rdchunk, &w->buf, &w->len);
	if (r)
		return failf("read failed after %zu bytes: %s", w->len, strerror(-r));
	return walk_parse(w);
}

int walk_req(const char *req, size_t rdchunk, struct walk *w)
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

int walk_pid(pid_t pid, const char *extra, struct walk *w)
{
	char req[256];

	snprintf(req, sizeof(req), "pid=%d%s%s", pid, extra ? " " : "", extra ? extra : "");
	return walk_req(req, 65536, w);
}

int info_get(const char *key, char *val, size_t vlen)
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

/* ------------------------------------------------------------------ */
/* child processes */

/* capset helpers */
int drop_cap(int cap)
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
int in_child(int (*fn)(int fd, void *arg), void *arg, uint8_t **out, size_t *outlen)
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

int write_all(int fd, const void *b, size_t n)
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
/* walks without CAP_SYS_ADMIN */

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
int walk_nosysadmin(pid_t pid, const char *tokens, int open_before, struct walk *w)
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

/* A walk by root, or (hidden) by a child without CAP_SYS_ADMIN. */
int walk_as(pid_t pid, const char *tokens, int hidden, struct walk *w)
{
	return hidden ? walk_nosysadmin(pid, tokens, 0, w) : walk_pid(pid, tokens, w);
}
