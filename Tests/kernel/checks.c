// SPDX-License-Identifier: GPL-2.0
/*
 * The checks the topics share on a walk of the target: its regions as
 * pagemap and the target show them, two walks unit by unit (with the
 * accessed bits the kernel may clear in between), the trace frame of
 * FORMAT.md 5.8 and the PTE_SEQ records of 5.10.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kt.h"

/* ------------------------------------------------------------------ */
/* the target's regions */

const struct pgw_unit *find_vma(const struct walk *w, uint64_t start)
{
	for (size_t i = 0; i < w->nu; i++)
		if (w->u[i].kind == PGW_U_VMA && w->u[i].a == start)
			return &w->u[i];
	return NULL;
}

const char *leaf_desc(const struct pgw_unit *u)
{
	static char b[200];

	if (!u)
		return "nothing";
	snprintf(b, sizeof(b), "%s level %d [0x%llx,0x%llx) raw 0x%llx info 0x%llx",
		 u->kind == PGW_U_PTE ? "PTE" : u->kind == PGW_U_PTE_NONE ? "PTE none" :
		 u->kind == PGW_U_HOLE ? "HOLE" : u->kind == PGW_U_ENTRY ? "ENTRY" : "HUGETLB",
		 u->level, (unsigned long long)u->a, (unsigned long long)u->b,
		 (unsigned long long)u->raw, (unsigned long long)u->info);
	return b;
}

int is_none_leaf(const struct pgw_unit *u)
{
	return u && (u->kind == PGW_U_PTE_NONE || u->kind == PGW_U_HOLE ||
		     (u->kind == PGW_U_PTE && pgw_kind(u->info) == PGWALK_KIND_NONE));
}

/*
 * One present 4K page: a PTE, present, LEAF, USER, with the pagemap PFN
 * when visible, else payload 0 and no PFN bits in raw.
 */
int check_present_pte(const struct walk *w, uint64_t va, uint64_t pm,
		      int visible, const char *what)
{
	const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);
	uint64_t pfn = pm & PM_PFN_MASK;

	if (!u || u->kind != PGW_U_PTE || pgw_kind(u->info) != PGWALK_KIND_PRESENT)
		return failf("%s page 0x%llx: expected a present PTE, stream has %s", what,
			     (unsigned long long)va, leaf_desc(u));
	if (!(u->info & PGWALK_INFO_LEAF) || !(u->info & PGWALK_INFO_USER))
		return failf("%s page 0x%llx: LEAF/USER missing in info 0x%llx", what,
			     (unsigned long long)va, (unsigned long long)u->info);
	if (visible) {
		if (!pfn)
			return failf("%s page 0x%llx: pagemap shows no PFN (not root?)", what,
				     (unsigned long long)va);
		if (pgw_payload(u->info) != pfn)
			return failf("%s page 0x%llx: PFN 0x%llx, pagemap says 0x%llx", what,
				     (unsigned long long)va,
				     (unsigned long long)pgw_payload(u->info),
				     (unsigned long long)pfn);
		if (((u->raw & X86_PFN_MASK) >> 12) != pfn)
			return failf("%s page 0x%llx: raw 0x%llx PFN bits != pagemap 0x%llx", what,
				     (unsigned long long)va, (unsigned long long)u->raw,
				     (unsigned long long)pfn);
	} else {
		if (pgw_payload(u->info) || (u->raw & X86_PFN_MASK))
			return failf("%s page 0x%llx: PFN hidden expected, raw 0x%llx info 0x%llx",
				     what, (unsigned long long)va, (unsigned long long)u->raw,
				     (unsigned long long)u->info);
	}
	return 0;
}

/*
 * Check the target's regions in a walk. pm_* come from root's pagemap
 * (taken before); visible: whether PFNs must be visible.
 * which: R_* (kt.h).
 */
int check_regions(const struct target *t, const struct walk *w, int visible,
		  unsigned which)
{
	uint64_t pm[512];
	const struct pgw_unit *v;

	if (w->s.pid != (uint32_t)t->pid)
		return failf("header pid %u, target %d", w->s.pid, t->pid);
	if (!!(w->s.flags & PGWALK_HDR_PFN_VISIBLE) != !!visible)
		return failf("header PFN_VISIBLE is %s, expected %s",
			     (w->s.flags & PGWALK_HDR_PFN_VISIBLE) ? "set" : "clear",
			     visible ? "set" : "clear");
	if (w->s.status != 0)
		return failf("END status %d", w->s.status);

	if (which & R_ANON) {
		if (read_pagemap(t->pid, t->anon, t->anon_n, pm))
			return -1;
		v = find_vma(w, t->anon);
		if (!v || v->b != t->anon + t->anon_n * PAGE)
			return failf("no VMA record [0x%llx,0x%llx) for the anon region",
				     (unsigned long long)t->anon,
				     (unsigned long long)(t->anon + t->anon_n * PAGE));
		if (v->rec->arg8 != PGWALK_BACKING_ANON ||
		    (v->rec->vma_flags & (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_EXEC |
					  PGWALK_VMA_SHARED | PGWALK_VMA_NOHUGEPAGE)) !=
			    (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_NOHUGEPAGE) ||
		    v->rec->arg16)
			return failf("anon VMA: backing %u flags 0x%x name len %u", v->rec->arg8,
				     v->rec->vma_flags, v->rec->arg16);
		for (unsigned i = 0; i < t->anon_n; i++) {
			uint64_t va = t->anon + i * PAGE;
			int touched = t->anon_bits[i] == '1';

			if (!!(pm[i] & PM_PRESENT) != touched)
				return failf("environment: pagemap of anon page %u disagrees with the target", i);
			if (touched) {
				const struct pgw_unit *u;

				if (check_present_pte(w, va, pm[i], visible, "anon"))
					return -1;
				u = pgw_leaf_at(w->l, w->nl, va);
				if (!(u->info & PGWALK_INFO_WRITE) || (u->info & PGWALK_INFO_ZERO_PAGE))
					return failf("anon page 0x%llx: written page info 0x%llx",
						     (unsigned long long)va,
						     (unsigned long long)u->info);
			} else {
				const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);

				if (!is_none_leaf(u))
					return failf("untouched anon page 0x%llx: stream has %s",
						     (unsigned long long)va, leaf_desc(u));
			}
		}
		/* nothing but a hole just around the region (the guards) */
		{
			const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, t->anon - PAGE);

			if (u && !(u->kind == PGW_U_HOLE && u->level == -1))
				return failf("guard page below anon: %s", leaf_desc(u));
		}
	}
	if (which & R_ZERO) {
		if (read_pagemap(t->pid, t->zero, t->zero_n, pm))
			return -1;
		for (unsigned i = 0; i < t->zero_n; i++) {
			uint64_t va = t->zero + i * PAGE;
			const struct pgw_unit *u;

			if (!(pm[i] & PM_PRESENT))
				return failf("environment: zero-page region page %u not present", i);
			if (check_present_pte(w, va, pm[i], visible, "zero-page"))
				return -1;
			u = pgw_leaf_at(w->l, w->nl, va);
			if (!(u->info & PGWALK_INFO_ZERO_PAGE) || (u->info & PGWALK_INFO_WRITE))
				return failf("zero-page page 0x%llx: info 0x%llx lacks ZERO_PAGE or has WRITE",
					     (unsigned long long)va, (unsigned long long)u->info);
		}
	}
	if (which & R_FILE) {
		struct stat st;

		if (read_pagemap(t->pid, t->file, t->file_n, pm))
			return -1;
		if (stat(t->file_path, &st))
			return failf("stat %s: %s", t->file_path, strerror(errno));
		v = find_vma(w, t->file);
		if (!v || v->b != t->file + t->file_n * PAGE)
			return failf("no VMA record for the file mapping");
		if (v->rec->arg8 != PGWALK_BACKING_FILE || v->rec->e != st.st_ino ||
		    v->rec->vma_dev != (major(st.st_dev) << 20 | minor(st.st_dev)) ||
		    v->rec->d != 0 || strcmp(v->rec->vma_name, t->file_path) ||
		    (v->rec->vma_flags & (PGWALK_VMA_READ | PGWALK_VMA_WRITE | PGWALK_VMA_SHARED)) !=
			    PGWALK_VMA_READ)
			return failf("file VMA: backing %u inode %llu (stat %llu) dev 0x%x (stat %u:%u) pgoff %llu name '%s' flags 0x%x",
				     v->rec->arg8, (unsigned long long)v->rec->e,
				     (unsigned long long)st.st_ino, v->rec->vma_dev,
				     major(st.st_dev), minor(st.st_dev),
				     (unsigned long long)v->rec->d, v->rec->vma_name,
				     v->rec->vma_flags);
		for (unsigned i = 0; i < t->file_n; i++) {
			uint64_t va = t->file + i * PAGE;

			if (t->file_bits[i] == '1' && !(pm[i] & PM_PRESENT))
				return failf("environment: read file page %u not present in pagemap", i);
			if (pm[i] & PM_PRESENT) {
				if (check_present_pte(w, va, pm[i], visible, "file"))
					return -1;
			} else {
				const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, va);

				if (!is_none_leaf(u))
					return failf("file page 0x%llx not in pagemap: stream has %s",
						     (unsigned long long)va, leaf_desc(u));
			}
		}
	}
	if ((which & R_THP) && t->thp_kb == 2048) {
		const struct pgw_unit *u = pgw_leaf_at(w->l, w->nl, t->thp);
		uint64_t pfn;

		if (read_pagemap(t->pid, t->thp, 512, pm))
			return -1;
		pfn = pm[0] & PM_PFN_MASK;
		if (!u || u->kind != PGW_U_ENTRY || u->level != PGWALK_LEVEL_PMD ||
		    u->a != t->thp || u->b != t->thp + HPAGE ||
		    pgw_kind(u->info) != PGWALK_KIND_PRESENT || !(u->info & PGWALK_INFO_LEAF) ||
		    u->action != PGWALK_ACTION_CONTINUE)
			return failf("THP 0x%llx: expected one PMD ENTRY leaf [0x%llx,0x%llx) CONTINUE, stream has %s action %u",
				     (unsigned long long)t->thp, (unsigned long long)t->thp,
				     (unsigned long long)(t->thp + HPAGE), leaf_desc(u),
				     u ? u->action : 0);
		for (unsigned i = 0; i < 512; i++) {
			const struct pgw_unit *x = pgw_leaf_at(w->l, w->nl, t->thp + i * PAGE);

			if (x != u)
				return failf("THP subpage %u: another leaf %s", i, leaf_desc(x));
			if (!(pm[i] & PM_PRESENT) || (visible && (pm[i] & PM_PFN_MASK) != pfn + i))
				return failf("environment: pagemap of THP subpage %u is 0x%llx, head PFN 0x%llx",
					     i, (unsigned long long)pm[i], (unsigned long long)pfn);
		}
		if (visible && pgw_payload(u->info) != pfn)
			return failf("THP leaf PFN 0x%llx, pagemap says 0x%llx",
				     (unsigned long long)pgw_payload(u->info),
				     (unsigned long long)pfn);
		if (!visible && (pgw_payload(u->info) || (u->raw & X86_PFN_MASK)))
			return failf("THP leaf: PFN not hidden: raw 0x%llx info 0x%llx",
				     (unsigned long long)u->raw, (unsigned long long)u->info);
		/* the PMD entry's own raw has the PSE bit (0x80) */
		if (!(u->raw & 0x80))
			return failf("THP leaf raw 0x%llx lacks _PAGE_PSE", (unsigned long long)u->raw);
		v = find_vma(w, t->thp);
		if (!v || !(v->rec->vma_flags & PGWALK_VMA_HUGEPAGE))
			return failf("THP VMA record missing or without HUGEPAGE");
	}
	if ((which & R_HIGH) && t->high) {
		/* 5-level only: a page above 47 bits, under its own pgd slot */
		int seen_pgd = 0;

		if (read_pagemap(t->pid, t->high, 4, pm))
			return -1;
		for (unsigned i = 0; i < 4; i++) {
			uint64_t va = t->high + i * PAGE;

			if (t->high_bits[i] == '1') {
				if (check_present_pte(w, va, pm[i], visible, "high"))
					return -1;
			} else if (!is_none_leaf(pgw_leaf_at(w->l, w->nl, va))) {
				return failf("untouched high page 0x%llx: %s", (unsigned long long)va,
					     leaf_desc(pgw_leaf_at(w->l, w->nl, va)));
			}
		}
		for (size_t i = 0; i < w->nu; i++) {
			const struct pgw_unit *u = &w->u[i];

			if (u->kind == PGW_U_ENTRY && u->level == 0 && u->a <= t->high &&
			    t->high < u->b) {
				if ((u->a >> 48) != (t->high >> 48) || u->action != PGWALK_ACTION_SUBTREE)
					return failf("pgd ENTRY for the high page: %s", leaf_desc(u));
				seen_pgd = 1;
			}
		}
		if (!seen_pgd)
			return failf("no pgd ENTRY covers the high page 0x%llx",
				     (unsigned long long)t->high);
	}
	if ((which & R_BIG) && t->big) {
		uint64_t *bpm = malloc(t->big_n * 8);
		int r = 0;

		if (!bpm || read_pagemap(t->pid, t->big, t->big_n, bpm)) {
			free(bpm);
			return -1;
		}
		for (uint64_t i = 0; i < t->big_n && !r; i++) {
			if (!(bpm[i] & PM_PRESENT))
				r = failf("environment: big page %llu not present", (unsigned long long)i);
			else
				r = check_present_pte(w, t->big + i * PAGE, bpm[i], visible, "big");
		}
		free(bpm);
		if (r)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* two walks */

/*
 * Compare two walks unit by unit (callback-level content). With CMP_AGED
 * a unit of y may differ from x's in one way only: the accessed bit, in
 * raw and info alike, set in x and clear in y; *lost counts those.
 * Returns 0 or -1 with why.
 */
int compare_units(const struct walk *x, const struct walk *y, enum cmp_ad mode,
		  const char *what, size_t *lost)
{
	size_t n = x->nu < y->nu ? x->nu : y->nu;
	uint64_t im = ~0ULL, rm = ~0ULL;

	if (mode == CMP_NO_AD)
		im = ~INFO_AD_MASK, rm = ~X86_AD_MASK;
	else if (mode == CMP_AGED)
		im = ~(uint64_t)PGWALK_INFO_ACCESSED, rm = ~X86_ACCESSED;
	for (size_t i = 0; i < n; i++) {
		const struct pgw_unit *a = &x->u[i], *b = &y->u[i];
		int same = a->kind == b->kind && a->level == b->level && a->a == b->a &&
			   a->b == b->b && (a->raw & rm) == (b->raw & rm) &&
			   (a->info & im) == (b->info & im) && a->hmask == b->hmask &&
			   (a->kind != PGW_U_ENTRY || a->action == b->action);

		if (same && a->kind == PGW_U_VMA) {
			const struct pgw_rec *ra = a->rec, *rb = b->rec;

			same = ra->arg8 == rb->arg8 && ra->c == rb->c && ra->d == rb->d &&
			       ra->e == rb->e && ra->vma_dev == rb->vma_dev &&
			       ra->vma_flags == rb->vma_flags && !strcmp(ra->vma_name, rb->vma_name);
		}
		/* CMP_AGED: the bit lost, in raw and info together, or nothing */
		if (same && mode == CMP_AGED && (a->raw != b->raw || a->info != b->info)) {
			same = (a->raw ^ b->raw) == X86_ACCESSED && (a->raw & X86_ACCESSED) &&
			       (a->info ^ b->info) == PGWALK_INFO_ACCESSED &&
			       (a->info & PGWALK_INFO_ACCESSED);
			*lost += same;
		}
		if (!same) {
			char d1[200];

			snprintf(d1, sizeof(d1), "%s", a->kind == PGW_U_VMA ? "VMA" : leaf_desc(a));
			return failf("%s: unit %zu differs: kind %u [0x%llx,0x%llx) %s vs kind %u [0x%llx,0x%llx) %s",
				     what, i, a->kind, (unsigned long long)a->a,
				     (unsigned long long)a->b, d1, b->kind,
				     (unsigned long long)b->a, (unsigned long long)b->b,
				     b->kind == PGW_U_VMA ? "VMA" : leaf_desc(b));
		}
	}
	if (x->nu != y->nu)
		return failf("%s: %zu units vs %zu", what, x->nu, y->nu);
	return 0;
}

/*
 * y had @lost accessed bits fewer than the walk before it; z, walked after
 * y, must not have any of them again: the kernel's clearing stays, a
 * record that lost the bit wrongly does not.
 */
int confirm_aged(const struct walk *y, const struct walk *z, const char *what,
		 size_t lost, size_t *lost2)
{
	char what2[400];

	snprintf(what2, sizeof(what2), "%.300s (%zu accessed bits lost), then a third walk",
		 what, lost);
	return compare_units(y, z, CMP_AGED, what2, lost2);
}

/*
 * Two walks of an idle target, y after x, show the same records: every
 * unit the same, except that the kernel may have cleared accessed bits in
 * between (see enum cmp_ad). Such a bit is taken as cleared by the kernel
 * only if a third walk, @rw without seq, made after y, has it clear too
 * (confirm_aged()): a record of y that lost it wrongly (a PTE_SEQ folding
 * entries that differ in it, say) fails. A bit set in y but not in x fails
 * at once. A lost, repeated or wrong record fails as with an exact
 * comparison. The bits lost are added to *@lost_sum, or with @lost_sum
 * NULL noted.
 */
int compare_aged(const struct walk *x, const struct walk *y, const char *what,
		 const struct rewalk *rw, size_t *lost_sum)
{
	size_t lost = 0, lost2 = 0;
	struct walk z;
	char err[sizeof(why)];
	int r;

	if (compare_units(x, y, CMP_AGED, what, &lost))
		return -1;
	if (!lost)
		return 0;
	r = rw->hidden ? walk_nosysadmin(rw->pid, rw->tokens, 0, &z) :
			 walk_pid(rw->pid, rw->tokens, &z);
	if (r) {
		snprintf(err, sizeof(err), "%s", why);
		return failf("%s: a third walk, to confirm %zu lost accessed bits: %.3000s", what,
			     lost, err);
	}
	r = confirm_aged(y, &z, what, lost, &lost2);
	walk_free(&z);
	if (lost_sum)
		*lost_sum += lost;
	else if (!r)
		note("%s: %zu entries lost their accessed bit between the two walks, and it stays clear in a third (%zu more lost)",
		     what, lost, lost2);
	return r;
}

/* ------------------------------------------------------------------ */
/* trace (FORMAT.md 5.8) */

int check_trace(const struct walk *w)
{
	const struct pgw_stream *s = &w->s;
	int in_walk = 0, stopped = 0, stop_cb = -1, nwalks = 0, nstops = 0;
	uint64_t resume = s->start;
	const struct pgw_rec *vma = NULL;	/* open VMA (pre_vma done, no post_vma yet) */
	const struct pgw_rec *prev = NULL;

	if (!(s->flags & PGWALK_HDR_TRACE))
		return failf("TRACE flag clear");
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct pgw_rec *r = &s->recs[i];

		if (!in_walk && r->type != PGWALK_REC_WALK_BEGIN)
			return failf("%s at %zu outside WALK_BEGIN/WALK_END", pgw_type_name(r->type),
				     r->off);
		if (stopped && r->type != PGWALK_REC_WALK_END && r->type != PGWALK_REC_POST_VMA)
			return failf("%s at %zu after STOP", pgw_type_name(r->type), r->off);
		switch (r->type) {
		case PGWALK_REC_WALK_BEGIN:
			if (in_walk)
				return failf("nested WALK_BEGIN at %zu", r->off);
			if (r->a != resume || r->b != s->end)
				return failf("WALK_BEGIN [0x%llx,0x%llx), expected [0x%llx,0x%llx)",
					     (unsigned long long)r->a, (unsigned long long)r->b,
					     (unsigned long long)resume,
					     (unsigned long long)s->end);
			in_walk = 1;
			nwalks++;
			break;
		case PGWALK_REC_STOP:
			stopped = 1;
			stop_cb = r->arg8;
			resume = r->a;
			nstops++;
			break;
		case PGWALK_REC_WALK_END: {
			int64_t ret = (int64_t)r->a;

			if (vma)
				return failf("WALK_END at %zu with VMA 0x%llx not closed by POST_VMA",
					     r->off, (unsigned long long)vma->a);
			if (stopped) {
				int64_t want = stop_cb == PGWALK_CB_TEST_WALK ? -ENOBUFS : 1;

				if (ret != want)
					return failf("WALK_END ret %lld after STOP (callback %d), want %lld",
						     (long long)ret, stop_cb, (long long)want);
				if (prev && prev->type != PGWALK_REC_STOP &&
				    prev->type != PGWALK_REC_POST_VMA)
					return failf("WALK_END after STOP preceded by %s",
						     pgw_type_name(prev->type));
			} else {
				if (ret != 0)
					return failf("WALK_END ret %lld without STOP", (long long)ret);
				if (i + 1 != s->nrecs)
					return failf("a walk ended with 0 but records follow");
			}
			in_walk = stopped = 0;
			break;
		}
		case PGWALK_REC_TEST_WALK:
			if (vma)
				return failf("TEST_WALK at %zu inside VMA 0x%llx", r->off,
					     (unsigned long long)vma->a);
			if ((int64_t)r->c != 0 && (int64_t)r->c != 1)
				return failf("TEST_WALK ret %lld", (long long)r->c);
			break;
		case PGWALK_REC_VMA:
			if (vma)
				return failf("VMA at %zu inside VMA 0x%llx", r->off,
					     (unsigned long long)vma->a);
			if (r->vma_flags & PGWALK_VMA_NOT_WALKED) {
				const struct pgw_rec *n = i + 1 < s->nrecs ? &s->recs[i + 1] : NULL;

				if (!((prev && prev->type == PGWALK_REC_TEST_WALK && prev->c == 1) ||
				      (n && n->type == PGWALK_REC_TEST_WALK && n->c == 1)))
					return failf("NOT_WALKED VMA 0x%llx without TEST_WALK ret 1",
						     (unsigned long long)r->a);
				break;
			}
			if (!prev || prev->type != PGWALK_REC_TEST_WALK || prev->c != 0 ||
			    prev->a < r->a || prev->b > r->b)
				return failf("VMA 0x%llx-0x%llx not right after its TEST_WALK ret 0",
					     (unsigned long long)r->a, (unsigned long long)r->b);
			vma = r;
			break;
		case PGWALK_REC_POST_VMA:
			if (!vma || vma->a != r->a || vma->b != r->b)
				return failf("POST_VMA 0x%llx-0x%llx does not close the open VMA",
					     (unsigned long long)r->a, (unsigned long long)r->b);
			vma = NULL;
			break;
		case PGWALK_REC_HOLE:
			/* depth -1: outside VMAs, or a missing hugetlb entry */
			if ((int8_t)r->arg8 == -1 &&
			    (!vma || (vma->vma_flags & PGWALK_VMA_HUGETLB)))
				break;
			if ((int8_t)r->arg8 == -1)
				return failf("depth -1 HOLE 0x%llx inside VMA 0x%llx-0x%llx",
					     (unsigned long long)r->a, (unsigned long long)vma->a,
					     (unsigned long long)vma->b);
			/* fallthrough */
		case PGWALK_REC_ENTRY:
		case PGWALK_REC_PTE_RUN:
		case PGWALK_REC_PTE_SEQ:
		case PGWALK_REC_NONE_RUN:
		case PGWALK_REC_HUGETLB:
			if (!vma)
				return failf("%s 0x%llx outside any VMA", pgw_type_name(r->type),
					     (unsigned long long)r->a);
			if (r->a < vma->a || r->b > vma->b)
				return failf("%s 0x%llx-0x%llx outside its VMA 0x%llx-0x%llx",
					     pgw_type_name(r->type), (unsigned long long)r->a,
					     (unsigned long long)r->b, (unsigned long long)vma->a,
					     (unsigned long long)vma->b);
			break;
		}
		prev = r;
	}
	if (in_walk)
		return failf("stream ends inside a walk");
	if ((uint32_t)nwalks != s->chunks)
		return failf("%d WALK_BEGIN, END says %u chunks", nwalks, s->chunks);
	if (nstops != nwalks - 1)
		return failf("%d STOP for %d walks", nstops, nwalks);
	if (s->status)
		return failf("END status %d", s->status);
	return 0;
}

/* ------------------------------------------------------------------ */
/* PTE_SEQ records (FORMAT.md 5.10) */

/*
 * The steps 5.10 says the module writes: the same entry again, or the
 * next page frame. A hidden PFN cannot advance, so only the first then.
 */
static int seq_step_ok(uint64_t raw_step, uint64_t info_step, int visible)
{
	if (!raw_step && !info_step)
		return 1;
	return visible && raw_step == PAGE && info_step == 1ULL << PGWALK_INFO_PAYLOAD_SHIFT;
}

/* Do three consecutive pte_entry calls advance by a step the module folds? */
static int seq_uniform(const struct pgw_unit *a, const struct pgw_unit *b,
		       const struct pgw_unit *c, int visible)
{
	uint64_t dr = b->raw - a->raw, di = b->info - a->info;

	return c->raw - b->raw == dr && c->info - b->info == di &&
	       seq_step_ok(dr, di, visible);
}

/* Are two PTE units consecutive pte_entry calls of one PTE table? */
static int same_table_next(const struct pgw_unit *p, const struct pgw_unit *u, uint64_t pmd)
{
	return p->kind == PGW_U_PTE && u->kind == PGW_U_PTE && p->b == u->a && u->a % pmd;
}

/*
 * The PTE_SEQ records of w as 5.10 says the module writes them: three or
 * more elements with a step of seq_step_ok(). With complete (a stream
 * written in one fill, so no run was cut short for room), also nothing
 * left unfolded: no three uniform entries whose first two sit in one
 * PTE_RUN, and no PTE_SEQ that stops while the next entry goes on with
 * its step.
 */
int check_seq_recs(const struct walk *w, int visible, int complete)
{
	uint64_t pmd = 1ULL << w->s.shift[3];

	for (size_t i = 0; i < w->s.nrecs; i++) {
		const struct pgw_rec *r = &w->s.recs[i];

		if (r->type != PGWALK_REC_PTE_SEQ)
			continue;
		if (r->arg16 < 3)
			return failf("PTE_SEQ at 0x%llx of %u elements (the module folds 3 or more)",
				     (unsigned long long)r->a, r->arg16);
		if (!seq_step_ok(r->e, r->f, visible))
			return failf("PTE_SEQ at 0x%llx x%u: steps (0x%llx, 0x%llx) with PFNs %s",
				     (unsigned long long)r->a, r->arg16, (unsigned long long)r->e,
				     (unsigned long long)r->f, visible ? "visible" : "hidden");
	}
	if (!complete)
		return 0;
	for (size_t i = 1; i < w->nu; i++) {
		const struct pgw_unit *u = &w->u[i], *p = u - 1;

		if (!same_table_next(p, u, pmd))
			continue;
		if (i >= 2 && p->rec->type == PGWALK_REC_PTE_RUN && p[-1].rec == p->rec &&
		    same_table_next(&p[-1], p, pmd) && seq_uniform(&p[-1], p, u, visible))
			return failf("PTE_RUN: three uniform entries from 0x%llx not folded (%s)",
				     (unsigned long long)p[-1].a, leaf_desc(u));
		if (p->rec->type == PGWALK_REC_PTE_SEQ && u->rec != p->rec &&
		    u->raw == p->raw + p->rec->e && u->info == p->info + p->rec->f)
			return failf("PTE_SEQ at 0x%llx x%u stops, the entry at 0x%llx goes on with its step",
				     (unsigned long long)p->rec->a, p->rec->arg16,
				     (unsigned long long)u->a);
	}
	return 0;
}
