// SPDX-License-Identifier: GPL-2.0
/*
 * bench/kread [-t TOKENS] [-r FIRST,REST] PID [FILE]: the module alone. One
 * debugfs session on PID (request "pid=PID TOKENS", e.g. -t seq as pgwalkctl
 * asks), read to the end and discarded (or saved to FILE): 1 MiB reads, or
 * a first read of FIRST bytes and REST after (-r 16384,65536 reads as
 * pgwalkctl does; the module sizes each fill by the read that asks for it,
 * docs/FORMAT.md 2.2). Prints "bytes=N seconds=S".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	unsigned long long bytes = 0;
	struct timespec t0, t1;
	const char *tokens = "";
	size_t first = sizeof(buf), rest = sizeof(buf);
	char req[128];
	ssize_t got;
	int fd, out = -1;

	for (;;) {
		if (argc > 2 && !strcmp(argv[1], "-t")) {
			tokens = argv[2];
		} else if (argc > 2 && !strcmp(argv[1], "-r")) {
			if (sscanf(argv[2], "%zu,%zu", &first, &rest) != 2 || !first || !rest ||
			    first > sizeof(buf) || rest > sizeof(buf)) {
				fprintf(stderr, "kread: -r FIRST,REST, each 1 to %zu bytes\n",
					sizeof(buf));
				return 2;
			}
		} else {
			break;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: kread [-t TOKENS] [-r FIRST,REST] PID [FILE]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open("/sys/kernel/debug/pgwalk/walk", O_RDWR);
	snprintf(req, sizeof(req), "pid=%s %s", argv[1], tokens);
	if (fd < 0 || write(fd, req, strlen(req)) < 0) {
		perror("pgwalk walk");
		return 1;
	}
	if (argc == 3 && (out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		perror(argv[2]);
		return 1;
	}
	while ((got = read(fd, buf, bytes ? rest : first)) > 0) {
		bytes += got;
		if (out >= 0 && write(out, buf, got) != got) {
			perror("write");
			return 1;
		}
	}
	if (got < 0) {
		perror("read");
		return 1;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("bytes=%llu seconds=%.6f\n", bytes,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
