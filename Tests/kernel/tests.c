// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk-tests: kernel tests of pgwalk.ko, run as root in a booted kernel
 * with the module loaded and debugfs mounted (see run.sh).
 *
 *   pgwalk-tests [--first N] [--test NAME]... main
 *       everything that needs the default buffer
 *   pgwalk-tests [--first N] [--test NAME]... save TARGET_FILE STREAM_FILE SEQ_FILE
 *       walk the big target run.sh started (its output in TARGET_FILE) and
 *       keep the stream in STREAM_FILE, and one with seq in SEQ_FILE, for
 *       "chunk" after a reload; the seq tests on its dense region
 *   pgwalk-tests [--first N] [--test NAME]... chunk TARGET_FILE STREAM_FILE SEQ_FILE
 *       with the module reloaded with buffer_kib=16
 *   pgwalk-tests [--first N] [--test NAME]... callpath
 *       how walk_page_range() and ptrace_may_access() are reached
 *   pgwalk-tests [--first N] [--test NAME]... file STREAM PID
 *       a stream run.sh's shell session saved
 *   pgwalk-tests --list            every test: name, topic, phase, description
 *   pgwalk-tests [--test NAME]... --phases
 *       the phases the tests NAME run in (for run.sh)
 *   pgwalk-tests dump STREAM       a stream's records, as a debugging aid
 *
 * --test NAME (repeatable) runs only the test NAME, or every test of the
 * topic NAME, of the phase, with the phase's own set-up checks (its target
 * starts, no taint); a test of the chunk phase brings in the save-phase
 * test that keeps the stream it compares with. An unknown NAME is an
 * error (exit 2). Without --test a phase runs all its tests, in the
 * order of the table below.
 *
 * Prints "ok N - name" / "not ok N - name: reason" and ends with
 * "N passed, N failed"; exits 1 on any failure.
 *
 * Expected values come from what pgwalk-target set up, /proc/PID/pagemap,
 * /proc/PID/smaps and /proc/vmstat, never from the module's own output.
 *
 * The tests are declared in kt_cases[] below, in the order they run; each
 * topic's tests are in t_TOPIC.c, over the fixture of kt.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

static const char *const phase_name[PH_COUNT] = {
	[PH_MAIN] = "main",
	[PH_SAVE] = "save",
	[PH_CHUNK] = "chunk",
	[PH_CALLPATH] = "callpath",
	[PH_FILE] = "file",
	[PH_SHELL] = "shell",
};

#define BIG (R_SMALL | R_BIG)
/* a test: name, topic, phase, description, function, then its parameters */
#define KT(n, t, ph, d, fn, ...) \
	{ .name = n, .topic = t, .phase = ph, .desc = d, .run = fn, ##__VA_ARGS__ }
#define EINVAL_REQ(n, d, req) \
	KT(n, "errors", PH_MAIN, "EINVAL: " d, t_request_errno, .mode = EINVAL, .tokens = req)

/*
 * Every test, in the order of a whole run. .tokens of t_request_errno is
 * the request, %d standing for the target's pid.
 */
static const struct kt_case kt_cases[] = {
	/* main: the default buffer, a small target */
	KT("header", "stream", PH_MAIN,
	   "stream header: pid, range, levels and geometry as booted", t_header),
	KT("regions-anon", "stream", PH_MAIN,
	   "anon 4K pages: present where written with pagemap PFNs, none where untouched",
	   t_regions, .which = R_ANON),
	KT("regions-zero", "stream", PH_MAIN,
	   "zero-page region: read-only anon pages map the zero page", t_regions, .which = R_ZERO),
	KT("regions-file", "stream", PH_MAIN,
	   "private file mapping (tmpfs): present pages have pagemap PFNs, VMA names the file",
	   t_regions, .which = R_FILE),
	KT("regions-thp", "stream", PH_MAIN,
	   "THP region: one PMD ENTRY leaf, CONTINUE, PFN = pagemap, subpages = PFN + i",
	   t_regions, .which = R_THP),
	KT("thp-not-split", "stream", PH_MAIN,
	   "THP is still a PMD leaf after walks (smaps, thp_split_pmd, second walk)",
	   t_thp_not_split),
	KT("range-read-sizes", "stream", PH_MAIN,
	   "range request inside a VMA, and 7-byte reads give the same bytes",
	   t_range_and_read_sizes),
	KT("compare-aged", "stream", PH_MAIN,
	   "comparing two walks: an accessed bit lost passes only if a third walk agrees; set again, half lost, or dirty changed fails",
	   t_compare_aged),

	EINVAL_REQ("einval-garbage", "malformed request (garbage)", "hello world"),
	EINVAL_REQ("einval-unknown-key", "unknown key", "pid=%d foo=1"),
	EINVAL_REQ("einval-unknown-token", "unknown bare token", "pid=%d verbose"),
	EINVAL_REQ("einval-dup-pid", "duplicate key pid", "pid=%d pid=%d"),
	EINVAL_REQ("einval-dup-start", "duplicate key start", "pid=%d start=0 start=0"),
	EINVAL_REQ("einval-dup-trace", "duplicate trace", "pid=%d trace trace"),
	EINVAL_REQ("einval-trace-value", "trace with a value", "pid=%d trace=1"),
	EINVAL_REQ("einval-dup-seq", "duplicate seq", "pid=%d seq seq"),
	EINVAL_REQ("einval-dup-seq-apart", "duplicate seq, apart", "seq pid=%d trace seq"),
	EINVAL_REQ("einval-seq-value", "seq with a value", "pid=%d seq=1"),
	EINVAL_REQ("einval-no-pid", "missing pid", "start=0 end=0x1000"),
	EINVAL_REQ("einval-newline", "only a newline", "\n"),
	EINVAL_REQ("einval-pid-0", "pid=0", "pid=0"),
	EINVAL_REQ("einval-pid-alpha", "non-numeric pid", "pid=abc"),
	EINVAL_REQ("einval-pid-junk", "pid with trailing junk", "pid=%dx"),
	EINVAL_REQ("einval-pid-negative", "negative pid", "pid=-1"),
	EINVAL_REQ("einval-pid-empty", "empty pid value", "pid="),
	EINVAL_REQ("einval-pid-hex", "hex pid", "pid=0x%x"),
	EINVAL_REQ("einval-start-alpha", "non-numeric start", "pid=%d start=0xzz"),
	EINVAL_REQ("einval-start-overflow", "start overflowing 64 bits",
		   "pid=%d start=0x10000000000000000"),
	KT("einval-range-empty", "errors", PH_MAIN, "EINVAL: empty range start==end",
	   t_range_empty),
	KT("einval-range-inverted", "errors", PH_MAIN, "EINVAL: inverted range",
	   t_range_inverted),
	KT("einval-start-unaligned", "errors", PH_MAIN, "EINVAL: unaligned start",
	   t_start_unaligned),
	KT("einval-end-unaligned", "errors", PH_MAIN, "EINVAL: unaligned end", t_end_unaligned),
	KT("e2big", "errors", PH_MAIN, "E2BIG: 257-byte request", t_request_257),
	KT("request-256", "errors", PH_MAIN, "256-byte request (the limit) is accepted",
	   t_request_256),
	KT("esrch-no-pid", "errors", PH_MAIN, "ESRCH: pid that does not exist", t_pid_missing),
	KT("esrch-reaped", "errors", PH_MAIN, "ESRCH: pid that has exited and was reaped",
	   t_pid_reaped),
	KT("esrch-zombie", "errors", PH_MAIN, "ESRCH: zombie (exited, not reaped)", t_pid_zombie),
	KT("enxio-kthread", "errors", PH_MAIN, "ENXIO: kernel thread (pid 2)", t_kernel_thread),
	KT("erange-end", "errors", PH_MAIN, "ERANGE: end above the user limit",
	   t_end_above_limit),
	KT("erange-2-63", "errors", PH_MAIN, "ERANGE: end at 2^63", t_end_at_2_63),
	KT("end-at-limit", "errors", PH_MAIN, "end equal to the user limit is accepted",
	   t_end_at_limit),
	KT("ebusy", "errors", PH_MAIN, "EBUSY: second request on the same fd", t_ebusy),
	KT("enomsg", "errors", PH_MAIN, "ENOMSG: read before any request", t_enomsg),
	KT("espipe", "errors", PH_MAIN, "ESPIPE: lseek", t_espipe),
	KT("efault", "errors", PH_MAIN, "EFAULT: request from a bad buffer", t_efault),

	KT("concurrent-fds", "concurrency", PH_MAIN,
	   "two sessions, two fds, interleaved reads == one session",
	   t_concurrent, .mode = CONC_FDS, .which = R_SMALL),
	KT("concurrent-threads", "concurrency", PH_MAIN,
	   "two threads reading concurrently == one session",
	   t_concurrent, .mode = CONC_THREADS, .which = R_SMALL),
	KT("concurrent-procs", "concurrency", PH_MAIN,
	   "two processes reading concurrently == one session",
	   t_concurrent, .mode = CONC_PROCS, .which = R_SMALL),
	KT("sessions-count", "concurrency", PH_MAIN, "info sessions counts open fds",
	   t_sessions_count),
	KT("trace-frame", "trace", PH_MAIN,
	   "trace: WALK_BEGIN/END frame each call, callbacks nested, same view as plain",
	   t_trace, .which = R_SMALL, .tokens = "trace"),
	KT("nosysadmin", "access", PH_MAIN,
	   "no CAP_SYS_ADMIN at open: PFNs hidden, PFN_VISIBLE clear, presence right",
	   t_nosysadmin, .mode = 0),
	KT("nosysadmin-after-open", "access", PH_MAIN,
	   "opened with CAP_SYS_ADMIN, used after dropping it: PFNs visible (opener decides)",
	   t_nosysadmin, .mode = 1),
	KT("seq-same", "seq", PH_MAIN,
	   "seq: same units as without seq, PTE_SEQ steps (0,0) or one frame (root, PFNs visible)",
	   t_seq_same),
	KT("seq-same-hidden", "seq", PH_MAIN,
	   "seq without CAP_SYS_ADMIN: same units as without seq, PTE_SEQ steps (0,0)",
	   t_seq_same, .hidden = 1),
	KT("seq-trace", "seq", PH_MAIN, "trace seq: same units and trace records as trace alone",
	   t_seq_same, .mode = 1),
	KT("seq-token-orders", "seq", PH_MAIN,
	   "seq with pid, start, end and trace in every order: accepted, same units",
	   t_seq_token_orders),
	KT("seq-decoder", "seq", PH_MAIN,
	   "decoder: PTE_SEQ breaking a rule of FORMAT.md 5.10 is rejected for that rule",
	   t_seq_decoder),
	KT("seq-pnone", "seq", PH_MAIN,
	   "seq, PROT_NONE (inverted PFNs, frames up and down): same units, PROTNONE, pagemap PFNs (PFNs visible)",
	   t_seq_pnone),
	KT("seq-pnone-hidden", "seq", PH_MAIN,
	   "seq, PROT_NONE (inverted PFNs, frames up and down): same units, PROTNONE (PFNs hidden)",
	   t_seq_pnone, .hidden = 1),
	KT("seq-split", "seq", PH_MAIN,
	   "seq, adjacent VMAs of consecutive frames in one PTE table: same units, no record spans a VMA (PFNs visible)",
	   t_seq_split),
	KT("seq-split-hidden", "seq", PH_MAIN,
	   "seq, adjacent VMAs of consecutive frames in one PTE table: same units, no record spans a VMA (PFNs hidden)",
	   t_seq_split, .hidden = 1),
	KT("unpriv", "access", PH_MAIN,
	   "uid 65534: EACCES for a root target, its own child works with PFNs hidden", t_unpriv),
	KT("unpriv-writer", "access", PH_MAIN,
	   "uid 65534 writing on a root-opened fd: EACCES for a root target", t_unpriv_writer),
	KT("unpriv-opener", "access", PH_MAIN,
	   "uid 65534 opened, root writes: EACCES for a root target (opener's credentials)",
	   t_unpriv_opener),
	KT("exit-midwalk", "lifecycle", PH_MAIN, "target killed mid-walk: END -ESRCH, clean stream",
	   t_exit_midwalk, .tokens = "128"),
	KT("info-keys", "info", PH_MAIN, "info file: every key, consistent with the header and the kernel",
	   t_info, .mode = 262144),

	/* save: the big target, the default buffer */
	KT("save-stream", "chunking", PH_SAVE,
	   "big target walked with the default buffer, stream saved", t_save_stream),
	KT("save-stream-seq", "chunking", PH_SAVE, "big target walked with seq, stream saved",
	   t_save_stream, .tokens = "seq"),
	KT("seq-dense", "seq", PH_SAVE,
	   "seq, big region (PFNs visible): one PTE_SEQ per run of 3+ consecutive frames pagemap shows in a PTE table, bytes as those runs give, same units",
	   t_seq_dense),
	KT("seq-dense-hidden", "seq", PH_SAVE,
	   "seq, big region (PFNs hidden): one PTE_SEQ per PTE table of like entries, bytes as they give, same units",
	   t_seq_dense, .hidden = 1),

	/* chunk: the big target, buffer_kib=16 */
	KT("chunked", "chunking", PH_CHUNK,
	   "chunked stream (16 KiB) == large-buffer stream: nothing lost or repeated",
	   t_chunking, .needs = "save-stream"),
	KT("chunked-seq", "chunking", PH_CHUNK,
	   "chunked seq stream (16 KiB) == large-buffer seq stream: nothing lost or repeated",
	   t_chunking, .tokens = "seq", .needs = "save-stream-seq"),
	KT("trace-chunked", "trace", PH_CHUNK,
	   "trace, chunked: STOP then WALK_END ret 1 per chunk, resume at the STOP address",
	   t_trace, .which = BIG, .mode = 1, .tokens = "trace"),
	KT("trace-seq-chunked", "trace", PH_CHUNK,
	   "trace seq, chunked: STOP and resume as without seq, same view as plain",
	   t_trace, .which = BIG, .mode = 1, .tokens = "trace seq"),
	KT("record-fits-buffer", "chunking", PH_CHUNK,
	   "trace, chunked: every record fits the buffer", t_small_units),
	KT("concurrent-fds-chunked", "concurrency", PH_CHUNK,
	   "two fds, interleaved reads across chunk fills == one session",
	   t_concurrent, .mode = CONC_FDS, .which = BIG),
	KT("concurrent-threads-chunked", "concurrency", PH_CHUNK,
	   "two threads concurrently, chunked == one session",
	   t_concurrent, .mode = CONC_THREADS, .which = BIG),
	KT("exit-midwalk-chunked", "lifecycle", PH_CHUNK,
	   "target killed mid-walk (16 KiB): END -ESRCH, clean stream",
	   t_exit_midwalk, .tokens = "32"),
	KT("info-chunked", "info", PH_CHUNK, "info buffer_size 16384 and header agree",
	   t_info, .mode = 16384),

	/* callpath: the module reloaded with its defaults */
	KT("stubs-traced", "callpath", PH_CALLPATH,
	   "enabled_functions: the stub of each function info calls ftrace has one IPMODIFY ops, pgwalk's handler; an exported one's stub is not traced",
	   t_stubs_traced),
	KT("walk-redirects", "callpath", PH_CALLPATH,
	   "walk_page_range_redirects grows by the END's chunks over a walk (16 KiB buffer), stub_fallthroughs stays 0",
	   t_walk_redirects),
	KT("access-redirects", "callpath", PH_CALLPATH,
	   "ptrace_may_access_redirects grows by 2 for a request (writer, opener), 1 for a writer denied, 0 for a kernel thread",
	   t_access_redirects),

	/* file: run.sh's shell session */
	KT("shell-session", "lifecycle", PH_FILE,
	   "shell session (echo \"pid=N\" >&3; cat <&3): a valid stream", t_file),

	/* run.sh's own checks, listed here so that --test can name them */
	KT("reload-stubs", "callpath", PH_SHELL,
	   "rmmod/insmod: ftrace_enabled=0 refused under the redirect, the stubs leave enabled_functions and come back (run.sh)",
	   NULL),
};

#define N_CASES (sizeof(kt_cases) / sizeof(kt_cases[0]))

/* --test NAME... */
static const char **sel;
static int nsel;

static int names(const struct kt_case *c, const char *name)
{
	return !strcmp(c->name, name) || !strcmp(c->topic, name);
}

/* is c run: named, in a topic named, or needed by a test named? */
static int wanted(const struct kt_case *c)
{
	if (!nsel)
		return 1;
	for (int i = 0; i < nsel; i++) {
		if (names(c, sel[i]))
			return 1;
		for (size_t j = 0; j < N_CASES; j++)
			if (kt_cases[j].needs && !strcmp(kt_cases[j].needs, c->name) &&
			    names(&kt_cases[j], sel[i]))
				return 1;
	}
	return 0;
}

static int phase_wanted(enum kt_phase ph)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (kt_cases[i].phase == ph && wanted(&kt_cases[i]))
			return 1;
	return 0;
}

/* the wanted tests of phase ph, in the table's order */
static void run_cases(struct fixture *fx, enum kt_phase ph)
{
	for (size_t i = 0; i < N_CASES; i++) {
		const struct kt_case *c = &kt_cases[i];

		if (c->phase == ph && wanted(c))
			report(c->desc, c->run(fx, c));
	}
}

/* ------------------------------------------------------------------ */
/* phases: each sets up its fixture, runs its tests, checks the taint */

static void phase_main(struct fixture *fx)
{
	unsigned long taint0 = read_tainted();
	int r;

	r = spawn_target(&fx->t, NULL);
	report("pgwalk-target starts", r);
	if (r)
		return;
	if (fx->t.thp_kb != 2048)
		note("THP region: AnonHugePages %ld kB %s", fx->t.thp_kb, fx->t.thp_none);
	fx->have_w = walk_pid(fx->t.pid, NULL, &fx->w) == 0;
	run_cases(fx, PH_MAIN);
	walk_free(&fx->w);
	end_target(&fx->t);
	report("no oops/warning taint", check_tainted(taint0));
}

static void phase_save(struct fixture *fx)
{
	/* the tests that do not save a stream walk the target as loaded here */
	load_target(&fx->t, fx->tfile);
	why[0] = 0;
	run_cases(fx, PH_SAVE);
}

static void phase_chunk(struct fixture *fx)
{
	unsigned long taint0 = read_tainted();
	int r = load_target(&fx->t, fx->tfile);

	report("big target still running after the reload", r);
	if (r)
		return;
	run_cases(fx, PH_CHUNK);
	report("no oops/warning taint", check_tainted(taint0));
}

static void phase_callpath(struct fixture *fx)
{
	unsigned long taint0 = read_tainted();
	int r = spawn_target(&fx->t, NULL);

	report("pgwalk-target starts", r);
	if (r)
		return;
	run_cases(fx, PH_CALLPATH);
	end_target(&fx->t);
	report("no oops/warning taint", check_tainted(taint0));
}

static void phase_file(struct fixture *fx)
{
	run_cases(fx, PH_FILE);
}

static void list(void)
{
	for (size_t i = 0; i < N_CASES; i++)
		printf("%-26s %-12s %-8s %s\n", kt_cases[i].name, kt_cases[i].topic,
		       phase_name[kt_cases[i].phase], kt_cases[i].desc);
}

/* 0 if every --test NAME names a test or a topic */
static int check_names(void)
{
	for (int i = 0; i < nsel; i++) {
		size_t j = 0;

		while (j < N_CASES && !names(&kt_cases[j], sel[i]))
			j++;
		if (j == N_CASES) {
			fprintf(stderr, "pgwalk-tests: no test or topic named '%s' (pgwalk-tests --list)\n",
				sel[i]);
			return -1;
		}
	}
	return 0;
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

static void usage(void)
{
	fprintf(stderr, "usage: pgwalk-tests [--first N] [--test NAME]... main | save TFILE SFILE SEQFILE | chunk TFILE SFILE SEQFILE | callpath | file STREAM PID\n"
		"       pgwalk-tests --list | [--test NAME]... --phases | dump STREAM\n");
}

int main(int argc, char **argv)
{
	struct fixture fx;
	const char *phase;
	int i = 1, phases = 0;
	char *slash;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!realpath("/proc/self/exe", self_dir))
		strcpy(self_dir, ".");
	slash = strrchr(self_dir, '/');
	if (slash)
		*slash = 0;
	sel = calloc((size_t)argc, sizeof(*sel));
	if (!sel)
		return 2;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--list")) {
			list();
			return 0;
		} else if (!strcmp(argv[i], "--phases")) {
			phases = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--first")) {
			tnum = atoi(argv[++i]) - 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--test")) {
			sel[nsel++] = argv[++i];
		} else {
			usage();
			return 2;
		}
	}
	if (check_names())
		return 2;
	if (phases) {
		for (int p = 0; p < PH_COUNT; p++)
			if (phase_wanted(p))
				printf("%s\n", phase_name[p]);
		return 0;
	}
	if (i >= argc) {
		usage();
		return 2;
	}
	phase = argv[i];
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(phase, "dump") && i + 1 < argc)
		return dump(argv[i + 1]);
	memset(&fx, 0, sizeof(fx));
	if (access(WALK_PATH, F_OK)) {
		tnum++;
		nfail++;
		printf("not ok %d - %s exists: %s (module loaded? debugfs mounted?)\n", tnum,
		       WALK_PATH, strerror(errno));
	} else if (!strcmp(phase, "main")) {
		if (phase_wanted(PH_MAIN))
			phase_main(&fx);
	} else if (!strcmp(phase, "save") && i + 3 < argc) {
		fx.tfile = argv[i + 1];
		fx.sfile = argv[i + 2];
		fx.seqfile = argv[i + 3];
		if (phase_wanted(PH_SAVE))
			phase_save(&fx);
	} else if (!strcmp(phase, "file") && i + 2 < argc) {
		fx.stream = argv[i + 1];
		fx.stream_pid = atoi(argv[i + 2]);
		phase_file(&fx);
	} else if (!strcmp(phase, "chunk") && i + 3 < argc) {
		fx.tfile = argv[i + 1];
		fx.sfile = argv[i + 2];
		fx.seqfile = argv[i + 3];
		if (phase_wanted(PH_CHUNK))
			phase_chunk(&fx);
	} else if (!strcmp(phase, "callpath")) {
		if (phase_wanted(PH_CALLPATH))
			phase_callpath(&fx);
	} else {
		fprintf(stderr, "pgwalk-tests: bad arguments\n");
		return 2;
	}
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
