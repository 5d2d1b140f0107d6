// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the mm_walk_ops callbacks and the records they write.
 *
 * Every callback reads its entry once, decodes it, and appends one record
 * to the session buffer (or extends the last one: runs of PTEs, merged
 * holes). The walk must not change its target: pud_entry and pmd_entry
 * let the walker descend only into a present page table and answer
 * ACTION_CONTINUE for anything else (a huge leaf, a migration entry, an
 * entry that changed under us), so walk_page_range() never reaches
 * split_huge_pud()/split_huge_pmd() with a leaf.
 *
 * pte_entry runs under the PTE spinlock and hugetlb_entry may run under
 * the hugetlb VMA lock: nothing here sleeps or allocates except pre_vma and
 * test_walk, which only name the VMA (d_path()), under the mmap lock alone.
 *
 * Room: a callback writes only when its record fits with PGWALK_RESERVE
 * bytes to spare (for STOP, POST_VMA, WALK_END and END); otherwise it
 * records where it stopped and returns 1 (test_walk: -ENOBUFS), which ends
 * walk_page_range(). pmd_entry reserves room for its whole PTE table first,
 * so a fill stops between PTE tables, never inside one.
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pagewalk.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "pgwalk.h"

/*
 * Most bytes one PTE table of @n entries can take: runs alternate between
 * PTE_RUN (16 + 16 per entry) and NONE_RUN (16), so at most 24 bytes per
 * entry plus one record header.
 */
static size_t pgwalk_pte_table_bytes(unsigned long addr, unsigned long next)
{
	return 24 * ((next - addr) >> PAGE_SHIFT) + 16;
}

static bool pgwalk_room(struct pgwalk_session *s, size_t need)
{
	return s->stream.len + need + PGWALK_RESERVE <= s->stream.size;
}

/* Append a zeroed record of @len bytes with its header filled in. */
static void *pgwalk_emit(struct pgwalk_session *s, u8 type, u8 arg8,
			 u16 arg16, u32 len)
{
	struct pgwalk_rec_hdr *h = (struct pgwalk_rec_hdr *)(s->stream.buf + s->stream.len);

	memset(h, 0, len);
	h->type = type;
	h->arg8 = arg8;
	h->arg16 = cpu_to_le16(arg16);
	h->len = cpu_to_le32(len);
	s->stream.last_rec = s->stream.len;
	s->stream.len += len;
	s->stream.count.bytes += len;
	s->stream.count.records++;
	return h;
}

/* The last record of this fill if it has @type, else NULL. */
static void *pgwalk_last(struct pgwalk_session *s, u8 type)
{
	struct pgwalk_rec_hdr *h;

	if (s->stream.last_rec == PGWALK_NO_REC)
		return NULL;
	h = (struct pgwalk_rec_hdr *)(s->stream.buf + s->stream.last_rec);
	return h->type == type ? h : NULL;
}

/* Grow the last record by @len bytes (it is the last: they follow it). */
static void *pgwalk_grow(struct pgwalk_session *s, struct pgwalk_rec_hdr *h,
			 u32 len)
{
	void *tail = s->stream.buf + s->stream.len;

	memset(tail, 0, len);
	le32_add_cpu(&h->len, len);
	le16_add_cpu(&h->arg16, 1);
	s->stream.len += len;
	s->stream.count.bytes += len;
	return tail;
}

/* The buffer is full at @addr: note where to resume and end the walk. */
static int pgwalk_stop(struct pgwalk_session *s, u8 cb, unsigned long addr)
{
	struct pgwalk_rec_stop *r;

	s->fill.stopped = true;
	s->fill.resume = addr;
	if (s->req.trace) {
		r = pgwalk_emit(s, PGWALK_REC_STOP, cb, 0, sizeof(*r));
		r->addr = cpu_to_le64(addr);
	}
	return 1;
}

/* A pointer to a PTE table the walker may descend into. */
static bool pgwalk_pmd_table(pmd_t val)
{
	return pmd_present(val) && !pmd_leaf(val) && !pmd_bad(val);
}

/*
 * After pmd_entry answers ACTION_SUBTREE for a table, the walker calls
 * split_huge_pmd() and then maps the table with pte_offset_map_lock(). The
 * mmap read lock alone does not keep the table there in between: since
 * 6.5, khugepaged's retract_page_tables() (no mmap lock at all),
 * MADV_COLLAPSE's collapse_pte_mapped_thp() and the reclaim of empty PTE
 * tables (under the read lock) may clear the PMD, and a fault or
 * collapse_pte_mapped_thp() itself may then install a PMD leaf, which that
 * split_huge_pmd() would split or zap: the walk would change its target.
 * Every one of them clears the PMD under its PMD lock, so pmd_entry takes
 * that lock, re-reads the entry, and keeps the lock held while the walker
 * goes on to the first pte_entry of the table, which runs under the PTE
 * lock that pins the table for the rest of it. Returns the lock held, with
 * *@val re-read under it, or NULL (not held) when *@val is no longer a
 * table or the PTE lock is the PMD lock itself (kernels without split page
 * table locks: the walker would deadlock on it; there the window stays).
 * The walker then takes the PTE lock inside the PMD lock, the order
 * khugepaged's collapse and retract take them in; on x86 the two are of
 * different lockdep classes (PTE tables' locks are set up in
 * arch/x86/mm/pgtable.c, PMD tables' in mm/memory.c), and the kernel
 * tests pass on the lockdep kernel of make check-debug without a report.
 */
static spinlock_t *pgwalk_pin_table(struct mm_walk *walk, pmd_t *pmd,
				    pmd_t *val)
{
	spinlock_t *ptl = pmd_lock(walk->mm, pmd);

	*val = READ_ONCE(*pmd);
	if (pgwalk_pmd_table(*val) && pte_lockptr(walk->mm, pmd) != ptl)
		return ptl;
	spin_unlock(ptl);
	return NULL;
}

/* Every callback starts here: the walker is past the window. */
static void pgwalk_unpin_table(struct pgwalk_session *s)
{
	if (unlikely(s->fill.table_lock)) {
		spin_unlock(s->fill.table_lock);
		s->fill.table_lock = NULL;
	}
}

/*
 * One pgd/p4d/pud/pmd_entry call. @extra is room needed beyond the record
 * (pmd_entry: its PTE table). Without trace, an entry that the last reported
 * entry of its level already covers, with the same value, is the walker
 * repeating itself after a resume: it is not written again.
 */
static int pgwalk_entry(struct mm_walk *walk, int level, unsigned long addr,
			unsigned long next, u64 raw, const struct pgwalk_entry *e,
			enum page_walk_action action, size_t extra)
{
	struct pgwalk_session *s = walk->private;
	struct pgwalk_last_entry *last = &s->seen.entry[level];
	struct pgwalk_rec_entry *r;
	bool repeat;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	repeat = !s->req.trace && last->valid && last->addr <= addr &&
		 next <= last->next && last->raw == raw;
	if (!pgwalk_room(s, (repeat ? 0 : sizeof(*r)) + extra))
		return pgwalk_stop(s, level, addr);

	walk->action = action;
	if (repeat)
		return 0;
	if (action == ACTION_CONTINUE)
		s->fill.progress = true;

	r = pgwalk_emit(s, PGWALK_REC_ENTRY, level, action, sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->next = cpu_to_le64(next);
	r->raw = cpu_to_le64(e->raw);
	r->info = cpu_to_le64(e->info);
	*last = (struct pgwalk_last_entry){ addr, next, raw, true };
	return 0;
}

/*
 * pgd and p4d: the walker descends whatever walk->action says; set
 * ACTION_SUBTREE so that the record states what happens.
 */
static int pgwalk_pgd_entry(pgd_t *pgd, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pgd_t val = READ_ONCE(*pgd);
	struct pgwalk_entry e;

	pgwalk_decode_pgd(val, s->pfn_visible, &e);
	return pgwalk_entry(walk, PGWALK_LEVEL_PGD, addr, next, pgd_val(val),
			    &e, ACTION_SUBTREE, 0);
}

static int pgwalk_p4d_entry(p4d_t *p4d, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	p4d_t val = READ_ONCE(*p4d);
	struct pgwalk_entry e;

	pgwalk_decode_p4d(val, s->pfn_visible, &e);
	return pgwalk_entry(walk, PGWALK_LEVEL_P4D, addr, next, p4d_val(val),
			    &e, ACTION_SUBTREE, 0);
}

static int pgwalk_pud_entry(pud_t *pud, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pud_t val = READ_ONCE(*pud);
	struct pgwalk_entry e;
	bool table;

	/* Anything but a sane table pointer: report it, do not descend. */
	table = pud_present(val) && !pud_leaf(val) && !pud_bad(val);
	pgwalk_decode_pud(val, s->pfn_visible, &e);
	return pgwalk_entry(walk, PGWALK_LEVEL_PUD, addr, next, pud_val(val),
			    &e, table ? ACTION_SUBTREE : ACTION_CONTINUE, 0);
}

/*
 * huge_zero_pfn is not exported. In an anonymous VMA a PMD-mapped page that
 * is not PageAnon can only be the huge zero page; the PMD lock (a spinlock,
 * as pagemap takes it) keeps the page mapped while we look, and the value
 * must still be the one reported.
 */
static bool pgwalk_huge_zero(struct mm_walk *walk, pmd_t *pmd, pmd_t val)
{
	struct vm_area_struct *vma = walk->vma;
	spinlock_t *ptl;	/* the PMD lock */
	bool zero = false;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) || !vma ||
	    !vma_is_anonymous(vma) || !pmd_present(val) || !pmd_trans_huge(val))
		return false;
	ptl = pmd_lock(walk->mm, pmd);
	if (pmd_same(READ_ONCE(*pmd), val))
		zero = !PageAnon(pmd_page(val));
	spin_unlock(ptl);
	return zero;
}

static int pgwalk_pmd_entry(pmd_t *pmd, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	/* One load: on 64-bit this is what pmdp_get_lockless() does. */
	pmd_t val = READ_ONCE(*pmd);
	spinlock_t *ptl = NULL;
	struct pgwalk_entry e;
	size_t extra = 0;
	bool table;
	int ret;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	/*
	 * Only a present table is walked. A huge leaf, a migration entry or
	 * an entry that became none since the walker looked gets
	 * ACTION_CONTINUE, so the walker never splits or waits for anything.
	 * pmd_bad() too: the walker would clear it. A table stays one until
	 * the walker holds its PTE lock (pgwalk_pin_table()), so the walker's
	 * split_huge_pmd() that follows ACTION_SUBTREE finds nothing to split.
	 */
	if (pgwalk_pmd_table(val))
		ptl = pgwalk_pin_table(walk, pmd, &val);
	table = pgwalk_pmd_table(val);
	pgwalk_decode_pmd(val, s->pfn_visible, &e);
	if (!table && pgwalk_huge_zero(walk, pmd, val))
		e.info |= PGWALK_INFO_ZERO_PAGE;
	/*
	 * Reserve the whole PTE table so that the fill does not stop inside
	 * it. A fill that has written no leaf yet skips the reservation: with
	 * a small buffer and a long VMA name the table might never fit, and
	 * pte_entry can still stop on its own.
	 */
	if (table && s->fill.progress)
		extra = pgwalk_pte_table_bytes(addr, next);
	ret = pgwalk_entry(walk, PGWALK_LEVEL_PMD, addr, next, pmd_val(val),
			   &e, table ? ACTION_SUBTREE : ACTION_CONTINUE, extra);
	if (ptl) {
		if (!ret && walk->action == ACTION_SUBTREE)
			s->fill.table_lock = ptl;
		else
			spin_unlock(ptl);
	}
	return ret;
}

/*
 * The last record if it has @type (PTE_RUN, NONE_RUN or PTE_SEQ, which all
 * start with a header and an addr) and its pages end at @addr in the same
 * PTE table, so that the entry at @addr may extend it.
 */
static struct pgwalk_rec_pte_run *pgwalk_last_run(struct pgwalk_session *s,
						  u8 type, unsigned long addr)
{
	struct pgwalk_rec_pte_run *run = pgwalk_last(s, type);

	if (!run || !(addr & ~PMD_MASK))
		return NULL;
	if (le64_to_cpu(run->addr) +
	    le16_to_cpu(run->hdr.arg16) * PAGE_SIZE != addr)
		return NULL;
	return run;
}

/*
 * The steps of a uniform run from @a to @b: the same entry again, or the
 * next page frame with every other bit the same (x86: the PFN field starts
 * at bit PAGE_SHIFT of the raw value, and at the payload of the info word).
 * Fresh anonymous memory and page cache are mostly such runs.
 */
static bool pgwalk_seq_steps(u64 a_raw, u64 a_info, u64 b_raw, u64 b_info,
			     u64 *raw_step, u64 *info_step)
{
	u64 dr = b_raw - a_raw, di = b_info - a_info;

	if ((dr || di) && (dr != PAGE_SIZE ||
			   di != 1ULL << PGWALK_INFO_PAYLOAD_SHIFT))
		return false;
	*raw_step = dr;
	*info_step = di;
	return true;
}

/* With seq: extend the last PTE_SEQ if @e is its next element. */
static bool pgwalk_seq_grow(struct pgwalk_session *s, unsigned long addr,
			    const struct pgwalk_entry *e)
{
	struct pgwalk_rec_pte_seq *seq;
	u32 n;

	seq = (struct pgwalk_rec_pte_seq *)pgwalk_last_run(s, PGWALK_REC_PTE_SEQ,
							   addr);
	if (!seq)
		return false;
	n = le16_to_cpu(seq->hdr.arg16);
	if (e->raw != le64_to_cpu(seq->raw) + n * le64_to_cpu(seq->raw_step) ||
	    e->info != le64_to_cpu(seq->info) + n * le64_to_cpu(seq->info_step))
		return false;
	le16_add_cpu(&seq->hdr.arg16, 1);
	return true;
}

/*
 * With seq: turn the last two elements of @run (the last record, which @e
 * follows) and @e into a new PTE_SEQ of three: 48 bytes where the three
 * elements would take 48, or 64 with the header of a run they would be all
 * of. Returns false when they do not advance uniformly: @e then goes into
 * @run.
 */
static bool pgwalk_seq_start(struct pgwalk_session *s,
			     struct pgwalk_rec_pte_run *run, unsigned long addr,
			     const struct pgwalk_entry *e)
{
	u32 n = le16_to_cpu(run->hdr.arg16);
	struct pgwalk_rec_pte_seq *seq;
	u64 raw, info, raw_step, info_step;
	struct pgwalk_pte *elem;

	if (n < 2)
		return false;
	elem = (struct pgwalk_pte *)(run + 1) + n - 2;
	raw = le64_to_cpu(elem[0].raw);
	info = le64_to_cpu(elem[0].info);
	if (!pgwalk_seq_steps(raw, info, le64_to_cpu(elem[1].raw),
			      le64_to_cpu(elem[1].info), &raw_step, &info_step) ||
	    e->raw != raw + 2 * raw_step || e->info != info + 2 * info_step)
		return false;
	/* The record grows by at most 48 - 2 * 16 bytes. */
	if (!pgwalk_room(s, sizeof(*seq) - 2 * sizeof(*elem)))
		return false;

	/* Take the two elements out of the run (the whole run if that is all). */
	if (n == 2) {
		s->stream.len = s->stream.last_rec;
		s->stream.count.bytes -= sizeof(*run) + 2 * sizeof(*elem);
		s->stream.count.records--;
	} else {
		run->hdr.len = cpu_to_le32(le32_to_cpu(run->hdr.len) -
					   2 * sizeof(*elem));
		run->hdr.arg16 = cpu_to_le16(n - 2);
		s->stream.len -= 2 * sizeof(*elem);
		s->stream.count.bytes -= 2 * sizeof(*elem);
	}
	seq = pgwalk_emit(s, PGWALK_REC_PTE_SEQ, PGWALK_LEVEL_PTE, 3,
			  sizeof(*seq));
	seq->addr = cpu_to_le64(addr - 2 * PAGE_SIZE);
	seq->raw = cpu_to_le64(raw);
	seq->info = cpu_to_le64(info);
	seq->raw_step = cpu_to_le64(raw_step);
	seq->info_step = cpu_to_le64(info_step);
	return true;
}

/*
 * With seq: expect @val + @step at the address after @addr as the next
 * element of the PTE_SEQ at seq_rec, @val being its last. The caller knows
 * that decoding @val + @step gives that element if only the PFN field
 * changes and the new frame is neither the zero page nor beyond the info
 * word's payload; that is checked here, per step. The next table starts a
 * new record.
 */
static void pgwalk_seq_expect(struct pgwalk_session *s, unsigned long addr,
			      u64 val, u64 step)
{
	u64 next = val + step;
	unsigned long pfn = pte_pfn(__pte(next));

	if (!((addr + PAGE_SIZE) & ~PMD_MASK) ||
	    (step && ((next ^ val) & ~PTE_PFN_MASK || is_zero_pfn(pfn) ||
		      pfn > PGWALK_INFO_PAYLOAD_MAX))) {
		s->seq.rec = PGWALK_NO_REC;
		return;
	}
	s->seq.next_addr = addr + PAGE_SIZE;
	s->seq.next_val = next;
}

/*
 * With seq, once the PTE @val at @addr became the last element of the last
 * record, a PTE_SEQ, by the step @step from the entry before: remember the
 * value at the next address that would be its next element, so that
 * pte_entry takes it by comparing one value instead of decoding it. Only
 * where decoding is certain to give what the record predicts: @step 0
 * (decoding the same value gives the same element, and the record's steps
 * are 0), or @step PAGE_SIZE (the record advances by one frame) from a
 * present entry that is not PROT_NONE (whose PFN is stored inverted) and
 * not the zero page, with the conditions of pgwalk_seq_expect().
 */
static void pgwalk_seq_predict(struct pgwalk_session *s, unsigned long addr,
			       u64 val, u64 step)
{
	pte_t cur = __pte(val);

	s->seq.rec = PGWALK_NO_REC;
	if (step && (step != PAGE_SIZE || !pte_present(cur) ||
		     pte_protnone(cur) || is_zero_pfn(pte_pfn(cur))))
		return;
	s->seq.rec = s->stream.last_rec;
	s->seq.val_step = step;
	pgwalk_seq_expect(s, addr, val, step);
}

/* With seq: @val at @addr is the value pgwalk_seq_predict() expected. */
static int pgwalk_seq_take(struct pgwalk_session *s, unsigned long addr,
			   u64 val)
{
	struct pgwalk_rec_hdr *h = (struct pgwalk_rec_hdr *)(s->stream.buf + s->seq.rec);

	le16_add_cpu(&h->arg16, 1);
	pgwalk_seq_expect(s, addr, val, s->seq.val_step);
	s->fill.progress = true;
	return 0;
}

/*
 * With seq: put @val at @addr, decoded as @e, into a PTE_SEQ if it extends
 * the last one or starts one from the last two elements of @run (the last
 * record, or NULL), and predict its next element. Returns false when it
 * does neither; @e then goes into a PTE_RUN.
 */
static bool pgwalk_seq_add(struct pgwalk_session *s,
			   struct pgwalk_rec_pte_run *run, unsigned long addr,
			   u64 val, const struct pgwalk_entry *e)
{
	/* The step from the entry before, when this path saw it. */
	bool follows = s->seq.prev_addr == addr - PAGE_SIZE;
	u64 step = val - s->seq.prev_val;

	s->seq.prev_addr = addr;
	s->seq.prev_val = val;
	if (!(run ? pgwalk_seq_start(s, run, addr, e) :
		    pgwalk_seq_grow(s, addr, e)))
		return false;
	/* That entry is the record's element before this one. */
	if (follows)
		pgwalk_seq_predict(s, addr, val, step);
	return true;
}

static int pgwalk_none_pte(struct pgwalk_session *s, unsigned long addr)
{
	struct pgwalk_rec_none_run *run;

	run = (struct pgwalk_rec_none_run *)pgwalk_last_run(s, PGWALK_REC_NONE_RUN,
							    addr);
	if (run) {
		le16_add_cpu(&run->hdr.arg16, 1);
	} else {
		if (!pgwalk_room(s, sizeof(*run)))
			return pgwalk_stop(s, PGWALK_CB_PTE_ENTRY, addr);
		run = pgwalk_emit(s, PGWALK_REC_NONE_RUN, PGWALK_LEVEL_PTE, 1,
				  sizeof(*run));
		run->addr = cpu_to_le64(addr);
	}
	s->fill.progress = true;
	return 0;
}

/* Under the PTE spinlock. */
static int pgwalk_pte_entry(pte_t *pte, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pte_t val = ptep_get(pte);
	struct pgwalk_rec_pte_run *run;
	struct pgwalk_pte *elem;
	struct pgwalk_entry e;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	if (s->seq.rec != PGWALK_NO_REC && s->seq.rec == s->stream.last_rec &&
	    addr == s->seq.next_addr && pte_val(val) == s->seq.next_val)
		return pgwalk_seq_take(s, addr, pte_val(val));
	if (pte_none(val) && !pte_val(val))
		return pgwalk_none_pte(s, addr);

	pgwalk_decode_pte(val, s->pfn_visible, &e);
	/* The last run, if this entry follows it in the same table. */
	run = pgwalk_last_run(s, PGWALK_REC_PTE_RUN, addr);
	if (s->req.seq && pgwalk_seq_add(s, run, addr, pte_val(val), &e)) {
		s->fill.progress = true;
		return 0;
	}

	if (!pgwalk_room(s, sizeof(*elem) + (run ? 0 : sizeof(*run))))
		return pgwalk_stop(s, PGWALK_CB_PTE_ENTRY, addr);
	if (run) {
		elem = pgwalk_grow(s, &run->hdr, sizeof(*elem));
	} else {
		run = pgwalk_emit(s, PGWALK_REC_PTE_RUN, PGWALK_LEVEL_PTE, 1,
				  sizeof(*run) + sizeof(*elem));
		run->addr = cpu_to_le64(addr);
		elem = (struct pgwalk_pte *)(run + 1);
	}
	elem->raw = cpu_to_le64(e.raw);
	elem->info = cpu_to_le64(e.info);
	s->fill.progress = true;
	return 0;
}

/* Consecutive holes of one depth inside a VMA merge into one record. */
static int pgwalk_pte_hole(unsigned long addr, unsigned long next, int depth,
			   struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	struct pgwalk_rec_hole *r;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	r = depth >= 0 ? pgwalk_last(s, PGWALK_REC_HOLE) : NULL;
	if (r && (s8)r->hdr.arg8 == depth && le64_to_cpu(r->end) == addr &&
	    le16_to_cpu(r->hdr.arg16) < U16_MAX) {
		le16_add_cpu(&r->hdr.arg16, 1);
		r->end = cpu_to_le64(next);
		s->fill.progress = true;
		return 0;
	}
	if (!pgwalk_room(s, sizeof(*r)))
		return pgwalk_stop(s, PGWALK_CB_PTE_HOLE, addr);
	r = pgwalk_emit(s, PGWALK_REC_HOLE, (u8)(s8)depth, 1, sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->end = cpu_to_le64(next);
	s->fill.progress = true;
	return 0;
}

#ifdef CONFIG_HUGETLB_PAGE
static pte_t pgwalk_huge_ptep_get(struct mm_walk *walk, unsigned long addr,
				  pte_t *pte)
{
#ifdef PGWALK_HAVE_HUGE_PTEP_GET_MM
	return huge_ptep_get(walk->mm, addr, pte);
#else
	return huge_ptep_get(pte);
#endif
}

static int pgwalk_hugetlb_entry(pte_t *pte, unsigned long hmask,
				unsigned long addr, unsigned long next,
				struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pte_t val = pgwalk_huge_ptep_get(walk, addr & hmask, pte);
	struct pgwalk_rec_hugetlb *r;
	struct pgwalk_entry e;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	if (!pgwalk_room(s, sizeof(*r)))
		return pgwalk_stop(s, PGWALK_CB_HUGETLB_ENTRY, addr);
	pgwalk_decode_huge_pte(val, hmask, s->pfn_visible, &e);
	r = pgwalk_emit(s, PGWALK_REC_HUGETLB, 0, 0, sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->next = cpu_to_le64(next);
	r->hmask = cpu_to_le64(hmask);
	r->raw = cpu_to_le64(e.raw);
	r->info = cpu_to_le64(e.info);
	s->fill.progress = true;
	return 0;
}
#endif

static size_t pgwalk_vma_rec_len(size_t name_len)
{
	return sizeof(struct pgwalk_rec_vma) + round_up(name_len, 8);
}

/* Without trace, the walker re-entering the last VMA after a resume. */
static bool pgwalk_vma_repeat(struct pgwalk_session *s,
			      struct vm_area_struct *vma)
{
	return !s->req.trace && s->seen.vma_valid &&
	       s->seen.vma_start == vma->vm_start &&
	       s->seen.vma_end == vma->vm_end;
}

static char *pgwalk_name_buf(struct pgwalk_session *s)
{
	return s->path_buf + PATH_MAX;
}

static void pgwalk_emit_vma(struct pgwalk_session *s,
			    struct vm_area_struct *vma, size_t name_len,
			    u8 backing, u32 flags)
{
	struct pgwalk_rec_vma *r;

	r = pgwalk_emit(s, PGWALK_REC_VMA, backing, name_len,
			pgwalk_vma_rec_len(name_len));
	r->vm_start = cpu_to_le64(vma->vm_start);
	r->vm_end = cpu_to_le64(vma->vm_end);
	r->vm_flags = cpu_to_le64(vma->vm_flags);
	r->pgoff = cpu_to_le64(vma->vm_pgoff);
	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);
		dev_t dev = inode->i_sb->s_dev;

		r->inode = cpu_to_le64(inode->i_ino);
		r->dev = cpu_to_le32(MAJOR(dev) << 20 | MINOR(dev));
	}
	r->flags = cpu_to_le32(pgwalk_vma_flags(vma) | flags);
	memcpy(r + 1, pgwalk_name_buf(s), name_len);
	s->seen.vma_start = vma->vm_start;
	s->seen.vma_end = vma->vm_end;
	s->seen.vma_valid = true;
}

/*
 * Walk every VMA except VM_PFNMAP ones (there is no struct page behind
 * them; the walker's default skips them too). A skipped VMA is reported
 * here, with NOT_WALKED, since pre_vma will not be called for it. With
 * trace, TEST_WALK comes first and the VMA record follows it, as after a
 * TEST_WALK that returned 0.
 */
static int pgwalk_test_walk(unsigned long addr, unsigned long next,
			    struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	struct vm_area_struct *vma = walk->vma;
	int skip = !!(vma->vm_flags & VM_PFNMAP);
	bool report = skip && !pgwalk_vma_repeat(s, vma);
	struct pgwalk_rec_test_walk *t;
	size_t name_len = 0;
	size_t need = 0;
	u8 backing = 0;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return -ENOBUFS;
	if (s->req.trace)
		need += sizeof(*t);
	if (report) {
		name_len = pgwalk_vma_name(vma, s->path_buf,
					   pgwalk_name_buf(s), &backing);
		need += pgwalk_vma_rec_len(name_len);
	}
	if (!pgwalk_room(s, need)) {
		pgwalk_stop(s, PGWALK_CB_TEST_WALK, addr);
		return -ENOBUFS;
	}
	if (s->req.trace) {
		t = pgwalk_emit(s, PGWALK_REC_TEST_WALK, 0, 0, sizeof(*t));
		t->addr = cpu_to_le64(addr);
		t->next = cpu_to_le64(next);
		t->ret = cpu_to_le64(skip);
	}
	if (report)
		pgwalk_emit_vma(s, vma, name_len, backing,
				PGWALK_VMA_NOT_WALKED);
	if (skip)
		s->fill.progress = true;
	return skip;
}

static int pgwalk_pre_vma(unsigned long start, unsigned long end,
			  struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	struct vm_area_struct *vma = walk->vma;
	size_t name_len;
	u8 backing;

	pgwalk_unpin_table(s);
	if (s->fill.stopped)
		return 1;
	if (pgwalk_vma_repeat(s, vma))
		return 0;
	name_len = pgwalk_vma_name(vma, s->path_buf, pgwalk_name_buf(s),
				   &backing);
	if (!pgwalk_room(s, pgwalk_vma_rec_len(name_len)))
		return pgwalk_stop(s, PGWALK_CB_PRE_VMA, start);
	pgwalk_emit_vma(s, vma, name_len, backing, 0);
	return 0;
}

/*
 * Called even after a callback stopped the walk inside the VMA (6.1 calls
 * post_vma whatever the walk returned), so PGWALK_RESERVE covers it.
 */
static void pgwalk_post_vma(struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	struct pgwalk_rec_post_vma *r;

	pgwalk_unpin_table(s);
	if (!s->req.trace)
		return;
	if (WARN_ON_ONCE(s->stream.len + sizeof(*r) > s->stream.size))
		return;
	r = pgwalk_emit(s, PGWALK_REC_POST_VMA, 0, 0, sizeof(*r));
	r->vm_start = cpu_to_le64(walk->vma->vm_start);
	r->vm_end = cpu_to_le64(walk->vma->vm_end);
}

static const struct mm_walk_ops pgwalk_ops = {
	.pgd_entry	= pgwalk_pgd_entry,
	.p4d_entry	= pgwalk_p4d_entry,
	.pud_entry	= pgwalk_pud_entry,
	.pmd_entry	= pgwalk_pmd_entry,
	.pte_entry	= pgwalk_pte_entry,
	.pte_hole	= pgwalk_pte_hole,
#ifdef CONFIG_HUGETLB_PAGE
	.hugetlb_entry	= pgwalk_hugetlb_entry,
#endif
	.test_walk	= pgwalk_test_walk,
	.pre_vma	= pgwalk_pre_vma,
	.post_vma	= pgwalk_post_vma,
#ifdef PGWALK_HAVE_WALK_LOCK
	/* The fill holds mmap_read_lock(); the walker asserts just that. */
	.walk_lock	= PGWALK_RDLOCK,
#endif
};

/* Start a fill: the buffer has been read to its end. */
void pgwalk_begin_fill(struct pgwalk_session *s)
{
	s->stream.len = 0;
	s->stream.pos = 0;
	s->stream.last_rec = PGWALK_NO_REC;
	s->seq.rec = PGWALK_NO_REC;
	s->seq.prev_addr = 0;
	s->fill.stopped = false;
	s->fill.progress = false;
}

void pgwalk_emit_header(struct pgwalk_session *s)
{
	struct pgwalk_stream_header *h = (struct pgwalk_stream_header *)s->stream.buf;
	u32 flags = 0;
	int i;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, PGWALK_MAGIC, PGWALK_MAGIC_LEN);
	h->version = cpu_to_le16(PGWALK_FORMAT_VERSION);
	h->header_len = cpu_to_le16(sizeof(*h));
	if (s->req.trace)
		flags |= PGWALK_HDR_TRACE;
	if (s->req.seq)
		flags |= PGWALK_HDR_SEQ;
	if (s->pfn_visible)
		flags |= PGWALK_HDR_PFN_VISIBLE;
#ifdef PGWALK_HAVE_WALK_LOCK
	flags |= PGWALK_HDR_WALK_LOCK;
#endif
	h->flags = cpu_to_le32(flags);
	h->pid = cpu_to_le32(s->req.pid);
	h->page_shift = cpu_to_le32(PAGE_SHIFT);
	h->levels = cpu_to_le32(pgwalk_levels());
	h->kernel_version = cpu_to_le32(PGWALK_KERNEL_VERSION);
	h->start = cpu_to_le64(s->req.start);
	h->end = cpu_to_le64(s->req.end);
	h->task_size = cpu_to_le64(s->req.task_size);
	for (i = 0; i < PGWALK_NR_LEVELS; i++) {
		h->level[i].shift = cpu_to_le32(pgwalk_level_shift(i));
		h->level[i].ptrs = cpu_to_le32(pgwalk_level_ptrs(i));
	}
	h->buffer_size = cpu_to_le32(s->stream.size);
	strscpy(h->release, init_utsname()->release, sizeof(h->release));
	s->stream.len = sizeof(*h);
	s->stream.count.bytes = sizeof(*h);
}

void pgwalk_emit_end(struct pgwalk_session *s, int status,
		     unsigned long walked_to)
{
	u64 bytes = s->stream.count.bytes, records = s->stream.count.records;
	struct pgwalk_rec_end *r;

	r = pgwalk_emit(s, PGWALK_REC_END, 0, 0, sizeof(*r));
	r->status = cpu_to_le32((u32)status);
	r->chunks = cpu_to_le32(s->stream.count.chunks);
	r->walked_to = cpu_to_le64(walked_to);
	r->stream_bytes = cpu_to_le64(bytes);
	r->records = cpu_to_le64(records);
	s->stream.done = true;
}

/*
 * One walk_page_range() call from s->fill.resume to s->req.end. The caller holds
 * mmap_read_lock() and a reference on the mm.
 */
int pgwalk_walk_chunk(struct pgwalk_session *s, struct mm_struct *mm)
{
	struct pgwalk_rec_walk_begin *b;
	struct pgwalk_rec_walk_end *e;
	int ret;

	if (s->req.trace) {
		b = pgwalk_emit(s, PGWALK_REC_WALK_BEGIN, 0, 0, sizeof(*b));
		b->start = cpu_to_le64(s->fill.resume);
		b->end = cpu_to_le64(s->req.end);
	}
	ret = pgwalk_walk_page_range(mm, s->fill.resume, s->req.end, &pgwalk_ops, s);
	/* Only if the walker failed to map a table it was let into. */
	pgwalk_unpin_table(s);
	s->stream.count.chunks++;
	if (s->req.trace) {
		e = pgwalk_emit(s, PGWALK_REC_WALK_END, 0, 0, sizeof(*e));
		e->ret = cpu_to_le64((s64)ret);
	}
	return ret;
}
