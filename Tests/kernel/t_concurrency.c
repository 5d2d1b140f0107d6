// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of sessions side by side: two fds read in turns, two threads and
 * two processes reading at once each give what one session alone gives,
 * and info's sessions count follows the open fds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

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

int t_concurrent(struct fixture *fx, const struct kt_case *tc)
{
	char req[128];
	struct walk ref, w[2];
	int r = 0;

	snprintf(req, sizeof(req), "pid=%d", fx->t.pid);
	if (walk_req(req, 65536, &ref))
		return -1;
	memset(w, 0, sizeof(w));
	if (tc->mode == CONC_FDS) {
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
	} else if (tc->mode == CONC_THREADS) {
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
		else if (check_regions(&fx->t, &w[i], 1, tc->which))
			r = failf("session %d: %s", i, why);
		else if (compare_units(&ref, &w[i], CMP_NO_AD, "vs a lone session", NULL))
			r = -1;
	}
	walk_free(&ref);
	walk_free(&w[0]);
	walk_free(&w[1]);
	return r;
}

int t_sessions_count(struct fixture *fx __maybe_unused, const struct kt_case *tc __maybe_unused)
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
