// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of seq, the PTE_SEQ records of FORMAT.md 5.10: a walk with seq
 * gives the same units as one without, folds what 5.10 says it folds (the
 * quiet target, the big region's dense pages, PROT_NONE's inverted PFNs,
 * adjacent VMAs of consecutive frames), takes its tokens in any order,
 * and the decoder holds a PTE_SEQ to every rule of 5.10.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

/* The target walked without seq (@ptok) and then with it (@stok). */
static int walk_pair(const struct target *t, const char *ptok, const char *stok, int hidden,
		     struct walk *plain, struct walk *seq)
{
	if (walk_as(t->pid, ptok, hidden, plain))
		return -1;
	if (walk_as(t->pid, stok, hidden, seq)) {
		walk_free(plain);
		return -1;
	}
	return 0;
}

struct seq_stats {
	size_t runs, nones, seqs;	/* PTE_RUN, NONE_RUN, PTE_SEQ records */
	uint64_t seq_elems;		/* pte_entry calls the PTE_SEQs stand for */
	unsigned max_n;			/* the longest PTE_SEQ */
};

static void seq_count(const struct walk *w, struct seq_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type == PGWALK_REC_PTE_RUN)
			st->runs++;
		else if (r->type == PGWALK_REC_NONE_RUN)
			st->nones++;
		if (r->type != PGWALK_REC_PTE_SEQ)
			continue;
		st->seqs++;
		st->seq_elems += r->arg16;
		if (r->arg16 > st->max_n)
			st->max_n = r->arg16;
	}
}

static size_t pte_recs(const struct seq_stats *st)
{
	return st->runs + st->nones + st->seqs;
}

/* The trace records of two walks (5.8: the callback frame), one by one. */
static int compare_trace_recs(const struct walk *x, const struct walk *y, const char *what)
{
	size_t i = 0, j = 0;

	for (;; i++, j++) {
		const struct pgw_rec *a, *b;

		while (i < x->s.nrecs && x->s.recs[i].type < PGWALK_REC_WALK_BEGIN)
			i++;
		while (j < y->s.nrecs && y->s.recs[j].type < PGWALK_REC_WALK_BEGIN)
			j++;
		if (i == x->s.nrecs || j == y->s.nrecs)
			break;
		a = &x->s.recs[i];
		b = &y->s.recs[j];
		if (a->type != b->type || a->arg8 != b->arg8 || a->arg16 != b->arg16 ||
		    a->a != b->a || a->b != b->b || a->c != b->c)
			return failf("%s: trace record %s at %zu vs %s at %zu (0x%llx vs 0x%llx)",
				     what, pgw_type_name(a->type), a->off, pgw_type_name(b->type),
				     b->off, (unsigned long long)a->a, (unsigned long long)b->a);
	}
	if (i != x->s.nrecs || j != y->s.nrecs)
		return failf("%s: %zu vs %zu trace records", what, x->s.n_trace, y->s.n_trace);
	return 0;
}

/*
 * seq changes how pte_entry calls are written, nothing else: the quiet
 * target walked with and without it gives the same units, value for
 * value (and with trace the same trace records). Where PFNs are hidden
 * every run of like pages folds.
 */
int t_seq_same(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	int hidden = tc->hidden, trace = tc->mode;
	const char *ptok = trace ? "trace" : NULL, *stok = trace ? "trace seq" : "seq";
	const struct rewalk rw = { t->pid, ptok, hidden };
	struct walk plain, seq;
	struct seq_stats st;
	int complete, r;

	if (walk_pair(t, ptok, stok, hidden, &plain, &seq))
		return -1;
	seq_count(&seq, &st);
	complete = plain.s.chunks == 1 && seq.s.chunks == 1;
	if (!(seq.s.flags & PGWALK_HDR_SEQ) || (plain.s.flags & PGWALK_HDR_SEQ))
		r = failf("SEQ flag: 0x%x with seq, 0x%x without", seq.s.flags, plain.s.flags);
	else if (!st.seqs)
		r = failf("no PTE_SEQ record, though the zero-page region is %u like entries",
			  t->zero_n);
	else if (compare_aged(&plain, &seq, "seq vs without", &rw, NULL))
		r = -1;
	else if (check_regions(t, &seq, !hidden, R_SMALL))
		r = -1;
	else if (check_seq_recs(&seq, !hidden, complete))
		r = -1;
	else if (trace && (check_trace(&seq) || compare_trace_recs(&plain, &seq, "seq vs without")))
		r = -1;
	/* 5.10: longer by at most a record header for each PTE_RUN it cut */
	else if (complete && seq.len > plain.len + 16 * st.runs)
		r = failf("%zu bytes with seq, %zu without: more than 16 per PTE_RUN (%zu) longer",
			  seq.len, plain.len, st.runs);
	else
		r = 0;
	note("\"%s\"%s: %zu bytes (%zu without), %zu PTE_SEQ for %llu pages, n up to %u",
	     stok, hidden ? " without CAP_SYS_ADMIN" : "", seq.len, plain.len, st.seqs,
	     (unsigned long long)st.seq_elems, st.max_n);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/* The k-th of the n! orders of 0..n-1 (factorial number system). */
static void nth_order(unsigned k, unsigned n, unsigned *order)
{
	unsigned pool[8], f = 1;

	for (unsigned i = 0; i < n; i++) {
		pool[i] = i;
		f *= i ? i : 1;
	}
	/* f = (n-1)! */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = k / f;

		k %= f;
		order[i] = pool[j];
		memmove(pool + j, pool + j + 1, (n - 1 - i - j) * sizeof(*pool));
		if (n - 1 - i)
			f /= n - 1 - i;
	}
}

/*
 * One request with the tokens of mask (bit i: tok[i]) in one order:
 * accepted, flags and range as asked, the same units as ref.
 */
static int try_order(char tok[][64], unsigned mask, const unsigned *order, unsigned n,
		     const struct walk *ref, const struct rewalk *rw, size_t *lost)
{
	char req[256] = "";
	struct walk w;
	int trace = !!(mask & 1 << 3), r = 0;

	for (unsigned i = 0; i < n; i++)
		snprintf(req + strlen(req), sizeof(req) - strlen(req), "%s%s", i ? " " : "",
			 tok[order[i]]);
	if (walk_req(req, 65536, &w))
		return failf("\"%s\": %s", req, why);
	if (w.s.status || !(w.s.flags & PGWALK_HDR_SEQ) ||
	    !!(w.s.flags & PGWALK_HDR_TRACE) != trace || w.s.start != ref->s.start ||
	    w.s.end != ref->s.end)
		r = failf("\"%s\": status %d flags 0x%x range [0x%llx,0x%llx)", req, w.s.status,
			  w.s.flags, (unsigned long long)w.s.start, (unsigned long long)w.s.end);
	else if (trace && check_trace(&w))
		r = failf("\"%s\": %s", req, why);
	else if (compare_aged(ref, &w, req, rw, lost))
		r = -1;
	walk_free(&w);
	return r;
}

/*
 * seq with pid and any of start, end and trace, in every order: the
 * request is a set of tokens (FORMAT.md 2).
 */
int t_seq_token_orders(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;
	char tok[5][64], req[256], rtok[130];
	uint64_t s = t->anon, e = t->zero + t->zero_n * PAGE;
	unsigned order[5], orders = 0;
	size_t lost = 0;
	int r = 0;

	/* bits 0 pid, 1 start, 2 end, 3 trace, 4 seq; pid and seq always */
	snprintf(tok[0], sizeof(tok[0]), "pid=%d", t->pid);
	snprintf(tok[1], sizeof(tok[1]), "start=0x%llx", (unsigned long long)s);
	snprintf(tok[2], sizeof(tok[2]), "end=%llu", (unsigned long long)e);
	snprintf(tok[3], sizeof(tok[3]), "trace");
	snprintf(tok[4], sizeof(tok[4]), "seq");
	for (unsigned opt = 0; opt < 8 && !r; opt++) {
		unsigned mask = 1 | opt << 1 | 1 << 4, idx[5], n = 0, fact = 1;
		struct rewalk rw = { t->pid, NULL, 0 };
		struct walk ref;

		/* the reference: the same range, neither trace nor seq */
		snprintf(rtok, sizeof(rtok), "%s%s%s", mask & 2 ? tok[1] : "",
			 (mask & 6) == 6 ? " " : "", mask & 4 ? tok[2] : "");
		if (rtok[0])
			rw.tokens = rtok;
		snprintf(req, sizeof(req), "%s%s%s", tok[0], rtok[0] ? " " : "", rtok);
		if (walk_req(req, 65536, &ref))
			return failf("\"%s\": %s", req, why);
		for (unsigned i = 0; i < 5; i++)
			if (mask & 1 << i)
				idx[n++] = i;
		for (unsigned i = 2; i <= n; i++)
			fact *= i;
		for (unsigned k = 0; k < fact && !r; k++) {
			unsigned perm[5];

			nth_order(k, n, perm);
			for (unsigned i = 0; i < n; i++)
				order[i] = idx[perm[i]];
			r = try_order(tok, mask, order, n, &ref, &rw, &lost);
			orders++;
		}
		walk_free(&ref);
	}
	if (!r)
		note("seq: %u token orders accepted; %zu accessed bits found lost against the reference walks (the kernel aging idle memory)",
		     orders, lost);
	return r;
}

/* Little-endian store into a stream copy. */
static void put_le(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

struct mutant {
	const char *what;
	struct { size_t off; unsigned width; uint64_t val; } set[2];	/* width 0: unused */
	const char *want;	/* in the decoder's message; NULL: must be accepted */
};

/* pgw_parse of w's bytes changed as m says: does it answer as m wants? */
static int try_mutant(const struct walk *w, const struct mutant *m)
{
	uint8_t *b = malloc(w->len);
	struct pgw_stream s;
	char err[512] = "";
	int bad, r = 0;

	if (!b)
		return failf("out of memory");
	memcpy(b, w->buf, w->len);
	for (int i = 0; i < 2; i++)
		if (m->set[i].width)
			put_le(b + m->set[i].off, m->set[i].width, m->set[i].val);
	bad = pgw_parse(b, w->len, &s, err, sizeof(err));
	if (!m->want && bad)
		r = failf("%s: rejected (%s), the format allows it", m->what, err);
	else if (m->want && !bad)
		r = failf("%s: accepted", m->what);
	else if (m->want && !strstr(err, m->want))
		r = failf("%s: rejected for another reason: %s (want '%s')", m->what, err, m->want);
	pgw_free(&s);
	free(b);
	return r;
}

/*
 * The decoder enforces 5.10 on a real PTE_SEQ: each mutant breaks one
 * rule and must be rejected for that rule.
 */
int t_seq_decoder(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	struct walk w;
	const struct pgw_rec *q = NULL;
	uint64_t pmd_pages;
	size_t o;
	int r = 0;

	if (walk_pid(fx->t.pid, "seq", &w))
		return -1;
	/* a PTE_SEQ that does not start a PTE table, so that it can cross one */
	pmd_pages = w.s.ptrs[4];
	for (size_t i = 0; i < w.s.nrecs && !q; i++)
		if (w.s.recs[i].type == PGWALK_REC_PTE_SEQ && w.s.recs[i].a / PAGE % pmd_pages)
			q = &w.s.recs[i];
	if (!q) {
		walk_free(&w);
		return failf("no PTE_SEQ off a PMD boundary in the target's walk");
	}
	o = q->off;
	{
		/* offsets: the header's flags at 12; the record's arg8 at +1, count +2,
		 * len +4, addr +8, raw +16, info +24, raw_step +32, info_step +40 */
		const struct mutant m[] = {
			{ "without the header's SEQ flag",
			  { { 12, 4, w.s.flags & ~PGWALK_HDR_SEQ } }, "without SEQ flag" },
			{ "len 56", { { o + 4, 4, 56 } }, "expected 48" },
			{ "arg8 3", { { o + 1, 1, 3 } }, "arg8 3" },
			{ "count 0", { { o + 2, 2, 0 } }, "count 0" },
			{ "count ptrs_per_pte + 1", { { o + 2, 2, w.s.ptrs[4] + 1 } }, "count" },
			{ "crossing its PMD",
			  { { o + 2, 2, pmd_pages - q->a / PAGE % pmd_pages + 1 } },
			  "crosses a PMD boundary" },
			{ "addr 0, below the previous coverage", { { o + 8, 8, 0 } },
			  "below the previous coverage" },
			{ "raw_step wrapping", { { o + 32, 8, 1ULL << 63 } }, "wrap" },
			{ "info_step wrapping", { { o + 40, 8, 1ULL << 63 } }, "wrap" },
			{ "first element none with raw 0", { { o + 16, 8, 0 }, { o + 24, 8, 0 } },
			  "none with raw 0" },
			{ "count 1 (the format sets no minimum)", { { o + 2, 2, 1 } }, NULL },
		};

		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]) && !r; i++)
			r = try_mutant(&w, &m[i]);
	}
	walk_free(&w);
	return r;
}

/* What seq should make of the big region (seq_expect()). */
struct seq_want {
	uint64_t bytes;		/* of its PTE_RUN and PTE_SEQ records */
	size_t recs, seqs;	/* PTE records, PTE_SEQ among them */
	unsigned max_n;		/* the longest PTE_SEQ */
	size_t frame_runs;	/* runs of consecutive frames in pagemap, per PTE table */
};

/*
 * The big region's records with seq, worked out from what the walker
 * reads and not from the module's output: its entries split where the
 * next one cannot be the next element of a PTE_SEQ (FORMAT.md 5.10) -- at
 * each PTE table, where pagemap's frame is not the one before plus one
 * (PFNs visible; hidden, the frame changes nothing), and where any other
 * bit of the entry changes. Every piece of three or more entries is one
 * PTE_SEQ of 48 bytes; the shorter ones between them share a PTE_RUN, 16
 * bytes and 16 per entry. How many pieces there are is the allocator's
 * doing: consecutive frames are not promised, each kernel hands them out
 * differently (6.12 and 7.3 give far shorter runs than 6.1), and the
 * test asks only that seq folds what is there. The frames come from
 * pagemap (@pm); the other bits, which pagemap does not show (the
 * accessed bit the kernel may clear, dirty, soft-dirty), from the
 * entries of the seq walk @w as decoded, which compare_aged() has
 * matched with a walk without seq.
 */
static int seq_expect(const struct target *t, const struct walk *w, const uint64_t *pm,
		      int visible, struct seq_want *want)
{
	const uint64_t flags_raw = ~X86_PFN_MASK,
		       flags_info = (1ULL << PGWALK_INFO_PAYLOAD_SHIFT) - 1;
	const struct pgw_unit *prev = NULL;
	unsigned len = 0, in_run = 0;

	memset(want, 0, sizeof(*want));
	for (uint64_t i = 0; i <= t->big_n; i++) {
		uint64_t va = t->big + i * PAGE;
		const struct pgw_unit *u = NULL;
		int end = i == t->big_n, table = end || !(va % HPAGE), frame_on, go_on;

		frame_on = i && !end && (pm[i] & PM_PFN_MASK) == (pm[i - 1] & PM_PFN_MASK) + 1;
		if (!end) {
			u = pgw_leaf_at(w->l, w->nl, va);
			if (!u || u->kind != PGW_U_PTE)
				return failf("big page %llu: %s", (unsigned long long)i,
					     leaf_desc(u));
			want->frame_runs += table || !frame_on;
		}
		go_on = prev && !table && (frame_on || !visible) &&
			(prev->raw & flags_raw) == (u->raw & flags_raw) &&
			(prev->info & flags_info) == (u->info & flags_info);
		if (!go_on && len) {
			/* a piece of len entries ends before i */
			if (len >= 3) {
				want->bytes += 48, want->recs++, want->seqs++, in_run = 0;
				if (len > want->max_n)
					want->max_n = len;
			} else {
				if (!in_run)
					want->bytes += 16, want->recs++;
				want->bytes += 16 * len, in_run = 1;
			}
			len = 0;
		}
		if (table)
			in_run = 0;
		len++;
		prev = u;
	}
	return 0;
}

/*
 * The big region: every page freshly written, one VMA. With seq its
 * entries fold into as few PTE_SEQ records as the frames the allocator
 * handed out allow (seq_expect()): with PFNs visible one per run of
 * consecutive frames inside a PTE table, with PFNs hidden one per PTE
 * table as long as the entries' bits agree.
 */
int t_seq_dense(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	int hidden = tc->hidden;
	char ptok[128], stok[160];
	const struct rewalk rw = { t->pid, ptok, hidden };
	struct walk plain, seq;
	struct seq_stats ps, ss;
	struct seq_want want = { 0 };
	uint64_t *pm, bytes = 0;
	int complete, r;

	if (!t->big)
		return failf("the target has no big region");
	pm = malloc(t->big_n * sizeof(*pm));
	if (!pm)
		return failf("out of memory");
	snprintf(ptok, sizeof(ptok), "start=0x%llx end=0x%llx", (unsigned long long)t->big,
		 (unsigned long long)(t->big + t->big_n * PAGE));
	snprintf(stok, sizeof(stok), "%s seq", ptok);
	if (walk_pair(t, ptok, stok, hidden, &plain, &seq)) {
		free(pm);
		return -1;
	}
	seq_count(&plain, &ps);
	seq_count(&seq, &ss);
	for (size_t i = 0; i < seq.s.nrecs; i++)
		if (seq.s.recs[i].type == PGWALK_REC_PTE_RUN ||
		    seq.s.recs[i].type == PGWALK_REC_PTE_SEQ)
			bytes += seq.s.recs[i].len;
	complete = seq.s.chunks == 1;
	if (read_pagemap(t->pid, t->big, t->big_n, pm))
		r = -1;
	else if (compare_aged(&plain, &seq, "big region, seq vs without", &rw, NULL))
		r = -1;
	else if (check_regions(t, &seq, !hidden, R_BIG))
		r = -1;
	else if (check_seq_recs(&seq, !hidden, complete))
		r = -1;
	else if (seq_expect(t, &seq, pm, !hidden, &want))
		r = -1;
	else if (ss.nones)
		r = failf("%zu NONE_RUN records in a region of present pages", ss.nones);
	/* one fill: exactly what 5.10 makes of those pieces */
	else if (complete && (bytes != want.bytes || pte_recs(&ss) != want.recs ||
			      ss.seqs != want.seqs || ss.max_n != want.max_n))
		r = failf("%zu PTE records (%zu PTE_SEQ, n up to %u) of %llu bytes, want %zu (%zu, %u) of %llu",
			  pte_recs(&ss), ss.seqs, ss.max_n, (unsigned long long)bytes, want.recs,
			  want.seqs, want.max_n, (unsigned long long)want.bytes);
	/* a fill may stop inside a PTE table (FORMAT.md 7), cutting one record in two */
	else if (!complete && bytes > want.bytes + 48 * (seq.s.chunks - 1))
		r = failf("%llu bytes of PTE records in %u fills, want at most %llu + 48 per extra fill",
			  (unsigned long long)bytes, seq.s.chunks, (unsigned long long)want.bytes);
	else
		r = 0;
	note("big region, %llu pages, PFNs %s: %zu bytes, %zu PTE records without seq; %zu bytes, %zu PTE records with (%zu PTE_SEQ for %llu pages, n up to %u); pagemap: %zu runs of consecutive frames in PTE tables",
	     (unsigned long long)t->big_n, hidden ? "hidden" : "visible", plain.len,
	     pte_recs(&ps), seq.len, pte_recs(&ss), ss.seqs, (unsigned long long)ss.seq_elems,
	     ss.max_n, want.frame_runs);
	free(pm);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/*
 * The target's two regions of n pages at a and b, and what lies between
 * them, walked without seq (the tokens in ptok) and with it.
 */
static int walk_pair_regions(const struct target *t, uint64_t a, uint64_t b, unsigned n,
			     int hidden, struct walk *plain, struct walk *seq, char ptok[128])
{
	uint64_t lo = a < b ? a : b, hi = (a > b ? a : b) + n * PAGE;
	char stok[160];

	snprintf(ptok, 128, "start=0x%llx end=0x%llx", (unsigned long long)lo,
		 (unsigned long long)hi);
	snprintf(stok, sizeof(stok), "%s seq", ptok);
	return walk_pair(t, ptok, stok, hidden, plain, seq);
}

/*
 * Every PTE_RUN, PTE_SEQ and NONE_RUN of w lies inside the VMA whose
 * record came last before it: the pte_entry calls of two VMAs never share
 * a record, not even where the second VMA's entries go on with the step
 * of the first one's.
 */
static int check_runs_in_vmas(const struct walk *w)
{
	const struct pgw_rec *vma = NULL;

	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type == PGWALK_REC_VMA)
			vma = r;
		else if ((r->type == PGWALK_REC_PTE_RUN || r->type == PGWALK_REC_PTE_SEQ ||
			  r->type == PGWALK_REC_NONE_RUN) &&
			 (!vma || r->a < vma->a || r->b > vma->b))
			return failf("%s [0x%llx,0x%llx) x%u is not inside its VMA [0x%llx,0x%llx)",
				     pgw_type_name(r->type), (unsigned long long)r->a,
				     (unsigned long long)r->b, r->arg16,
				     (unsigned long long)(vma ? vma->a : 0),
				     (unsigned long long)(vma ? vma->b : 0));
	}
	return 0;
}

/* How many of the n - 1 steps between the frames of pm go up, and down, by one. */
static void frame_steps(const uint64_t *pm, unsigned n, unsigned *up, unsigned *down)
{
	*up = *down = 0;
	for (unsigned i = 1; i < n; i++) {
		uint64_t a = pm[i - 1] & PM_PFN_MASK, b = pm[i] & PM_PFN_MASK;

		*up += b == a + 1;
		*down += b + 1 == a;
	}
}

/*
 * The PROT_NONE regions. x86-64 keeps a PROT_NONE entry's PFN inverted
 * (arch/x86/include/asm/pgtable-invert.h): where the frames ascend with
 * the address (the region written upwards) the raw values descend by a
 * page, and where they descend (written downwards) the raw values ascend
 * by a page while the PFN, the payload, descends. Neither is a step 5.10
 * folds with PFNs visible; with PFNs hidden both runs are like entries
 * that fold with steps (0,0). Whatever the module folds, or takes as the
 * next element of a PTE_SEQ without decoding it, seq must expand to the
 * plain walk's elements, and these to what pagemap says.
 */
int t_seq_pnone(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	int hidden = tc->hidden;
	uint64_t pm[2][512];
	struct walk plain, seq;
	struct seq_stats st;
	unsigned up[2], down[2], over = 0;
	char ptok[128];
	const struct rewalk rw = { t->pid, ptok, hidden };
	int r = 0;

	if (!t->pnone[0] || !t->pnone[1] || t->pnone_n > 512)
		return failf("the target has no PROT_NONE regions");
	for (int k = 0; k < 2; k++) {
		if (read_pagemap(t->pid, t->pnone[k], t->pnone_n, pm[k]))
			return -1;
		for (unsigned i = 0; i < t->pnone_n; i++)
			if (!(pm[k][i] & PM_PRESENT) || !(pm[k][i] & PM_PFN_MASK))
				return failf("environment: PROT_NONE page %u of region %d: pagemap 0x%llx",
					     i, k, (unsigned long long)pm[k][i]);
		frame_steps(pm[k], t->pnone_n, &up[k], &down[k]);
	}
	if (walk_pair_regions(t, t->pnone[0], t->pnone[1], t->pnone_n, hidden,
			      &plain, &seq, ptok))
		return -1;
	seq_count(&seq, &st);
	if (compare_aged(&plain, &seq, "PROT_NONE regions, seq vs without", &rw, NULL))
		r = -1;
	for (int k = 0; k < 2 && !r; k++) {
		for (unsigned i = 0; i < t->pnone_n && !r; i++) {
			uint64_t va = t->pnone[k] + i * PAGE, pfn = pm[k][i] & PM_PFN_MASK;
			const struct pgw_unit *u = pgw_leaf_at(seq.l, seq.nl, va);

			if (!u || u->kind != PGW_U_PTE || pgw_kind(u->info) != PGWALK_KIND_PRESENT ||
			    !(u->info & PGWALK_INFO_LEAF))
				r = failf("PROT_NONE page 0x%llx: expected a present PTE, stream has %s",
					  (unsigned long long)va, leaf_desc(u));
			else if (!(u->info & PGWALK_INFO_PROTNONE) ||
				 (u->info & (PGWALK_INFO_WRITE | PGWALK_INFO_GLOBAL)))
				r = failf("PROT_NONE page 0x%llx: info 0x%llx lacks PROTNONE or has WRITE/GLOBAL",
					  (unsigned long long)va, (unsigned long long)u->info);
			else if (hidden && (pgw_payload(u->info) || (u->raw & X86_PFN_MASK)))
				r = failf("PROT_NONE page 0x%llx: PFN hidden expected, raw 0x%llx info 0x%llx",
					  (unsigned long long)va, (unsigned long long)u->raw,
					  (unsigned long long)u->info);
			else if (!hidden && pgw_payload(u->info) != pfn)
				r = failf("PROT_NONE page 0x%llx: PFN 0x%llx, pagemap says 0x%llx",
					  (unsigned long long)va,
					  (unsigned long long)pgw_payload(u->info),
					  (unsigned long long)pfn);
			/* the raw value holds the PFN inverted */
			else if (!hidden && (u->raw & X86_PFN_MASK) != (~pfn << 12 & X86_PFN_MASK))
				r = failf("PROT_NONE page 0x%llx: raw 0x%llx, PFN bits not pagemap's 0x%llx inverted",
					  (unsigned long long)va, (unsigned long long)u->raw,
					  (unsigned long long)pfn);
			if (r || u->rec->type != PGWALK_REC_PTE_SEQ || u->a != u->rec->a)
				continue;
			/* a PTE_SEQ starts here: a frame step only as far as the frames ascend */
			over++;
			if (u->rec->e || u->rec->f) {
				unsigned j = 1;

				while (j < u->rec->arg16 && i + j < t->pnone_n &&
				       (pm[k][i + j] & PM_PFN_MASK) == pfn + j)
					j++;
				if (j < u->rec->arg16)
					r = failf("PTE_SEQ at 0x%llx x%u over PROT_NONE pages with steps (0x%llx, 0x%llx): pagemap's frames ascend for %u pages only",
						  (unsigned long long)va, u->rec->arg16,
						  (unsigned long long)u->rec->e,
						  (unsigned long long)u->rec->f, j);
			}
		}
	}
	if (!r && check_seq_recs(&seq, !hidden, plain.s.chunks == 1 && seq.s.chunks == 1))
		r = -1;
	note("PROT_NONE, PFNs %s: frames up/down by one %u/%u (written upwards), %u/%u (downwards), of %u steps; %zu PTE_SEQ (%u over the regions) for %llu pages, %zu bytes (%zu without)",
	     hidden ? "hidden" : "visible", up[0], down[0], up[1], down[1], t->pnone_n - 1,
	     st.seqs, over, (unsigned long long)st.seq_elems, seq.len, plain.len);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}

/*
 * Adjacent VMAs of consecutive frames inside one PTE table: the blocks of
 * the split regions. In the PROT_READ one the entries of neighbouring
 * VMAs differ in their write bit; in the MADV_DONTDUMP one they differ in
 * nothing but the frame, so where the frames run on across a VMA boundary
 * the next VMA's first entry is exactly what a PTE_SEQ of the VMA before
 * would predict. A record must end at the VMA anyway, and seq must expand
 * to the plain walk's elements.
 */
int t_seq_split(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	int hidden = tc->hidden;
	uint64_t pm[2][512];
	struct walk plain, seq;
	struct seq_stats st;
	unsigned nb = t->split_block ? t->split_n / t->split_block : 0, cont[2] = { 0, 0 };
	unsigned same[2] = { 0, 0 };
	char ptok[128];
	const struct rewalk rw = { t->pid, ptok, hidden };
	int r = 0;

	if (!t->split[0] || !t->split[1] || !nb || t->split_n > 512 || t->split_n % t->split_block)
		return failf("the target has no split regions");
	for (int k = 0; k < 2; k++)
		if (read_pagemap(t->pid, t->split[k], t->split_n, pm[k]))
			return -1;
	if (walk_pair_regions(t, t->split[0], t->split[1], t->split_n, hidden,
			      &plain, &seq, ptok))
		return -1;
	seq_count(&seq, &st);
	if (compare_aged(&plain, &seq, "split regions, seq vs without", &rw, NULL))
		r = -1;
	else if (check_runs_in_vmas(&seq) || check_runs_in_vmas(&plain))
		r = -1;
	for (int k = 0; k < 2 && !r; k++) {
		for (unsigned b = 0; b < nb && !r; b++) {
			uint64_t va = t->split[k] + b * t->split_block * PAGE;
			const struct pgw_unit *v = find_vma(&seq, va);
			uint32_t want = b % 2 ? (k ? PGWALK_VMA_WRITE | PGWALK_VMA_DONTDUMP : 0) :
						PGWALK_VMA_WRITE;

			if (!v || v->b != va + t->split_block * PAGE)
				r = failf("split region %d: no VMA record [0x%llx,0x%llx) for block %u",
					  k, (unsigned long long)va,
					  (unsigned long long)(va + t->split_block * PAGE), b);
			else if ((v->rec->vma_flags & (PGWALK_VMA_WRITE | PGWALK_VMA_DONTDUMP)) != want)
				r = failf("split region %d block %u: VMA flags 0x%x, want WRITE/DONTDUMP 0x%x",
					  k, b, v->rec->vma_flags, want);
			if (r || !b)
				continue;
			/* the boundary before block b, as the pte_entry calls saw it */
			{
				const struct pgw_unit *p = pgw_leaf_at(plain.l, plain.nl, va - PAGE);
				const struct pgw_unit *u = pgw_leaf_at(plain.l, plain.nl, va);
				uint64_t f = (pm[k][b * t->split_block] & PM_PFN_MASK) -
					     (pm[k][b * t->split_block - 1] & PM_PFN_MASK);

				cont[k] += f == 1;
				same[k] += f == 1 && p && u && u->raw - p->raw == (hidden ? 0 : PAGE) &&
					   u->info - p->info ==
						   (hidden ? 0 : 1ULL << PGWALK_INFO_PAYLOAD_SHIFT);
			}
		}
		for (unsigned i = 0; i < t->split_n && !r; i++) {
			if (!(pm[k][i] & PM_PRESENT))
				r = failf("environment: split region %d page %u not present", k, i);
			else
				r = check_present_pte(&seq, t->split[k] + i * PAGE, pm[k][i], !hidden,
						      "split");
		}
	}
	if (!r && check_seq_recs(&seq, !hidden, plain.s.chunks == 1 && seq.s.chunks == 1))
		r = -1;
	note("split regions, PFNs %s: %u VMAs each; frames run on across %u (PROT_READ) and %u (DONTDUMP) of %u VMA boundaries, entries with a PTE_SEQ step across %u and %u; %zu PTE_SEQ for %llu pages (the target wrote %llu pages before)",
	     hidden ? "hidden" : "visible", nb, cont[0], cont[1], nb - 1, same[0], same[1],
	     st.seqs, (unsigned long long)st.seq_elems, (unsigned long long)t->drain_n);
	walk_free(&plain);
	walk_free(&seq);
	return r;
}
