// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-fuzz: hostile requests against debugfs pgwalk/walk, and the module
 * lifecycle tests, run as root in the booted guest (Tests/reliability/run.sh).
 *
 *   pgwalk-fuzz fuzz [--requests N] [--threads T] [--doc FORMAT.md]
 *                    [--slab-bound OBJS]
 *   pgwalk-fuzz walk N          N sessions, one after another, each END 0
 *   pgwalk-fuzz rmmod-busy      delete_module refused while a session is open
 *   pgwalk-fuzz read-close N    N reads racing a close of their fd
 *   pgwalk-fuzz outlive N       N sessions whose target exits mid-session
 *   pgwalk-fuzz param           buffer_kib changed mid-session
 *   pgwalk-fuzz concurrent N    8 concurrent sessions x N rounds == lone walk
 *
 * Every subcommand prints "ok"/"not ok" lines and "N passed, N failed".
 *
 * Why each assertion can fail: the errno lists come from docs/FORMAT.md
 * itself (section 2.1's two tables), not from the module; a stream is
 * checked by the independent decoder of Tests/kernel (pgw_stream.c); the
 * slab counters are the kernel's own (/proc/slabinfo).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/pgw_stream.h"

#define WALK	"/sys/kernel/debug/pgwalk/walk"
#define INFO	"/sys/kernel/debug/pgwalk/info"
#define PARAM	"/sys/module/pgwalk/parameters/buffer_kib"
#define REQMAX	PGWALK_REQUEST_MAX
#define PAGE	4096ULL
#define PGWALK_BUFFER_KIB_DEF	256	/* FORMAT.md 2.2: the default */

static int passed, failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf(cond ? "ok %d - " : "not ok %d - ", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (cond)
		passed++;
	else
		failed++;
}

static int finish(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*, one state per thread */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned rn(uint64_t *s, unsigned n)
{
	return n ? rnd(s) % n : 0;
}

/* The "key: value" of pgwalk/info, or -1. */
static long long info_value(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long long v = -1;
	FILE *f = fopen(INFO, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtoll(line + kl + 1, NULL, 0);
			break;
		}
	fclose(f);
	return v;
}

/* sessions: drops to 0 once every file is released */
static long long sessions_settled(void)
{
	long long v = -1;

	for (int i = 0; i < 50; i++) {
		v = info_value("sessions");
		if (v == 0)
			break;
		usleep(20000);
	}
	return v;
}

static int set_buffer_kib(unsigned kib)
{
	char s[32];
	int fd = open(PARAM, O_WRONLY);
	int n, e;

	if (fd < 0)
		return -errno;
	n = snprintf(s, sizeof(s), "%u", kib);
	e = write(fd, s, n) == n ? 0 : -errno;
	close(fd);
	return e;
}

static long get_buffer_kib(void)
{
	char s[32] = "";
	int fd = open(PARAM, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, s, sizeof(s) - 1);
	close(fd);
	return n > 0 ? strtol(s, NULL, 10) : -1;
}

/* ---------------------------------------------------------------- targets */

/*
 * A child that maps `mib` MiB (no THP: khugepaged must not change it
 * between walks), touches every page, then waits to be killed; with
 * stop, it stops itself so that nothing of it changes.
 */
static pid_t spawn_target(unsigned mib, bool stop)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		size_t len = (size_t)mib << 20;
		char *m = len ? mmap(NULL, len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;

		if (m && m != MAP_FAILED) {
			madvise(m, len, MADV_NOHUGEPAGE);
			for (size_t i = 0; i < len; i += 4096)
				m[i] = (char)i | 1;
		}
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		if (stop)
			raise(SIGSTOP);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	if (stop) {
		int st;

		waitpid(pid, &st, WUNTRACED);
	}
	return pid;
}

static void kill_target(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* open, write "pid=N EXTRA": the session's fd, or -1 with *err set */
static int start_walk(pid_t pid, const char *extra, int *err)
{
	char req[128];
	int fd = open(WALK, O_RDWR);
	int n;

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	n = snprintf(req, sizeof(req), "pid=%d %s", pid, extra ? extra : "");
	if (write(fd, req, n) != n) {
		*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

/* start_walk, read all, close: the stream, or NULL */
static uint8_t *walk_once(pid_t pid, const char *extra, size_t chunk,
			  size_t *len, int *err)
{
	uint8_t *out = NULL;
	int fd = start_walk(pid, extra, err);
	int n;

	*len = 0;
	if (fd < 0)
		return NULL;
	n = pgw_read_all(fd, chunk, &out, len);
	close(fd);
	if (n) {
		*err = -n;
		free(out);
		return NULL;
	}
	return out;
}

/* --------------------------------------------------------------- the doc */

#define MAXERR 160

/*
 * The errnos docs/FORMAT.md section 2.1 lists for write() and for read():
 * the first column of the table after "`write()` fails with" and of the one
 * after "`read()` fails with".
 */
static int doc_errnos(const char *path, bool wr[MAXERR], bool rd[MAXERR])
{
	static const struct { const char *n; int e; } names[] = {
		{ "EINVAL", EINVAL }, { "E2BIG", E2BIG }, { "ESRCH", ESRCH },
		{ "ENXIO", ENXIO }, { "EACCES", EACCES }, { "ERANGE", ERANGE },
		{ "EBUSY", EBUSY }, { "EFAULT", EFAULT }, { "ENOMSG", ENOMSG },
		{ "EINTR", EINTR }, { "ENOMEM", ENOMEM }, { "EPERM", EPERM },
		{ "ESPIPE", ESPIPE }, { "EAGAIN", EAGAIN }, { "EIO", EIO },
		{ "ENOENT", ENOENT }, { "EBADF", EBADF }, { "ENOSPC", ENOSPC },
		{ "EOVERFLOW", EOVERFLOW }, { "ENOBUFS", ENOBUFS },
	};
	char line[512];
	bool *cur = NULL, in_table = false;
	int found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[32];

		if (strstr(line, "`write()` fails with")) {
			cur = wr;
			in_table = false;
			continue;
		}
		if (strstr(line, "`read()` fails with")) {
			cur = rd;
			in_table = false;
			continue;
		}
		if (!cur)
			continue;
		if (line[0] != '|') {
			if (in_table)	/* the table ended */
				cur = NULL;
			in_table = false;
			continue;
		}
		in_table = true;
		if (sscanf(line, "| `%31[A-Z0-9]` |", name) != 1)
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(names[i].n, name)) {
				cur[names[i].e] = true;
				found++;
			}
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------ slab */

/*
 * The caches a session allocates from or pins: kmalloc-* (the session,
 * its path buffer; the random and cgroup variants too) and what a lost
 * reference to the target would keep: mm_struct, task_struct, pid.
 */
#define MAXCACHE 128
struct slab {
	int n;
	char name[MAXCACHE][64];
	long active[MAXCACHE], size[MAXCACHE];
};

static bool cache_watched(const char *n)
{
	return !strncmp(n, "kmalloc-", 8) || !strcmp(n, "mm_struct") ||
	       !strcmp(n, "task_struct") || !strcmp(n, "pid");
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			(void)0;
		close(fd);
	}
}

/* drop caches, flush the per-cpu slabs, give RCU time to free */
static void slab_settle(const struct slab *s)
{
	char path[128];

	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	for (int i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", s->name[i]);
		write_file(path, "1");
	}
	usleep(200000);
}

static int slab_read(struct slab *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && s->n < MAXCACHE) {
		char name[64];
		long act, num, size;

		if (sscanf(line, "%63s %ld %ld %ld", name, &act, &num, &size) != 4 ||
		    !cache_watched(name))
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->active[s->n] = act;
		s->size[s->n] = size;
		s->n++;
	}
	fclose(f);
	return s->n ? 0 : -1;
}

/* the largest per-cache growth in objects; *bytes: total growth */
static long slab_delta(const struct slab *a, const struct slab *b, int *worst,
		       long *bytes)
{
	long max = LONG_MIN;

	*bytes = 0;
	*worst = -1;
	for (int i = 0; i < b->n; i++)
		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i])) {
				long d = b->active[i] - a->active[j];

				*bytes += d * b->size[i];
				if (d > max) {
					max = d;
					*worst = i;
				}
			}
	return max;
}

/* ------------------------------------------------------------------ fuzz */

enum { OP_OPEN, OP_WRITE, OP_READ, OP_CLOSE, NOPS };
static const char *const opname[NOPS] = { "open", "write", "read", "close" };

/* shared with the unprivileged child process: MAP_SHARED */
struct stats {
	long sessions, writes, write_ok, walks, complete, end_ok, end_esrch;
	long shared, split, read_first, early_close, badptr, random, mutated;
	long valid, unpriv;
	double secs[8];
	volatile pid_t exiting[32];
	volatile int stop_spawner;
	long count[8];
	long err[NOPS][MAXERR];
	long bad;		/* failed assertions */
	char first_bad[8][200];
};

#define NEXIT 32
static struct stats *st;
static long n_requests = 100000;
static int n_threads = 4;
static long next_session;
static unsigned long long tsm;	/* task_size_max */
static pid_t stable[3], zombie, self;

static void bad(const char *fmt, ...)
{
	va_list ap;
	long i = __atomic_fetch_add(&st->bad, 1, __ATOMIC_RELAXED);

	if (i < 8) {
		va_start(ap, fmt);
		vsnprintf(st->first_bad[i], sizeof(st->first_bad[0]), fmt, ap);
		va_end(ap);
	}
}

#define INC(f) __atomic_fetch_add(&st->f, 1, __ATOMIC_RELAXED)

static void note_err(int op, int e)
{
	if (e < 0 || e >= MAXERR)
		e = MAXERR - 1;
	__atomic_fetch_add(&st->err[op][e], 1, __ATOMIC_RELAXED);
}

/*
 * Children that exit soon, their pids offered to the requests. A process
 * of its own, forked before any thread: a fork of the fuzzer itself would
 * copy its page tables and make its threads fault (and the vCPUs flush
 * TLBs) after every fork.
 */
static pid_t spawner(void)
{
	pid_t sp = fork();
	uint64_t r = 0x9e3779b97f4a7c15ULL;
	pid_t ring[NEXIT] = { 0 };
	unsigned i = 0;

	if (sp)
		return sp;
	while (!st->stop_spawner) {
		unsigned slot = i++ % NEXIT;
		pid_t pid;

		if (ring[slot] > 0)
			waitpid(ring[slot], NULL, 0);
		pid = fork();
		if (pid == 0) {
			/* exit after 0-30 ms; a zombie until reaped */
			usleep(rn(&r, 30000));
			_exit(0);
		}
		ring[slot] = pid;
		st->exiting[slot] = pid;
		rnd(&r);
		usleep(20000 + rn(&r, 30000));
	}
	for (int k = 0; k < NEXIT; k++)
		if (ring[k] > 0)
			waitpid(ring[k], NULL, 0);
	_exit(0);
}

/* what a request is expected to get, when the generator knows */
enum { EXP_ANY = -1, EXP_OK = 0 };

struct gen {
	char buf[REQMAX * 2 + 64];
	size_t len;
	int expect;		/* EXP_ANY, EXP_OK or an errno */
	bool may_esrch;		/* the target may exit: END -ESRCH allowed */
	bool stable;		/* END must be 0 */
	int cls;		/* for the time per kind of session */
};

static const char *const wild_numbers[] = {
	"18446744073709551616", "18446744073709551615", "0x10000000000000000",
	"0xffffffffffffffff", "0xfffffffffffff000", "99999999999999999999999",
	"-4096", "+4096", "0x", "0X1000", "010", "", "2147483648", "4294967296",
	"-1", "0", "0x0", "1e3", "4096x", " ", "0x1000\n", "00000000000000004096",
	"340282366920938463463374607431768211456", "0xg000", "4096.0",
};

static void num(char *o, size_t cap, uint64_t v, uint64_t *r)
{
	switch (rn(r, 3)) {
	case 0: snprintf(o, cap, "%" PRIu64, v); break;
	case 1: snprintf(o, cap, "0x%" PRIx64, v); break;
	default: snprintf(o, cap, "0X%" PRIX64, v); break;
	}
}

/* A well-formed request; expect set when the outcome is known. */
static void gen_valid(struct gen *g, uint64_t *r, bool unpriv)
{
	char tok[6][64], a[40];
	int nt = 0, which = rn(r, 32);
	pid_t pid;
	uint64_t start = 0, end = 0;
	bool has_start = false, has_end = false;
	static const char seps[] = " \t\n";

	g->expect = EXP_OK;
	g->may_esrch = false;
	g->stable = false;
	if (which < 18) {
		g->cls = rn(r, 3);
		pid = stable[g->cls];
		g->stable = true;
		if (unpriv)
			g->expect = EACCES;
	} else if (which < 24) {
		pid = unpriv ? getpid() : self;
		g->stable = true;
		g->cls = 3;
	} else if (which < 29) {
		g->cls = 4;
		pid = st->exiting[rn(r, NEXIT)];
		if (pid <= 0)
			pid = self;
		g->expect = EXP_ANY;
		g->may_esrch = true;
	} else if (which == 29) {
		pid = zombie;
		g->expect = ESRCH;
		g->cls = 5;
	} else {
		static const pid_t odd[] = { 2, 4194304, 2147483647, 1 };

		pid = odd[rn(r, 4)];
		g->cls = 5;
		g->expect = pid == 2 ? ENXIO : pid == 1 ? (unpriv ? EACCES : EXP_OK) : ESRCH;
		g->stable = pid == 1;
	}
	snprintf(tok[nt++], sizeof(tok[0]), "pid=%d", pid);
	switch (rn(r, 16)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		break;			/* the whole address space */
	case 7: case 8: case 9: case 10:	/* a small range somewhere */
		start = (rnd(r) % (tsm / PAGE)) * PAGE;
		end = start + PAGE * (1 + rn(r, 1024));
		if (end > tsm)
			end = tsm;
		has_start = has_end = true;
		break;
	case 11: case 12:		/* around our own stack */
		start = ((uintptr_t)&which & ~(PAGE - 1)) - PAGE * rn(r, 64);
		end = start + PAGE * (1 + rn(r, 4096));
		has_start = has_end = true;
		break;
	case 13: case 14:		/* up to the limit */
		start = (rnd(r) % (tsm / PAGE)) * PAGE;
		has_start = true;
		if (rn(r, 2)) {
			end = tsm;
			has_end = true;
		}
		break;
	default:			/* just past the limit: ERANGE */
		end = tsm + PAGE * (1 + rn(r, 3));
		has_end = true;
		if (g->expect == EXP_OK)
			g->expect = ERANGE;
		break;
	}
	if (has_start) {
		num(a, sizeof(a), start, r);
		snprintf(tok[nt++], sizeof(tok[0]), "start=%s", a);
	}
	if (has_end) {
		num(a, sizeof(a), end, r);
		snprintf(tok[nt++], sizeof(tok[0]), "end=%s", a);
	}
	if (!rn(r, 4))
		snprintf(tok[nt++], sizeof(tok[0]), "trace");
	if (!rn(r, 3))
		snprintf(tok[nt++], sizeof(tok[0]), "seq");
	/* any order, any separators */
	for (int i = nt - 1; i > 0; i--) {
		int j = rn(r, i + 1);
		char t[64];

		memcpy(t, tok[i], 64);
		memcpy(tok[i], tok[j], 64);
		memcpy(tok[j], t, 64);
	}
	g->len = 0;
	for (int i = 0; i < nt; i++) {
		int k = 1 + rn(r, 2);

		if (i || !rn(r, 4))
			while (k--)
				g->buf[g->len++] = seps[rn(r, 3)];
		g->len += sprintf(g->buf + g->len, "%s", tok[i]);
	}
	if (rn(r, 2))
		g->buf[g->len++] = '\n';
	g->buf[g->len] = '\0';
	/* only pid=1 and ERANGE known; an empty start>=end range is EINVAL */
	if (has_end && start >= end)
		g->expect = g->expect == ESRCH || g->expect == ENXIO ||
			    g->expect == EACCES ? g->expect : EINVAL;
	if (has_start && !has_end && start >= tsm && g->expect == EXP_OK)
		g->expect = EXP_ANY;
	/* ERANGE and EINVAL come after ESRCH/ENXIO/EACCES in the doc's order */
}

static void gen_mutated(struct gen *g, uint64_t *r, bool unpriv)
{
	int n = 1 + rn(r, 4);

	gen_valid(g, r, unpriv);
	g->cls = 6;
	g->expect = EXP_ANY;
	g->stable = false;
	g->may_esrch = true;
	while (n--) {
		size_t at = rn(r, g->len + 1);
		char tmp[sizeof(g->buf)];
		const char *w;

		switch (rn(r, 10)) {
		case 0:			/* a wild number after some '=' */
		{
			char *eq = memchr(g->buf + at, '=', g->len - at);
			size_t e;

			if (!eq)
				eq = memchr(g->buf, '=', g->len);
			if (!eq)
				break;
			e = eq + 1 - g->buf;
			while (e < g->len && !isspace((unsigned char)g->buf[e]))
				e++;
			w = wild_numbers[rn(r, sizeof(wild_numbers) / sizeof(*wild_numbers))];
			snprintf(tmp, sizeof(tmp), "%.*s%s%.*s", (int)(eq + 1 - g->buf), g->buf,
				 w, (int)(g->len - e), g->buf + e);
			g->len = strlen(tmp);
			memcpy(g->buf, tmp, g->len + 1);
			break;
		}
		case 1:			/* flip a bit */
			if (g->len)
				g->buf[rn(r, g->len)] ^= 1 << rn(r, 8);
			break;
		case 2:			/* delete a byte */
			if (g->len) {
				at = rn(r, g->len);
				memmove(g->buf + at, g->buf + at + 1, g->len - at);
				g->len--;
			}
			break;
		case 3:			/* insert a byte, NUL included */
			if (g->len < REQMAX + 8) {
				memmove(g->buf + at + 1, g->buf + at, g->len - at + 1);
				g->buf[at] = rn(r, 4) ? (char)rn(r, 256) : '\0';
				g->len++;
			}
			break;
		case 4:			/* duplicate the whole stream */
			if (g->len * 2 + 1 < sizeof(g->buf) - 1) {
				memcpy(g->buf + g->len + 1, g->buf, g->len);
				g->buf[g->len] = ' ';
				g->len = g->len * 2 + 1;
			}
			break;
		case 5:			/* a token that does not exist */
		{
			static const char *const junk[] = { "foo=1", "trace=1", "seq=0",
				"PID=1", "pid", "=", "start", "end=", "pid==1", "Trace",
				"pid=1=2", "\xff", "trace,seq" };

			w = junk[rn(r, sizeof(junk) / sizeof(*junk))];
			snprintf(tmp, sizeof(tmp), "%.*s %s %s", (int)at, g->buf, w, g->buf + at);
			g->len = strlen(tmp);
			memcpy(g->buf, tmp, g->len + 1);
			break;
		}
		case 6:			/* truncate */
			g->len = at;
			break;
		case 7:			/* separators removed */
			for (size_t i = 0; i < g->len; i++)
				if (isspace((unsigned char)g->buf[i]) && rn(r, 2)) {
					memmove(g->buf + i, g->buf + i + 1, g->len - i);
					g->len--;
				}
			break;
		case 8:			/* a range that wraps 2^64 */
		{
			uint64_t s = 0xfffffffffffff000ULL - PAGE * rn(r, 16);
			uint64_t e = s + PAGE * (1 + rn(r, 64));	/* wraps */

			g->len = snprintf(g->buf, sizeof(g->buf), "pid=%d start=0x%" PRIx64
					  " end=0x%" PRIx64, self, s, e);
			break;
		}
		default:		/* padded past 256 bytes: E2BIG */
			while (g->len < REQMAX + 1 + rn(r, 32))
				g->buf[g->len++] = ' ';
			break;
		}
		g->buf[g->len] = '\0';
	}
}

static void gen_random(struct gen *g, uint64_t *r)
{
	g->cls = 7;
	g->len = rn(r, 300);
	for (size_t i = 0; i < g->len; i++)
		g->buf[i] = (char)rnd(r);
	g->buf[g->len] = '\0';
	g->expect = g->len > REQMAX ? E2BIG : EXP_ANY;
	g->stable = false;
	g->may_esrch = true;
}

/* read until 0, n bytes a call; returns -errno or the bytes in *out */
static int read_stream(int fd, size_t chunk, int max_reads, uint8_t **out,
		       size_t *len, bool *eof)
{
	size_t cap = 1 << 16;
	uint8_t *b = malloc(cap);

	*len = 0;
	*eof = false;
	for (int i = 0; max_reads < 0 || i < max_reads; i++) {
		ssize_t n;

		if (*len + chunk > cap) {
			cap = 2 * (*len + chunk);
			b = realloc(b, cap);
		}
		n = read(fd, b + *len, chunk);
		if (n < 0) {
			int e = errno;

			*out = b;
			note_err(OP_READ, e);
			return -e;
		}
		if (n == 0) {
			*eof = true;
			break;
		}
		*len += n;
	}
	*out = b;
	return 0;
}

static void check_stream(const uint8_t *b, size_t len, const struct gen *g)
{
	struct pgw_stream s;
	char err[256];

	if (len >= 8 && !memcmp(b, PGWALK_MAGIC, 8))
		INC(walks);
	if (pgw_parse(b, len, &s, err, sizeof(err))) {
		bad("stream of '%.60s' (%zu bytes) rejected: %s", g->buf, len, err);
		return;
	}
	INC(complete);
	if (s.status == 0)
		INC(end_ok);
	else if (s.status == -ESRCH && !g->stable)
		INC(end_esrch);
	else
		bad("END status %d for '%.60s'", s.status, g->buf);
	pgw_free(&s);
}

struct shared_fd {
	int fd;
	struct gen *g;
	pthread_barrier_t bar;
	ssize_t wret;
	int werr;
	size_t got;
	int rerr;
};

static void *shared_peer(void *arg)
{
	struct shared_fd *sf = arg;
	char b[512];
	ssize_t n;

	pthread_barrier_wait(&sf->bar);
	sf->wret = write(sf->fd, sf->g->buf, sf->g->len);
	sf->werr = sf->wret < 0 ? errno : 0;
	if (sf->wret < 0)
		note_err(OP_WRITE, errno);
	pthread_barrier_wait(&sf->bar);
	while ((n = read(sf->fd, b, 1 + (sf->got % sizeof(b)))) > 0)
		sf->got += n;
	sf->rerr = n < 0 ? errno : 0;
	if (n < 0)
		note_err(OP_READ, errno);
	return NULL;
}

/* the same fd from two threads: one write wins, the other gets EBUSY */
static void session_shared(int fd, struct gen *g)
{
	struct shared_fd sf = { .fd = fd, .g = g };
	pthread_t t;
	ssize_t w;
	int we;
	char b[700];
	ssize_t n;
	size_t got = 0;

	INC(shared);
	pthread_barrier_init(&sf.bar, NULL, 2);
	if (pthread_create(&t, NULL, shared_peer, &sf)) {
		bad("pthread_create");
		return;
	}
	pthread_barrier_wait(&sf.bar);
	w = write(fd, g->buf, g->len);
	we = w < 0 ? errno : 0;
	if (w < 0)
		note_err(OP_WRITE, we);
	INC(writes);
	INC(writes);
	pthread_barrier_wait(&sf.bar);
	if ((w >= 0) + (sf.wret >= 0) > 1)
		bad("shared fd: both writes of '%.60s' succeeded", g->buf);
	if ((w >= 0) != (sf.wret >= 0) && (w >= 0 ? sf.werr : we) != EBUSY)
		bad("shared fd: the losing write got errno %d, not EBUSY",
		    w >= 0 ? sf.werr : we);
	if (w >= 0 || sf.wret >= 0)
		INC(write_ok);
	while ((n = read(fd, b, 1 + got % sizeof(b))) > 0)
		got += n;
	if (n < 0)
		note_err(OP_READ, errno);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&sf.bar);
	if (w >= 0 || sf.wret >= 0) {
		/* between them the two readers got the whole stream once */
		if (got + sf.got < 160 + 40)
			bad("shared fd: %zu + %zu bytes read, less than header + END",
			    got, sf.got);
		else
			INC(walks);
	}
}

static void one_session_(uint64_t *r, bool unpriv, int *cls);

static void one_session(uint64_t *r, bool unpriv)
{
	double t = now();
	int cls = 0;

	one_session_(r, unpriv, &cls);
	t = now() - t;
	/* not atomic: a profile, not an assertion */
	st->secs[cls] += t;
	INC(count[cls]);
}

static void one_session_(uint64_t *r, bool unpriv, int *cls)
{
	struct gen g;
	int fd, kind = rn(r, 100), mode = rn(r, 100);
	ssize_t w;
	int we = 0;
	bool wrote = false;

	/* 88 % well formed: most requests must reach the walk */
	if (kind < 88) {
		gen_valid(&g, r, unpriv);
		INC(valid);
	} else if (kind < 97) {
		gen_mutated(&g, r, unpriv);
		INC(mutated);
	} else {
		gen_random(&g, r);
		INC(random);
	}
	INC(sessions);
	*cls = g.cls;
	if (unpriv)
		INC(unpriv);
	fd = open(WALK, O_RDWR);
	if (fd < 0) {
		note_err(OP_OPEN, errno);
		bad("open: %s", strerror(errno));
		return;
	}
	if (mode < 5 && kind < 88) {
		session_shared(fd, &g);
		goto out;
	}
	if (mode < 15) {		/* a read before the request */
		char b[64];
		ssize_t n = read(fd, b, sizeof(b));

		INC(read_first);
		if (n >= 0)
			bad("read before a request returned %zd", n);
		else
			note_err(OP_READ, errno);
	}
	if (mode >= 15 && mode < 20 && g.len > 1) {	/* split writes */
		size_t cut = 1 + rn(r, g.len - 1);

		INC(split);
		INC(writes);
		w = write(fd, g.buf, cut);
		if (w >= 0) {
			wrote = true;
		} else {
			note_err(OP_WRITE, errno);
			INC(writes);
			w = write(fd, g.buf + cut, g.len - cut);
			if (w >= 0)
				wrote = true;
			else
				note_err(OP_WRITE, errno);
		}
		g.expect = EXP_ANY;
		g.stable = false;
		g.may_esrch = true;
	} else if (mode >= 25 && mode < 27) {		/* a bad buffer */
		INC(badptr);
		INC(writes);
		w = write(fd, (void *)(uintptr_t)(rn(r, 2) ? 16 : -4096UL), 1 + rn(r, REQMAX));
		if (w >= 0)
			bad("write from a bad pointer returned %zd", w);
		else
			note_err(OP_WRITE, errno);
		if (errno != EFAULT)
			bad("write from a bad pointer: errno %d, not EFAULT", errno);
		goto out;
	} else {
		INC(writes);
		w = write(fd, g.buf, g.len);
		we = w < 0 ? errno : 0;
		if (w >= 0) {
			wrote = true;
			if ((size_t)w != g.len)
				bad("write returned %zd of %zu", w, g.len);
		} else {
			note_err(OP_WRITE, we);
		}
		if (g.expect != EXP_ANY && g.expect != we &&
		    !(g.expect == EXP_OK && g.may_esrch))
			bad("'%.80s' got errno %d (%s), expected %d", g.buf, we,
			    strerror(we), g.expect);
	}
	if (!wrote)
		goto out;
	INC(write_ok);
	if (mode >= 27 && mode < 32) {	/* a second request: EBUSY */
		INC(writes);
		w = write(fd, g.buf, g.len);
		if (w >= 0)
			bad("second write on a session succeeded");
		else if (note_err(OP_WRITE, errno), errno != EBUSY)
			bad("second write: errno %d, not EBUSY", errno);
	}
	{
		uint8_t *b;
		size_t len;
		bool eof;
		int early = mode >= 32 && mode < 47;
		size_t chunk = mode < 60 ? 1 + rn(r, 4096) : 1 << 20;
		int e = read_stream(fd, chunk, early ? (int)rn(r, 4) : -1, &b, &len, &eof);

		if (early && !eof) {
			INC(early_close);
			if (len >= 8 && !memcmp(b, PGWALK_MAGIC, 8))
				INC(walks);
		} else if (!e) {
			check_stream(b, len, &g);
		} else {
			bad("read of '%.60s' failed: %s", g.buf, strerror(-e));
		}
		free(b);
	}
out:
	if (close(fd)) {
		note_err(OP_CLOSE, errno);
		bad("close: %s", strerror(errno));
	}
}

static void *worker(void *arg)
{
	uint64_t r = 0x1234567 + (uintptr_t)arg * 0x9e3779b97f4a7c15ULL;

	while (__atomic_fetch_add(&next_session, 1, __ATOMIC_RELAXED) < n_requests)
		one_session(&r, false);
	return NULL;
}

static int cmd_fuzz(int argc, char **argv)
{
	const char *doc = "docs/FORMAT.md";
	long bound = 512;
	bool wr[MAXERR] = { 0 }, rd[MAXERR] = { 0 };
	struct slab before, after;
	pthread_t *t;
	pid_t unpriv, sp;
	struct stat dst;
	double t0, t1;
	long delta = 0, bytes = 0;
	int worst = -1;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--requests") && i + 1 < argc)
			n_requests = atol(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			n_threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--doc") && i + 1 < argc)
			doc = argv[++i];
		else if (!strcmp(argv[i], "--slab-bound") && i + 1 < argc)
			bound = atol(argv[++i]);
	}
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (doc_errnos(doc, wr, rd) < 6 || !wr[EINVAL] || !rd[ENOMSG]) {
		ok(false, "%s lists the errnos of write() and read()", doc);
		return finish();
	}
	printf("# errnos %s lists: write", doc);
	for (int e = 0; e < MAXERR; e++)
		if (wr[e])
			printf(" %s", strerrorname_np(e));
	printf("; read");
	for (int e = 0; e < MAXERR; e++)
		if (rd[e])
			printf(" %s", strerrorname_np(e));
	printf("\n");
	tsm = info_value("task_size_max");
	self = getpid();
	stable[0] = spawn_target(0, false);
	stable[1] = spawn_target(4, false);
	stable[2] = spawn_target(1, true);
	zombie = fork();
	if (zombie == 0)
		_exit(0);
	if (tsm <= 0 || stable[0] < 0 || stable[1] < 0 || stable[2] < 0 || zombie < 0) {
		ok(false, "targets started, task_size_max read");
		return finish();
	}
	/* let the zombie become one */
	{
		siginfo_t si;

		waitid(P_PID, zombie, &si, WEXITED | WNOWAIT);
	}
	/* baseline after a warm-up, so that lazily made caches exist */
	{
		uint64_t r = 42;

		for (int i = 0; i < 200; i++) {
			struct gen g;
			int fd = open(WALK, O_RDWR);
			uint8_t *b;
			size_t len;
			bool eof;

			gen_valid(&g, &r, false);
			if (write(fd, g.buf, g.len) > 0 &&
			    !read_stream(fd, 1 << 20, -1, &b, &len, &eof))
				free(b);
			close(fd);
		}
		memset(st, 0, sizeof(*st));
	}
	slab_read(&before);
	slab_settle(&before);
	slab_read(&before);

	/* the unprivileged opener: EACCES on root's targets */
	stat("/sys/kernel/debug", &dst);
	chmod("/sys/kernel/debug", 0755);
	t0 = now();
	unpriv = fork();
	if (unpriv == 0) {
		uint64_t r = 777;
		long n = n_requests / 20;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		self = getpid();
		while (n--)
			one_session(&r, true);
		_exit(0);
	}
	sp = getenv("FUZZ_NO_SPAWN") ? 0 : spawner();
	t = calloc(n_threads, sizeof(*t));
	for (long i = 0; i < n_threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < n_threads; i++)
		pthread_join(t[i], NULL);
	{
		int s = -1;

		waitpid(unpriv, &s, 0);
		ok(WIFEXITED(s) && WEXITSTATUS(s) == 0,
		   "the unprivileged opener (uid 65534) ran its %ld sessions", st->unpriv);
	}
	st->stop_spawner = 1;
	if (sp > 0)
		waitpid(sp, NULL, 0);
	t1 = now();
	chmod("/sys/kernel/debug", dst.st_mode & 07777);
	for (int i = 0; i < 3; i++) {
		if (i == 2)
			kill(stable[i], SIGCONT);
		kill_target(stable[i]);
	}
	waitpid(zombie, NULL, 0);

	printf("# %ld sessions (%ld unprivileged) in %.1f s by %d threads + 1 process: "
	       "%ld writes, %ld accepted; %ld walks started (stream header read), "
	       "%ld streams read to the end: END 0 %ld, END -ESRCH %ld\n",
	       st->sessions, st->unpriv, t1 - t0, n_threads, st->writes,
	       st->write_ok, st->walks, st->complete, st->end_ok, st->end_esrch);
	printf("# requests: %ld well formed, %ld mutated, %ld random bytes; "
	       "%ld split writes, %ld reads before the request, %ld early closes, "
	       "%ld bad buffers, %ld shared fds\n", st->valid, st->mutated,
	       st->random, st->split, st->read_first, st->early_close, st->badptr,
	       st->shared);
	for (int op = 0; op < NOPS; op++) {
		bool any = false;

		for (int e = 0; e < MAXERR; e++)
			if (st->err[op][e]) {
				if (!any)
					printf("# errnos of %s():", opname[op]);
				printf(" %s %ld", strerrorname_np(e), st->err[op][e]);
				any = true;
			}
		if (any)
			printf("\n");
	}
	{
		static const char *const cn[8] = { "idle target", "4 MiB target",
			"stopped target", "own pid", "exiting pid", "zombie/odd pid",
			"mutated", "random" };

		printf("# mean time per session:");
		for (int i = 0; i < 8; i++)
			if (st->count[i])
				printf(" %s %.1f ms (%ld);", cn[i],
				       1e3 * st->secs[i] / st->count[i], st->count[i]);
		printf("\n");
	}
	for (int i = 0; i < 8 && i < st->bad; i++)
		printf("# failure: %s\n", st->first_bad[i]);
	ok(st->bad == 0, "%ld sessions: no failed assertion (%ld)", st->sessions, st->bad);
	ok(st->sessions >= n_requests, "at least %ld sessions", n_requests);
	ok(st->walks * 2 > st->sessions,
	   "most requests started a walk: %ld of %ld", st->walks, st->sessions);
	{
		bool fine = true;

		for (int e = 0; e < MAXERR; e++) {
			if (st->err[OP_WRITE][e] && !wr[e]) {
				printf("# write errno %s is not in %s\n", strerrorname_np(e), doc);
				fine = false;
			}
			if (st->err[OP_READ][e] && !rd[e]) {
				printf("# read errno %s is not in %s\n", strerrorname_np(e), doc);
				fine = false;
			}
			if (st->err[OP_OPEN][e] || st->err[OP_CLOSE][e])
				fine = false;
		}
		ok(fine, "every errno of write() and read() is one %s lists; open and close never failed", doc);
	}
	{
		long long s = sessions_settled();

		ok(s == 0, "info: sessions: %lld", s);
	}
	/* back to the baseline: settle, retry while RCU frees */
	for (int i = 0; i < 20; i++) {
		slab_settle(&before);
		slab_read(&after);
		delta = slab_delta(&before, &after, &worst, &bytes);
		if (delta <= bound)
			break;
	}
	if (worst >= 0)
		printf("# slab after - before, largest growth: %s %+ld objects of %ld B; "
		       "watched caches together %+ld B\n", after.name[worst], delta,
		       after.size[worst], bytes);
	for (int i = 0; i < after.n; i++)
		for (int j = 0; j < before.n; j++)
			if (!strcmp(after.name[i], before.name[j]) &&
			    (after.active[i] != before.active[j]))
				printf("#   %-20s %8ld -> %8ld\n", after.name[i],
				       before.active[j], after.active[i]);
	ok(worst >= 0 && delta <= bound && st->sessions > 10 * bound,
	   "slab back to baseline: no watched cache grew by more than %ld objects "
	   "(a leak of one object per session would add %ld)", bound, st->sessions);
	return finish();
}

/* ------------------------------------------------------------- lifecycle */

static int cmd_walk(long n)
{
	pid_t t = spawn_target(1, false);
	long good = 0;
	char err[256] = "";

	for (long i = 0; i < n; i++) {
		size_t len;
		int e;
		uint8_t *b = walk_once(t, i % 2 ? "seq" : "", 4096, &len, &e);
		struct pgw_stream s;

		if (!b) {
			snprintf(err, sizeof(err), "errno %d", e);
			continue;
		}
		if (!pgw_parse(b, len, &s, err, sizeof(err))) {
			good += s.status == 0;
			pgw_free(&s);
		}
		free(b);
	}
	kill_target(t);
	ok(good == n, "%ld of %ld sessions walked to END 0 %s", good, n, err);
	return finish();
}

static int cmd_rmmod_busy(void)
{
	int fd = open(WALK, O_RDWR);
	char req[32];
	long r;
	int e, n;

	n = snprintf(req, sizeof(req), "pid=%d", getpid());
	ok(fd >= 0 && write(fd, req, n) == n, "session open with a request");
	r = syscall(SYS_delete_module, "pgwalk", O_NONBLOCK);
	e = errno;
	ok(r < 0 && (e == EWOULDBLOCK || e == EBUSY),
	   "delete_module(pgwalk) while the session is open: refused with %s",
	   r < 0 ? strerrorname_np(e) : "success");
	ok(access(WALK, F_OK) == 0, "the walk file is still there");
	{
		uint8_t *b = NULL;
		size_t len;
		struct pgw_stream s;
		char err[200] = "";
		int rr = pgw_read_all(fd, 65536, &b, &len);

		ok(!rr && !pgw_parse(b, len, &s, err, sizeof(err)) && s.status == 0,
		   "the session still reads a whole stream %s", err);
		if (!rr && !err[0])
			pgw_free(&s);
		free(b);
	}
	close(fd);
	ok(sessions_settled() == 0, "sessions: 0 after the close");
	r = syscall(SYS_delete_module, "pgwalk", O_NONBLOCK);
	ok(r == 0, "delete_module(pgwalk) after the close succeeds%s",
	   r ? strerror(errno) : "");
	return finish();
}

struct race {
	int fd;
	pthread_barrier_t bar;
	long bytes;
	int err;
	unsigned delay;
};

static void *race_reader(void *arg)
{
	struct race *rc = arg;
	char *b = malloc(4096);
	ssize_t n;

	pthread_barrier_wait(&rc->bar);
	while ((n = read(rc->fd, b, 4096)) > 0)
		rc->bytes += n;
	rc->err = n < 0 ? errno : 0;
	free(b);
	return NULL;
}

/* one thread reads (small pieces, many fills) while another closes the fd */
static int cmd_read_close(long n)
{
	pid_t t = spawn_target(16, false);
	long clean = 0, cut = 0, weird = 0;
	uint64_t r = 99;

	set_buffer_kib(16);
	for (long i = 0; i < n; i++) {
		struct race rc = { .delay = rn(&r, 3000) };
		pthread_t th;
		char req[32];
		int m = snprintf(req, sizeof(req), "pid=%d", t);

		rc.fd = open(WALK, O_RDWR);
		if (rc.fd < 0 || write(rc.fd, req, m) != m) {
			weird++;
			continue;
		}
		pthread_barrier_init(&rc.bar, NULL, 2);
		pthread_create(&th, NULL, race_reader, &rc);
		pthread_barrier_wait(&rc.bar);
		usleep(rc.delay);
		close(rc.fd);
		pthread_join(th, NULL);
		pthread_barrier_destroy(&rc.bar);
		if (rc.err == 0)
			clean++;
		else if (rc.err == EBADF)
			cut++;
		else
			weird++;
	}
	set_buffer_kib(PGWALK_BUFFER_KIB_DEF);
	kill_target(t);
	ok(weird == 0, "%ld reads raced a close: %ld read to the end, %ld saw EBADF "
	   "after the close, %ld anything else", n, clean, cut, weird);
	ok(sessions_settled() == 0, "sessions: 0");
	return finish();
}

/* the target dies mid-session: END -ESRCH (or 0 if it was over), valid */
static int cmd_outlive(long n)
{
	long esrch = 0, zero = 0, badn = 0, before_read = 0;
	char err[256] = "";

	set_buffer_kib(16);
	for (long i = 0; i < n; i++) {
		pid_t t = spawn_target(8, false);
		int fd = open(WALK, O_RDWR);
		char req[32];
		uint8_t *b = malloc(16384), *rest = NULL;
		size_t len = 0, rlen = 0;
		int m = snprintf(req, sizeof(req), "pid=%d", t);
		ssize_t k = 0;
		struct pgw_stream s;

		if (fd < 0 || write(fd, req, m) != m) {
			badn++;
			kill_target(t);
			free(b);
			continue;
		}
		/* every other session: the target dies before the first read */
		if (i % 2) {
			k = read(fd, b, 16384);
			len = k > 0 ? k : 0;
		} else {
			before_read++;
		}
		kill_target(t);
		if (k < 0 || pgw_read_all(fd, 4096, &rest, &rlen)) {
			badn++;
		} else {
			b = realloc(b, len + rlen + 1);
			memcpy(b + len, rest, rlen);
			if (pgw_parse(b, len + rlen, &s, err, sizeof(err))) {
				badn++;
			} else {
				if (s.status == -ESRCH)
					esrch++;
				else if (s.status == 0)
					zero++;
				else
					badn++;
				pgw_free(&s);
			}
		}
		free(rest);
		free(b);
		close(fd);
	}
	set_buffer_kib(PGWALK_BUFFER_KIB_DEF);
	ok(badn == 0 && esrch > 0, "%ld sessions outlived their target (%ld killed before the "
	   "first read): %ld END -ESRCH, %ld END 0, %ld bad %s", n, before_read, esrch,
	   zero, badn, err);
	ok(sessions_settled() == 0, "sessions: 0");
	return finish();
}

/* buffer_kib changes mid-session: a session keeps the size it opened with */
static int cmd_param(void)
{
	pid_t t = spawn_target(16, true);
	int fa, fb, m;
	char req[32];
	uint8_t *b = malloc(1 << 20), *all = NULL;
	size_t len = 0, maxread = 0;
	ssize_t k;
	struct pgw_stream s;
	char err[256] = "";
	long orig = get_buffer_kib();

	m = snprintf(req, sizeof(req), "pid=%d", t);
	ok(set_buffer_kib(16) == 0, "buffer_kib set to 16");
	fa = open(WALK, O_RDWR);
	ok(fa >= 0 && write(fa, req, m) == m, "session A opened at 16 KiB, request written");
	ok(set_buffer_kib(512) == 0, "buffer_kib set to 512 with session A open");
	fb = open(WALK, O_RDWR);
	ok(fb >= 0 && write(fb, req, m) == m, "session B opened at 512 KiB");
	/* A reads part, the parameter changes again, A reads the rest */
	k = read(fa, b, 1 << 20);
	if (k > 0) {
		maxread = k;
		all = malloc(k);
		memcpy(all, b, k);
		len = k;
	}
	ok(set_buffer_kib(64) == 0, "buffer_kib set to 64 in the middle of A's stream");
	ok(set_buffer_kib(8) == -EINVAL && get_buffer_kib() == 64,
	   "buffer_kib=8 refused with EINVAL mid-session, the value stays 64");
	while ((k = read(fa, b, 1 << 20)) > 0) {
		if ((size_t)k > maxread)
			maxread = k;
		all = realloc(all, len + k);
		memcpy(all + len, b, k);
		len += k;
	}
	ok(k == 0 && !pgw_parse(all, len, &s, err, sizeof(err)),
	   "A's stream is whole (%zu bytes) %s", len, err);
	if (!err[0] && k == 0) {
		ok(s.buffer_size == 16384 && maxread <= 16384 && s.chunks > 1 && s.status == 0,
		   "A kept its 16 KiB: header buffer_size %u, largest read %zu, %u chunks, END %d",
		   s.buffer_size, maxread, s.chunks, s.status);
		pgw_free(&s);
	}
	free(all);
	all = NULL;
	ok(!pgw_read_all(fb, 1 << 20, &all, &len) && !pgw_parse(all, len, &s, err, sizeof(err)),
	   "B's stream is whole %s", err);
	if (!err[0]) {
		ok(s.buffer_size == 512 * 1024 && s.chunks == 1 && s.status == 0,
		   "B kept its 512 KiB: header buffer_size %u, %u chunk, END %d",
		   s.buffer_size, s.chunks, s.status);
		pgw_free(&s);
	}
	free(all);
	close(fa);
	close(fb);
	fa = open(WALK, O_RDWR);
	if (fa >= 0 && write(fa, req, m) == m && !pgw_read_all(fa, 1 << 20, &all, &len) &&
	    !pgw_parse(all, len, &s, err, sizeof(err))) {
		ok(s.buffer_size == 64 * 1024, "a new session uses the current 64 KiB: %u",
		   s.buffer_size);
		pgw_free(&s);
	} else {
		ok(false, "a new session after the changes %s", err);
	}
	free(all);
	close(fa);
	set_buffer_kib(orig > 0 ? orig : PGWALK_BUFFER_KIB_DEF);
	kill(t, SIGCONT);
	kill_target(t);
	free(b);
	ok(sessions_settled() == 0, "sessions: 0");
	return finish();
}

/*
 * The callbacks of a stream, accessed bits masked (the kernel may age a
 * stopped process: DAMON on 7.3), as one comparable byte string.
 */
static int units_of(const uint8_t *b, size_t len, uint64_t **out, size_t *n,
		    char *err, size_t errlen)
{
	struct pgw_stream s;
	struct pgw_unit *u;
	size_t nu, rep;

	if (pgw_parse(b, len, &s, err, errlen))
		return -1;
	if (pgw_units(&s, 1, &u, &nu, &rep)) {
		pgw_free(&s);
		snprintf(err, errlen, "units");
		return -1;
	}
	*out = calloc(nu * 6 + 2, sizeof(uint64_t));
	for (size_t i = 0; i < nu; i++) {
		uint64_t *o = *out + i * 6;

		o[0] = u[i].kind | (uint64_t)(uint8_t)u[i].level << 8 |
		       (uint64_t)u[i].action << 16;
		o[1] = u[i].a;
		o[2] = u[i].b;
		o[3] = u[i].raw & ~(1ULL << 5);			/* _PAGE_ACCESSED */
		o[4] = u[i].info & ~(uint64_t)PGWALK_INFO_ACCESSED;
		o[5] = u[i].hmask;
	}
	(*out)[nu * 6] = s.status;
	(*out)[nu * 6 + 1] = s.walked_to;
	*n = nu * 6 + 2;
	free(u);
	pgw_free(&s);
	return 0;
}

/*
 * One session on @pid read with @first bytes for its first read and @rest
 * after: its stream, the size of its first read and of its largest.
 */
static uint8_t *read_sized(pid_t pid, size_t first, size_t rest, size_t *len,
			   size_t *first_got, size_t *largest)
{
	int err, fd = start_walk(pid, NULL, &err);
	uint8_t *b = malloc(1 << 20), *all = NULL, *grown;
	ssize_t k = -1;

	*len = *first_got = *largest = 0;
	while (fd >= 0 && b && (k = read(fd, b, *len ? rest : first)) > 0) {
		if (!*len)
			*first_got = k;
		if ((size_t)k > *largest)
			*largest = k;
		grown = realloc(all, *len + k);
		if (!grown) {
			k = -1;
			break;
		}
		all = grown;
		memcpy(all + *len, b, k);
		*len += k;
	}
	if (fd >= 0)
		close(fd);
	free(b);
	if (k < 0) {
		free(all);
		return NULL;
	}
	return all;
}

/*
 * A fill is sized by the read that asks for it (FORMAT.md 2.2): at least
 * 16 KiB, at most the session's buffer. Reads of 16 KiB get fills of
 * 16 KiB, one of 1 MiB a fill of the whole buffer, a 16 KiB read and then
 * 1 MiB reads a small first fill and a large one after; the three streams
 * have the same callbacks.
 */
static int cmd_fills(void)
{
	static const struct {
		const char *what;
		size_t first, rest;
	} how[] = {
		{ "16 KiB reads", 16384, 16384 },
		{ "1 MiB reads", 1 << 20, 1 << 20 },
		{ "a 16 KiB read, then 1 MiB reads", 16384, 1 << 20 },
	};
	pid_t t = spawn_target(16, true);
	long orig = get_buffer_kib();
	uint64_t *u[3] = { NULL };
	size_t nu[3] = { 0 };
	char err[256] = "";

	ok(t > 0 && set_buffer_kib(256) == 0, "target of 16 MiB, buffer_kib 256");
	for (int i = 0; i < 3; i++) {
		size_t len, first, largest, fills;
		uint8_t *b = read_sized(t, how[i].first, how[i].rest, &len, &first, &largest);
		struct pgw_stream s;

		err[0] = '\0';
		if (!b || pgw_parse(b, len, &s, err, sizeof(err))) {
			ok(false, "%s: a whole stream %s", how[i].what, err);
			free(b);
			continue;
		}
		/* more than 16 KiB and less than the buffer, as the test needs */
		ok(len > 3 * 16384 && len < 200 * 1024 && s.buffer_size == 256 * 1024 &&
		   s.status == 0, "%s: %zu bytes, buffer_size %u, END %d", how[i].what, len,
		   s.buffer_size, s.status);
		fills = s.chunks;
		if (i == 0)
			ok(largest <= 16384 && fills >= len / 16384,
			   "%s: every fill at most 16 KiB: largest read %zu, %zu fills for %zu bytes",
			   how[i].what, largest, fills, len);
		else if (i == 1)
			ok(first > 3 * 16384 && fills == 1,
			   "%s: one fill of the whole buffer: first read %zu, %zu fill(s)",
			   how[i].what, first, fills);
		else
			ok(first <= 16384 && largest > 2 * 16384 && fills == 2,
			   "%s: a first fill of 16 KiB, then a large one: first read %zu, largest %zu, %zu fills",
			   how[i].what, first, largest, fills);
		if (units_of(b, len, &u[i], &nu[i], err, sizeof(err)))
			ok(false, "%s: callbacks %s", how[i].what, err);
		pgw_free(&s);
		free(b);
	}
	ok(u[0] && u[1] && u[2] && nu[0] == nu[1] && nu[1] == nu[2] &&
	   !memcmp(u[0], u[1], nu[0] * 8) && !memcmp(u[1], u[2], nu[0] * 8),
	   "the three streams have the same callbacks (%zu, %zu, %zu words)", nu[0], nu[1],
	   nu[2]);
	for (int i = 0; i < 3; i++)
		free(u[i]);
	set_buffer_kib(orig > 0 ? orig : PGWALK_BUFFER_KIB_DEF);
	kill(t, SIGCONT);
	kill_target(t);
	ok(sessions_settled() == 0, "sessions: 0");
	return finish();
}

struct conc {
	pid_t pid;
	pthread_barrier_t *bar;
	uint8_t *b;
	size_t len;
	int err;
};

static void *conc_walker(void *arg)
{
	struct conc *c = arg;

	pthread_barrier_wait(c->bar);
	c->b = walk_once(c->pid, "", 1 + (c->pid % 8192), &c->len, &c->err);
	return NULL;
}

static int cmd_concurrent(long rounds)
{
	pid_t t = spawn_target(8, true);
	uint8_t *ref;
	size_t rlen, nref;
	uint64_t *uref;
	int e;
	char err[256] = "";
	long same = 0, diff = 0, bytes_same = 0;
	pthread_barrier_t bar;

	ref = walk_once(t, "", 1 << 20, &rlen, &e);
	if (!ref || units_of(ref, rlen, &uref, &nref, err, sizeof(err))) {
		ok(false, "the lone walk of a stopped 8 MiB target %s", err);
		kill(t, SIGCONT);
		kill_target(t);
		return finish();
	}
	ok(true, "the lone walk: %zu bytes, %zu callbacks", rlen, (nref - 2) / 6);
	pthread_barrier_init(&bar, NULL, 8);
	for (long r = 0; r < rounds; r++) {
		struct conc c[8];
		pthread_t th[8];

		for (int i = 0; i < 8; i++) {
			c[i] = (struct conc){ .pid = t, .bar = &bar };
			pthread_create(&th[i], NULL, conc_walker, &c[i]);
		}
		for (int i = 0; i < 8; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < 8; i++) {
			uint64_t *u;
			size_t n;

			if (c[i].b && c[i].len == rlen && !memcmp(c[i].b, ref, rlen)) {
				bytes_same++;
				same++;
			} else if (c[i].b && !units_of(c[i].b, c[i].len, &u, &n, err, sizeof(err))) {
				if (n == nref && !memcmp(u, uref, n * 8))
					same++;
				else
					diff++;
				free(u);
			} else {
				diff++;
			}
			free(c[i].b);
		}
	}
	pthread_barrier_destroy(&bar);
	ok(diff == 0, "%ld rounds of 8 concurrent sessions: %ld streams equal the lone walk "
	   "(%ld byte for byte, the rest up to accessed bits), %ld differ %s", rounds, same,
	   bytes_same, diff, err);
	kill(t, SIGCONT);
	kill_target(t);
	free(ref);
	free(uref);
	ok(sessions_settled() == 0, "sessions: 0");
	return finish();
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 20;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s fuzz|walk|rmmod-busy|read-close|outlive|param|fills|concurrent ...\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argc - 2, argv + 2);
	if (!strcmp(argv[1], "walk"))
		return cmd_walk(n);
	if (!strcmp(argv[1], "rmmod-busy"))
		return cmd_rmmod_busy();
	if (!strcmp(argv[1], "read-close"))
		return cmd_read_close(n);
	if (!strcmp(argv[1], "outlive"))
		return cmd_outlive(n);
	if (!strcmp(argv[1], "param"))
		return cmd_param();
	if (!strcmp(argv[1], "fills"))
		return cmd_fills();
	if (!strcmp(argv[1], "concurrent"))
		return cmd_concurrent(n);
	fprintf(stderr, "%s: unknown command %s\n", argv[0], argv[1]);
	return 2;
}
