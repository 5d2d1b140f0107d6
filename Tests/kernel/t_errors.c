// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the requests the module refuses, and of the edges it accepts:
 * each refusal is a write failing with its errno, after which the same fd
 * reads ENOMSG (nothing walked) and still takes a correct request
 * (FORMAT.md 2). The plain malformed requests are data in tests.c's table
 * (t_request_errno); the others, which need a range of the target, a pid
 * in a given state or an fd used in a given way, are one function each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

/* after a failed write: read gives ENOMSG, then a correct request works */
static int still_usable(const struct target *t, int fd)
{
	char buf[64], req[128];
	struct walk w;
	int r;

	if (read(fd, buf, sizeof(buf)) >= 0 || errno != ENOMSG)
		return failf("read after the failed request: %s (want ENOMSG: nothing walked)",
			     strerror(errno));
	snprintf(req, sizeof(req), "pid=%d start=0x%llx end=0x%llx", t->pid,
		 (unsigned long long)t->anon, (unsigned long long)(t->anon + t->anon_n * PAGE));
	r = write_req(fd, req);
	if (r)
		return failf("correct request after the failed one: %s", strerror(-r));
	if (walk_read(fd, 65536, &w))
		return failf("correct request after the failed one: %s", why);
	r = w.s.status ? failf("correct request after the failed one: END status %d", w.s.status) : 0;
	walk_free(&w);
	return r;
}

static int expect_errno(const struct target *t, const char *req, size_t len, int want)
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
	r = still_usable(t, fd);
	close(fd);
	return r;
}

static int expect_errno_s(const struct target *t, int want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int expect_errno_s(const struct target *t, int want, const char *fmt, ...)
{
	char req[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	return expect_errno(t, req, strlen(req), want);
}

/* ------------------------------------------------------------------ */
/* malformed requests */

/*
 * The request tc->tokens, in which each %d stands for the target's pid
 * (at most two), fails with errno tc->mode.
 */
int t_request_errno(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, tc->mode, tc->tokens, t->pid, t->pid);
}

/* ------------------------------------------------------------------ */
/* ranges */

int t_range_empty(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, EINVAL, "pid=%d start=0x%llx end=0x%llx", t->pid,
			      (unsigned long long)t->anon, (unsigned long long)t->anon);
}

int t_range_inverted(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, EINVAL, "pid=%d start=0x%llx end=0x%llx", t->pid,
			      (unsigned long long)(t->anon + PAGE),
			      (unsigned long long)t->anon);
}

int t_start_unaligned(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, EINVAL, "pid=%d start=0x%llx", t->pid,
			      (unsigned long long)(t->anon + 8));
}

int t_end_unaligned(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, EINVAL, "pid=%d end=0x%llx", t->pid,
			      (unsigned long long)(t->anon + 8));
}

/* ------------------------------------------------------------------ */
/* the request's length */

/* a valid request padded with spaces to size bytes, no NUL */
static void padded_request(const struct target *t, char *req, size_t size)
{
	snprintf(req, size, "pid=%d", t->pid);
	memset(req + strlen(req), ' ', size - strlen(req));
}

int t_request_257(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	char req[600];

	/* 257 bytes: a valid request padded with spaces */
	padded_request(&fx->t, req, sizeof(req));
	return expect_errno(&fx->t, req, 257, E2BIG);
}

int t_request_256(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* exactly 256 bytes is fine */
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r = 0;
	char req[600];
	struct walk w;

	padded_request(&fx->t, req, sizeof(req));
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
	return r;
}

/* ------------------------------------------------------------------ */
/* the pid */

int t_pid_missing(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* a pid above pid_max: no such process */
	return expect_errno_s(&fx->t, ESRCH, "pid=%d", 4194304 + 1000);
}

int t_pid_reaped(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	pid_t p = fork();

	if (!p)
		_exit(0);
	waitpid(p, NULL, 0);
	return expect_errno_s(&fx->t, ESRCH, "pid=%d", p);
}

int t_pid_zombie(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* exited, not reaped: a zombie has no mm */
	int pp[2], r;
	pid_t p;
	char ch;

	if (pipe(pp))
		pp[0] = pp[1] = -1;
	p = fork();
	if (!p) {
		close(pp[0]);
		_exit(0);
	}
	close(pp[1]);
	while (read(pp[0], &ch, 1) > 0)
		;
	close(pp[0]);
	usleep(100000);	/* let it finish exiting */
	r = expect_errno_s(&fx->t, ESRCH, "pid=%d", p);
	waitpid(p, NULL, 0);
	return r;
}

int t_kernel_thread(struct fixture *fx, const struct kt_case *tc __maybe_unused)
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
		return 1;
	}
	return expect_errno_s(&fx->t, ENXIO, "pid=2");
}

/* ------------------------------------------------------------------ */
/* the user limit */

int t_end_above_limit(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	return expect_errno_s(&fx->t, ERANGE, "pid=%d end=0x%llx", fx->t.pid,
			      (unsigned long long)(expected_task_size() + PAGE));
}

int t_end_at_2_63(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;

	return expect_errno_s(t, ERANGE, "pid=%d start=0x%llx end=0x8000000000000000",
			      t->pid, (unsigned long long)t->anon);
}

int t_end_at_limit(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* end == task_size exactly is fine */
	uint64_t ts = expected_task_size();
	char req[600];
	struct walk w;
	int r;

	snprintf(req, sizeof(req), "pid=%d start=0x%llx end=0x%llx", fx->t.pid,
		 (unsigned long long)(ts - HPAGE), (unsigned long long)ts);
	r = walk_req(req, 65536, &w);
	if (!r) {
		r = w.s.end != ts ? failf("end 0x%llx", (unsigned long long)w.s.end) : 0;
		walk_free(&w);
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* the fd */

int t_ebusy(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* EBUSY: a second request on the same fd; the first stream is intact */
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r = 0;
	const struct target *t = &fx->t;
	struct walk w;
	char ok[128];

	snprintf(ok, sizeof(ok), "pid=%d start=0x%llx end=0x%llx", t->pid,
		 (unsigned long long)t->anon, (unsigned long long)(t->anon + t->anon_n * PAGE));
	if (fd < 0 || write_req(fd, ok))
		r = failf("first request failed: %s", strerror(errno));
	else if (write(fd, ok, strlen(ok)) >= 0 || errno != EBUSY)
		r = failf("second request: %s, want EBUSY", strerror(errno));
	else if (!walk_read(fd, 65536, &w)) {
		r = w.s.start != t->anon ? failf("stream after EBUSY is not the first request's")
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
	return r;
}

int t_enomsg(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r = 0;
	char b[16];

	if (fd < 0)
		r = failf("open: %s", strerror(errno));
	else if (read(fd, b, sizeof(b)) >= 0 || errno != ENOMSG)
		r = failf("read before any request: %s, want ENOMSG", strerror(errno));
	else
		r = still_usable(&fx->t, fd);
	if (fd >= 0)
		close(fd);
	return r;
}

int t_espipe(struct fixture *fx __maybe_unused, const struct kt_case *tc __maybe_unused)
{
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		r = failf("open: %s", strerror(errno));
	else if (lseek(fd, 0, SEEK_SET) >= 0 || errno != ESPIPE)
		r = failf("lseek: %s, want ESPIPE", strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

static void *volatile bad_ptr = (void *)8;

int t_efault(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	int fd = open(WALK_PATH, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		r = failf("open: %s", strerror(errno));
	else if (write(fd, bad_ptr, 16) >= 0 || errno != EFAULT)
		r = failf("write from a bad pointer: %s, want EFAULT", strerror(errno));
	else
		r = still_usable(&fx->t, fd);
	if (fd >= 0)
		close(fd);
	return r;
}
