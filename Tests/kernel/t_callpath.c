// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the call path (kmod/README.md): walk_page_range() and
 * ptrace_may_access() are either exported or reached through a stub of
 * the module that an IPMODIFY ftrace_ops redirects; these tests prove
 * which path is taken, from enabled_functions and info's counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

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

int t_stubs_traced(struct fixture *fx __maybe_unused, const struct kt_case *tc __maybe_unused)
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
int t_walk_redirects(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	long long w0, w1, f0, f1, want;
	unsigned kib;
	struct walk w;
	int ft = via_ftrace("walk_page_range"), r = 0;

	if (ft < 0 || set_buffer_kib(16, &kib))
		return -1;
	w0 = info_count("walk_page_range_redirects");
	f0 = info_count("stub_fallthroughs");
	if (w0 < 0 || f0 < 0 || walk_pid(fx->t.pid, "trace", &w)) {
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
int t_access_redirects(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	struct sec_arg a = { fx->t.pid, -1, NULL };
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
	if (f0 < 0 || c[0] < 0 || walk_pid(fx->t.pid, NULL, &w))
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
