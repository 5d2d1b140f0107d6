// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of who may walk what (FORMAT.md 2.3): PFNs hidden from an opener
 * without CAP_SYS_ADMIN, EACCES for an unprivileged writer or opener
 * asking for root's target, and an unprivileged user walking its own
 * child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

int t_nosysadmin(struct fixture *fx, const struct kt_case *tc)
{
	struct walk w;
	int r;

	if (walk_nosysadmin(fx->t.pid, NULL, tc->mode, &w))
		return -1;
	/* opened without CAP_SYS_ADMIN: hidden; opened with it: visible */
	r = check_regions(&fx->t, &w, tc->mode, R_SMALL);
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
int sec_unpriv_writer(int out, void *varg)
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
int t_unpriv_opener(struct fixture *fx, const struct kt_case *tc __maybe_unused)
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
	snprintf(req, sizeof(req), "pid=%d", fx->t.pid);
	r = write_req(fd, req);
	close(fd);
	if (r != -EACCES)
		return failf("fd opened by uid 65534, root writes a request for root's target: %s, want EACCES",
			     r ? strerrorname_np(-r) : "accepted");
	return 0;
}

int t_unpriv(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	struct sec_arg a = { fx->t.pid, -1, NULL };
	uint8_t *buf = NULL;
	size_t len = 0;
	int st, r = 0;

	st = in_child(sec_unpriv, &a, &buf, &len);
	if (st || len != 2 || memcmp(buf, "ok", 2))
		r = failf("%.*s", (int)len, buf ? (char *)buf : "");
	free(buf);
	return r;
}

int t_unpriv_writer(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	struct sec_arg a = { fx->t.pid, open(WALK_PATH, O_RDWR), NULL };
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
