// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the session's lifecycle against its target's and the
 * module's: a target killed in the middle of a walk (the stream ends
 * -ESRCH, clean), and the stream of a session run from a shell (FORMAT.md
 * 1.2) that run.sh saved.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

/* tc->tokens: the size of the target's big region, in MiB */
int t_exit_midwalk(struct fixture *fx __maybe_unused, const struct kt_case *tc)
{
	const char *mib = tc->tokens;
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

/* a stream produced by the shell session of FORMAT.md 1.2 */
int t_file(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const char *path = fx->stream;
	pid_t pid = fx->stream_pid;
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
