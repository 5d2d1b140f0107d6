// SPDX-License-Identifier: GPL-2.0
/*
 * churn-walk [--children] (--seconds S | --count N) PID
 *
 * Raw debugfs sessions against a target that changes while it is walked
 * (racing.sh): open the walk file, write one request (pid=, sometimes with
 * trace, sometimes without seq, sometimes a sub-range), read the stream in
 * pieces of a varying size, and check it with the C test decoder
 * (Tests/kernel/pgw_stream.c, written from docs/FORMAT.md). Every stream
 * must be valid and end with status 0 (then walked_to == end) or -ESRCH
 * (the target died). With --children each session targets one of PID's
 * children at random (they exit at any moment), or PID when it has none;
 * a request refused with ESRCH then counts as a target gone before the
 * walk, not as a failure.
 *
 * Prints one line: "sessions N end0 N esrch N req_esrch N bad N bytes N"
 * and, for each bad session, what was wrong on stderr. Exit 0 when there
 * was at least one session and no bad one, else 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/pgw_stream.h"

#define WALK_PATH "/sys/kernel/debug/pgwalk/walk"

static unsigned long rnd_state = 0x9e3779b97f4a7c15UL;

static unsigned long rnd(unsigned long n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* one of pid's children at random, or pid itself when it has none */
static int pick_child(int pid)
{
	char path[64];
	int kids[512], n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (!f)
		return pid;
	while (n < 512 && fscanf(f, "%d", &kids[n]) == 1)
		n++;
	fclose(f);
	return n ? kids[rnd(n)] : pid;
}

int main(int argc, char **argv)
{
	static const size_t chunks[] = { 512, 4096, 16384, 65536, 1 << 20 };
	long sessions = 0, end0 = 0, esrch = 0, req_esrch = 0, bad = 0;
	unsigned long long bytes = 0;
	int children = 0, pid = 0;
	double seconds = 0, t0;
	long count = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--children"))
			children = 1;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atol(argv[++i]);
		else
			pid = atoi(argv[i]);
	}
	if (pid <= 0 || (seconds <= 0 && count <= 0)) {
		fprintf(stderr, "usage: churn-walk [--children] (--seconds S | --count N) PID\n");
		return 2;
	}
	rnd_state ^= (unsigned long)getpid() << 16;
	t0 = now();
	while (count ? sessions + req_esrch < count : now() - t0 < seconds) {
		int target = children ? pick_child(pid) : pid;
		char req[128], err[256];
		struct pgw_stream s;
		uint8_t *buf = NULL;
		size_t len = 0;
		int fd, n, r;

		fd = open(WALK_PATH, O_RDWR);
		if (fd < 0) {
			perror("open " WALK_PATH);
			return 1;
		}
		n = snprintf(req, sizeof(req), "pid=%d", target);
		if (rnd(4) == 0)
			n += snprintf(req + n, sizeof(req) - n, " trace");
		if (rnd(3) != 0)
			n += snprintf(req + n, sizeof(req) - n, " seq");
		if (rnd(4) == 0)
			/* the lower 128 TiB from a random 1 GiB boundary */
			n += snprintf(req + n, sizeof(req) - n, " start=0x%lx",
				      rnd(1UL << 16) << 30);
		if (write(fd, req, n) != n) {
			int e = errno;

			close(fd);
			if (e == ESRCH && target != pid) {
				req_esrch++;
				continue;
			}
			fprintf(stderr, "bad: write \"%s\": %s\n", req, strerror(e));
			bad++;
			sessions++;
			continue;
		}
		sessions++;
		/* the stream in pieces of 512 B to 1 MiB */
		r = pgw_read_all(fd, chunks[rnd(5)], &buf, &len);
		close(fd);
		bytes += len;
		if (r) {
			fprintf(stderr, "bad: read \"%s\": %s\n", req, strerror(-r));
			bad++;
		} else if (pgw_parse(buf, len, &s, err, sizeof(err))) {
			fprintf(stderr, "bad: \"%s\": stream of %zu bytes: %s\n", req, len, err);
			bad++;
		} else {
			if (s.status == 0 && s.walked_to == s.end) {
				end0++;
			} else if (s.status == -ESRCH) {
				esrch++;
			} else {
				fprintf(stderr, "bad: \"%s\": END status %d walked_to 0x%llx end 0x%llx\n",
					req, s.status, (unsigned long long)s.walked_to,
					(unsigned long long)s.end);
				bad++;
			}
			pgw_free(&s);
		}
		free(buf);
	}
	printf("sessions %ld end0 %ld esrch %ld req_esrch %ld bad %ld bytes %llu\n",
	       sessions, end0, esrch, req_esrch, bad, bytes);
	return sessions > 0 && bad == 0 ? 0 : 1;
}
