/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared fixture of pgwalk-tests: TAP reporting (tap.c), the target
 * process and walk sessions (fixture.c), the checks every topic uses on a
 * walk (checks.c), and the table that declares the tests (tests.c). Each
 * t_*.c holds the tests of one topic.
 */
#ifndef PGWALK_KT_H
#define PGWALK_KT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pgw_stream.h"

#define WALK_PATH "/sys/kernel/debug/pgwalk/walk"
#define INFO_PATH "/sys/kernel/debug/pgwalk/info"
#define PAGE 4096ULL
#define HPAGE (2ULL << 20)
/* x86-64 PTE bits */
#define X86_PFN_MASK 0x000ffffffffff000ULL
#define X86_AD_MASK 0x60ULL
#define X86_ACCESSED 0x20ULL
#define INFO_AD_MASK (PGWALK_INFO_ACCESSED | PGWALK_INFO_DIRTY)

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)

#define __maybe_unused __attribute__((__unused__))

/* ------------------------------------------------------------------ */
/* reporting (tap.c) */

/* why the last check failed or was skipped */
extern char why[4096];

/* TAP counters: the last test number printed, tests passed and failed */
extern int tnum, npass, nfail;

int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report(const char *name, int r);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------ */
/* the target (fixture.c) */

struct target {
	pid_t pid;
	int in_fd;		/* its stdin, closing it ends it; -1 if not ours */
	int ours;
	uint64_t anon, zero, file, thp, big, high;
	unsigned anon_n, zero_n, file_n;
	uint64_t big_n;
	uint64_t pnone[2];	/* PROT_NONE, written upwards, downwards */
	uint64_t split[2];	/* adjacent VMAs: PROT_READ, MADV_DONTDUMP blocks */
	unsigned pnone_n, split_n, split_block;
	uint64_t drain_n;	/* pages the target wrote before those regions */
	char anon_bits[256], file_bits[256], file_path[256], high_bits[8];
	long thp_kb;		/* AnonHugePages the target saw, -1: no THP */
	char thp_none[256];
};

extern char self_dir[];

int spawn_target(struct target *t, const char *big_mib);
int load_target(struct target *t, const char *file);
void end_target(struct target *t);

/* /proc */
int read_pagemap(pid_t pid, uint64_t addr, uint64_t n, uint64_t *pm);
long long vmstat(const char *key);
int booted_levels(void);
uint64_t expected_task_size(void);
unsigned long read_tainted(void);
int check_tainted(unsigned long before);

/* ------------------------------------------------------------------ */
/* walk sessions (fixture.c) */

struct walk {
	uint8_t *buf;
	size_t len;
	struct pgw_stream s;
	struct pgw_unit *u;
	size_t nu, repeats;
	const struct pgw_unit **l;
	size_t nl;
};

void walk_free(struct walk *w);
int walk_parse(struct walk *w);
int write_req(int fd, const char *req);
int walk_read(int fd, size_t rdchunk, struct walk *w);
int walk_req(const char *req, size_t rdchunk, struct walk *w);
int walk_pid(pid_t pid, const char *extra, struct walk *w);
int walk_nosysadmin(pid_t pid, const char *tokens, int open_before, struct walk *w);
int walk_as(pid_t pid, const char *tokens, int hidden, struct walk *w);
int info_get(const char *key, char *val, size_t vlen);

/* child processes */
struct sec_arg {
	pid_t target;
	int fd;			/* an fd opened before, or -1 */
	const char *tokens;	/* more request tokens ("seq", a range), or NULL */
};

int drop_cap(int cap);
int in_child(int (*fn)(int fd, void *arg), void *arg, uint8_t **out, size_t *outlen);
int write_all(int fd, const void *b, size_t n);

/* ------------------------------------------------------------------ */
/* checks on a walk (checks.c) */

/* the target's regions check_regions() looks at */
#define R_ANON 1
#define R_ZERO 2
#define R_FILE 4
#define R_THP 8
#define R_BIG 16
#define R_HIGH 32
#define R_SMALL (R_ANON | R_ZERO | R_FILE | R_THP | R_HIGH)

/*
 * How compare_units() treats the accessed bit of two walks of an idle
 * target. x86 sets an entry's accessed bit (_PAGE_ACCESSED, bit 5; the
 * info word's ACCESSED) on any access through it, and the kernel clears it
 * whenever it ages memory, behind the target's back and while the target
 * sleeps: reclaim (folio_referenced), MGLRU's aging walks and look-around
 * (lru_gen, which also clears non-leaf PMDs' bit on x86), idle page
 * tracking, DAMON. Debian's 7.3 starts DAMON_STAT at boot
 * (CONFIG_DAMON_STAT_ENABLED_DEFAULT=y): its kdamond samples physical
 * memory and clears the bit of every PTE that maps a sampled frame
 * (damon_pa_mkold), so the entries of an idle target lose it one by one,
 * more every second (seen on 7.3.4: raw 0x...867 in one walk, 0x...847 in
 * the next). Any kernel may do the same under memory pressure or with
 * DAMON configured. Nothing but an access sets the bit again, and the
 * targets are idle.
 */
enum cmp_ad {
	CMP_EXACT,	/* every bit */
	CMP_NO_AD,	/* ignore accessed and dirty */
	CMP_AGED,	/* y walked after x: see compare_aged() */
};

/* How to walk a target again: its pid, the request's other tokens, as root or not. */
struct rewalk {
	pid_t pid;
	const char *tokens;	/* NULL: the whole address space */
	int hidden;		/* by a child without CAP_SYS_ADMIN (PFNs hidden) */
};

const struct pgw_unit *find_vma(const struct walk *w, uint64_t start);
const char *leaf_desc(const struct pgw_unit *u);
int is_none_leaf(const struct pgw_unit *u);
int check_present_pte(const struct walk *w, uint64_t va, uint64_t pm, int visible,
		      const char *what);
int check_regions(const struct target *t, const struct walk *w, int visible, unsigned which);
int compare_units(const struct walk *x, const struct walk *y, enum cmp_ad mode,
		  const char *what, size_t *lost);
int confirm_aged(const struct walk *y, const struct walk *z, const char *what, size_t lost,
		 size_t *lost2);
int compare_aged(const struct walk *x, const struct walk *y, const char *what,
		 const struct rewalk *rw, size_t *lost_sum);
int check_trace(const struct walk *w);
int check_seq_recs(const struct walk *w, int visible, int complete);

/* ------------------------------------------------------------------ */
/* the tests (tests.c declares them, t_*.c hold them) */

/*
 * What a test runs in: a phase of run.sh (each a run of pgwalk-tests,
 * with the module as run.sh left it) and what the phase set up.
 */
enum kt_phase {
	PH_MAIN,	/* the default buffer, a small target spawned */
	PH_SAVE,	/* the big target run.sh started, default buffer */
	PH_CHUNK,	/* the same target, the module reloaded with buffer_kib=16 */
	PH_CALLPATH,	/* the module reloaded with its defaults, a small target */
	PH_FILE,	/* a stream run.sh's shell session saved */
	PH_SHELL,	/* checked by run.sh itself, not by pgwalk-tests */
	PH_COUNT,
};

struct fixture {
	struct target t;	/* the phase's target */
	struct walk w;		/* PH_MAIN: a full walk of it, root, no trace */
	int have_w;
	const char *tfile;	/* PH_SAVE, PH_CHUNK: the big target's output */
	const char *sfile;	/* ... its stream saved with the default buffer */
	const char *seqfile;	/* ... and with seq */
	const char *stream;	/* PH_FILE: the shell session's stream */
	pid_t stream_pid;	/* ... of this pid */
};

struct kt_case;
typedef int kt_fn(struct fixture *fx, const struct kt_case *tc);

struct kt_case {
	const char *name;	/* --test NAME */
	const char *topic;	/* --test TOPIC runs all of its tests */
	enum kt_phase phase;
	const char *desc;	/* the TAP line's description */
	kt_fn *run;		/* 0 pass, -1 fail, 1 skip (reason in why) */
	unsigned which;		/* R_* regions the test checks */
	int mode;		/* the test's variant, as the test says */
	int hidden;		/* walks without CAP_SYS_ADMIN (PFNs hidden) */
	const char *tokens;	/* request tokens or another string argument */
	const char *needs;	/* a test of an earlier phase this one needs */
};

/* stream: the header and the target's regions (t_stream.c) */
kt_fn t_header, t_regions, t_thp_not_split, t_range_and_read_sizes, t_compare_aged;
/* errors (t_errors.c) */
kt_fn t_request_errno, t_range_empty, t_range_inverted, t_start_unaligned, t_end_unaligned,
	t_request_257, t_request_256, t_pid_missing, t_pid_reaped, t_pid_zombie,
	t_kernel_thread, t_end_above_limit, t_end_at_2_63, t_end_at_limit, t_ebusy, t_enomsg,
	t_espipe, t_efault;
/* concurrency (t_concurrency.c); kt_case.mode of t_concurrent */
enum { CONC_FDS, CONC_THREADS, CONC_PROCS };
kt_fn t_concurrent, t_sessions_count;
/* trace (t_trace.c) */
kt_fn t_trace;
/* access (t_access.c) */
kt_fn t_nosysadmin, t_unpriv, t_unpriv_writer, t_unpriv_opener;
int sec_unpriv_writer(int out, void *varg);
/* seq (t_seq.c) */
kt_fn t_seq_same, t_seq_token_orders, t_seq_decoder, t_seq_dense, t_seq_pnone, t_seq_split;
/* chunking (t_chunking.c) */
kt_fn t_save_stream, t_chunking, t_small_units;
/* lifecycle (t_lifecycle.c) */
kt_fn t_exit_midwalk, t_file;
/* info (t_info.c) */
kt_fn t_info;
/* callpath (t_callpath.c) */
kt_fn t_stubs_traced, t_walk_redirects, t_access_redirects;

#endif
