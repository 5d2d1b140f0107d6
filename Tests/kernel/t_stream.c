// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of what a walk of the target shows: the stream header, each
 * region of the target against pagemap, a THP left whole, a range request
 * and odd read sizes, and the rules two walks are compared by.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "kt.h"
#include "smaps.h"

int t_header(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	struct utsname un;
	int lv = booted_levels();
	uint64_t ts = expected_task_size();
	const struct pgw_stream *s = &fx->w.s;

	if (!fx->have_w)
		return failf("the full walk failed: %s", why);
	uname(&un);
	if (s->levels != (uint32_t)lv)
		return failf("levels %u, the kernel uses %d", s->levels, lv);
	note("paging levels %d (from mmap above 47 bits), header %u, task_size 0x%llx, high page %s",
	     lv, s->levels, (unsigned long long)s->task_size, fx->t.high ? "mapped" : "none");
	if (lv == 4) {
		static const uint32_t sh[5] = { 39, 39, 30, 21, 12 }, pt[5] = { 512, 1, 512, 512, 512 };

		for (int i = 0; i < 5; i++)
			if (s->shift[i] != sh[i] || s->ptrs[i] != pt[i])
				return failf("4-level geometry level %d: shift %u ptrs %u", i,
					     s->shift[i], s->ptrs[i]);
	} else {
		static const uint32_t sh[5] = { 48, 39, 30, 21, 12 };

		for (int i = 0; i < 5; i++)
			if (s->shift[i] != sh[i] || s->ptrs[i] != 512)
				return failf("5-level geometry level %d: shift %u ptrs %u", i,
					     s->shift[i], s->ptrs[i]);
	}
	if (s->task_size != ts || s->start != 0 || s->end != ts)
		return failf("start 0x%llx end 0x%llx task_size 0x%llx, expected [0, 0x%llx)",
			     (unsigned long long)s->start, (unsigned long long)s->end,
			     (unsigned long long)s->task_size, (unsigned long long)ts);
	if (strcmp(s->release, un.release))
		return failf("release '%s', uname '%s'", s->release, un.release);
	{
		unsigned maj, min, pat = 0;

		sscanf(un.release, "%u.%u.%u", &maj, &min, &pat);
		if ((s->kernel_version >> 16) != maj || ((s->kernel_version >> 8) & 0xff) != min)
			return failf("kernel_version 0x%x vs release %s", s->kernel_version, un.release);
	}
	if (s->flags & PGWALK_HDR_TRACE)
		return failf("TRACE flag without trace request");
	if (s->flags & PGWALK_HDR_SEQ)
		return failf("SEQ flag without seq request");
	if (!(s->flags & PGWALK_HDR_PFN_VISIBLE))
		return failf("PFN_VISIBLE clear for root");
	if (s->header_len != 160)
		note("header_len %u (version 1 says 160; larger is allowed)", s->header_len);
	if (s->chunks < 1 || s->walked_to != s->end)
		return failf("END chunks %u walked_to 0x%llx", s->chunks,
			     (unsigned long long)s->walked_to);
	if (s->n_trace)
		return failf("trace records without trace");
	return 0;
}

int t_regions(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;

	if (!fx->have_w)
		return failf("the full walk failed");
	if (tc->which == R_THP && t->thp_kb != 2048) {
		snprintf(why, sizeof(why), "no THP in the target (AnonHugePages %ld kB%s)", t->thp_kb,
			 t->thp_none);
		return 1;
	}
	return check_regions(t, &fx->w, 1, tc->which);
}

int t_thp_not_split(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;
	long long split0 = vmstat("thp_split_pmd"), split1;
	long kb0, kb1;
	struct walk w2;
	int r;

	if (t->thp_kb != 2048) {
		snprintf(why, sizeof(why), "no THP in the target");
		return 1;
	}
	kb0 = smaps_anon_huge_kb(t->pid, t->thp);
	if (kb0 != 2048)
		return failf("AnonHugePages %ld kB after the first walk (target saw 2048)", kb0);
	if (walk_pid(t->pid, NULL, &w2))
		return -1;
	r = check_regions(t, &w2, 1, R_THP);
	walk_free(&w2);
	if (r)
		return failf("second walk: %s", why);
	kb1 = smaps_anon_huge_kb(t->pid, t->thp);
	split1 = vmstat("thp_split_pmd");
	if (kb1 != 2048)
		return failf("AnonHugePages %ld kB after the second walk", kb1);
	if (split0 != split1)
		return failf("thp_split_pmd went from %lld to %lld during a walk", split0, split1);
	return 0;
}

/*
 * Two streams of the same request, y read after x, with the same bytes but
 * for accessed bits the kernel cleared in between (compare_aged()): every
 * 8-byte word (records are made of them) the same, or differing in the
 * accessed bit of a raw entry or of an info word only.
 */
static int same_bytes_aged(const struct walk *x, const struct walk *y, const char *what,
			   const struct rewalk *rw)
{
	if (x->len != y->len || x->len % 8)
		return failf("%s: %zu bytes, then %zu", what, x->len, y->len);
	if (!memcmp(x->buf, y->buf, x->len))
		return 0;
	for (size_t i = 0; i < x->len; i += 8) {
		uint64_t a, b;

		memcpy(&a, x->buf + i, 8);
		memcpy(&b, y->buf + i, 8);
		a = le64toh(a ^ b);
		if (a && a != X86_ACCESSED && a != PGWALK_INFO_ACCESSED)
			return failf("%s: byte %zu on differs (xor 0x%llx)", what, i,
				     (unsigned long long)a);
	}
	return compare_aged(x, y, what, rw, NULL);
}

/* a range request, and reads of odd sizes give the same bytes */
int t_range_and_read_sizes(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const struct target *t = &fx->t;
	char req[200], rtok[100];
	struct walk a, b;
	uint64_t s = t->anon + 5 * PAGE, e = t->zero + t->zero_n * PAGE;
	const struct rewalk rw = { t->pid, rtok, 0 };
	int r = 0;

	snprintf(rtok, sizeof(rtok), "start=0x%llx end=%llu", (unsigned long long)s,
		 (unsigned long long)e);
	snprintf(req, sizeof(req), "pid=%d %s\n", t->pid, rtok);
	if (walk_req(req, 65536, &a))
		return -1;
	if (walk_req(req, 7, &b)) {
		walk_free(&a);
		return failf("7-byte reads: %s", why);
	}
	if (a.s.start != s || a.s.end != e)
		r = failf("header range [0x%llx,0x%llx), asked [0x%llx,0x%llx)",
			  (unsigned long long)a.s.start, (unsigned long long)a.s.end,
			  (unsigned long long)s, (unsigned long long)e);
	else if (same_bytes_aged(&a, &b, "64K reads, then 7-byte reads", &rw))
		r = -1;
	else {
		/* the anon pages from 5 on and the zero pages, nothing else present */
		struct target t2 = fx->t;

		t2.anon += 5 * PAGE;
		t2.anon_n -= 5;
		memmove(t2.anon_bits, t2.anon_bits + 5, strlen(t2.anon_bits + 5) + 1);
		r = check_regions(&t2, &a, 1, R_ZERO);
		if (!r) {
			for (unsigned i = 0; i < t2.anon_n && !r; i++) {
				const struct pgw_unit *u = pgw_leaf_at(a.l, a.nl, t2.anon + i * PAGE);

				if ((t2.anon_bits[i] == '1') != (u && u->kind == PGW_U_PTE))
					r = failf("anon page %u: %s", i + 5, leaf_desc(u));
			}
			/* the VMA record has the whole VMA even though the range starts inside */
			const struct pgw_unit *v = find_vma(&a, t->anon);

			if (!r && (!v || v->b != t->anon + t->anon_n * PAGE))
				r = failf("partial range: VMA record not the whole VMA");
			for (size_t i = 0; i < a.nl && !r; i++)
				if (a.l[i]->a < s || a.l[i]->b > e)
					r = failf("leaf outside the range: %s", leaf_desc(a.l[i]));
		}
	}
	walk_free(&a);
	walk_free(&b);
	return r;
}

/* A copy of w's stream whose PTE_RUN element at va has raw ^ rx, info ^ ix. */
static int walk_flip(const struct walk *w, uint64_t va, uint64_t rx, uint64_t ix,
		     struct walk *out)
{
	const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);
	size_t off;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (!u || u->kind != PGW_U_PTE || u->rec->type != PGWALK_REC_PTE_RUN)
		return failf("no PTE_RUN element at 0x%llx", (unsigned long long)va);
	off = u->rec->off + 16 + 16 * ((va - u->rec->a) / PAGE);
	out->buf = malloc(w->len);
	if (!out->buf)
		return failf("out of memory");
	memcpy(out->buf, w->buf, w->len);
	out->len = w->len;
	memcpy(&v, out->buf + off, 8);
	v = htole64(le64toh(v) ^ rx);
	memcpy(out->buf + off, &v, 8);
	memcpy(&v, out->buf + off + 8, 8);
	v = htole64(le64toh(v) ^ ix);
	memcpy(out->buf + off + 8, &v, 8);
	if (walk_parse(out)) {
		walk_free(out);
		return -1;
	}
	return 0;
}

/*
 * compare_aged()'s rules on copies of one walk with an entry changed: an
 * accessed bit lost in the later walk passes only if the third walk has
 * it clear too; set again, lost in raw but not in info, or the dirty bit
 * changed fails.
 */
int t_compare_aged(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	const uint64_t acc = PGWALK_INFO_ACCESSED, dirty = PGWALK_INFO_DIRTY;
	struct walk lost, half, dirt;
	char err[sizeof(why)];
	uint64_t va = 0;
	size_t n = 0;
	int r = 0;

	if (!fx->have_w)
		return failf("no walk of the target");
	for (size_t i = 0; i < fx->w.nl && !va; i++)
		if (fx->w.l[i]->kind == PGW_U_PTE && fx->w.l[i]->rec->type == PGWALK_REC_PTE_RUN &&
		    (fx->w.l[i]->raw & X86_ACCESSED) && (fx->w.l[i]->info & acc))
			va = fx->w.l[i]->a;
	if (!va)
		return failf("environment: no PTE with the accessed bit in the target");
	if (walk_flip(&fx->w, va, X86_ACCESSED, acc, &lost))
		return -1;
	if (walk_flip(&fx->w, va, X86_ACCESSED, 0, &half)) {
		walk_free(&lost);
		return -1;
	}
	if (walk_flip(&fx->w, va, X86_AD_MASK & ~X86_ACCESSED, dirty, &dirt)) {
		walk_free(&lost);
		walk_free(&half);
		return -1;
	}
	if (compare_units(&fx->w, &lost, CMP_AGED, "lost", &n) || n != 1)
		r = failf("the accessed bit lost at 0x%llx: %.3000s (%zu counted)",
			  (unsigned long long)va, strcpy(err, why), n);
	else if (!confirm_aged(&lost, &fx->w, "lost", 1, &n))
		r = failf("the accessed bit lost at 0x%llx, set in the third walk: passed",
			  (unsigned long long)va);
	else if (confirm_aged(&lost, &lost, "lost", 1, &n))
		r = failf("the accessed bit lost at 0x%llx, clear in the third walk: %.3000s",
			  (unsigned long long)va, strcpy(err, why));
	else if (!compare_units(&lost, &fx->w, CMP_AGED, "set again", &n))
		r = failf("the accessed bit set at 0x%llx in the later walk: passed",
			  (unsigned long long)va);
	else if (!compare_units(&fx->w, &half, CMP_AGED, "half", &n))
		r = failf("the accessed bit lost at 0x%llx in raw, kept in info: passed",
			  (unsigned long long)va);
	else if (!compare_units(&fx->w, &dirt, CMP_AGED, "dirty", &n))
		r = failf("the dirty bit changed at 0x%llx: passed", (unsigned long long)va);
	walk_free(&lost);
	walk_free(&half);
	walk_free(&dirt);
	return r;
}
