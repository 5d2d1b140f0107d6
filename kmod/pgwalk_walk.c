// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the mm_walk_ops callbacks, in the shape of mm/ptdump.c: one small
 * callback per level reads its entry once (READ_ONCE(), ptep_get(),
 * huge_ptep_get()), decides what the walker does next, and hands the value
 * to pgwalk_record.c, as ptdump's callbacks hand theirs to note_page(). A
 * chunk of the walk runs under mmap_read_lock() (pgwalk_walk_chunk()).
 *
 * The walk must not change its target: pud_entry and pmd_entry let the
 * walker descend only into a present page table and answer ACTION_CONTINUE
 * for anything else (a huge leaf, a migration entry, an entry that changed
 * under us), so walk_page_range() never reaches split_huge_pud()/
 * split_huge_pmd() with a leaf; pmd_entry holds the PMD lock of a table it
 * lets the walker into until the walker's next callback
 * (pgwalk_pin_table()).
 *
 * pte_entry runs under the PTE spinlock and hugetlb_entry may run under
 * the hugetlb VMA lock: nothing here sleeps or allocates except pre_vma and
 * test_walk, which only name the VMA (d_path()), under the mmap lock alone.
 *
 * Once a callback found the buffer full (fill.stopped), every later one
 * returns at once: the walker unwinds to walk_page_range()'s caller.
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pagewalk.h>
#include <linux/pgtable.h>

#include "pgwalk.h"

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

/* A callback's start: past the window, and is the fill over? */
static bool pgwalk_stopped(struct pgwalk_session *s)
{
	pgwalk_unpin_table(s);
	return s->fill.stopped;
}

/* Record an upper entry; the walker takes @action only once it is. */
static int pgwalk_note_entry(struct mm_walk *walk, int level,
			     unsigned long addr, unsigned long next, u64 raw,
			     const struct pgwalk_entry *e,
			     enum page_walk_action action)
{
	int ret = pgwalk_record_entry(walk->private, level, addr, next, raw, e,
				      action);

	if (!ret)
		walk->action = action;
	return ret;
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

	if (pgwalk_stopped(s))
		return 1;
	pgwalk_decode_pgd(val, s->pfn_visible, &e);
	return pgwalk_note_entry(walk, PGWALK_LEVEL_PGD, addr, next,
				 pgd_val(val), &e, ACTION_SUBTREE);
}

static int pgwalk_p4d_entry(p4d_t *p4d, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	p4d_t val = READ_ONCE(*p4d);
	struct pgwalk_entry e;

	if (pgwalk_stopped(s))
		return 1;
	pgwalk_decode_p4d(val, s->pfn_visible, &e);
	return pgwalk_note_entry(walk, PGWALK_LEVEL_P4D, addr, next,
				 p4d_val(val), &e, ACTION_SUBTREE);
}

static int pgwalk_pud_entry(pud_t *pud, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pud_t val = READ_ONCE(*pud);
	struct pgwalk_entry e;
	bool table;

	if (pgwalk_stopped(s))
		return 1;
	/* Anything but a sane table pointer: report it, do not descend. */
	table = pud_present(val) && !pud_leaf(val) && !pud_bad(val);
	pgwalk_decode_pud(val, s->pfn_visible, &e);
	return pgwalk_note_entry(walk, PGWALK_LEVEL_PUD, addr, next,
				 pud_val(val), &e,
				 table ? ACTION_SUBTREE : ACTION_CONTINUE);
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
	bool table;
	int ret;

	if (pgwalk_stopped(s))
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
	ret = pgwalk_note_entry(walk, PGWALK_LEVEL_PMD, addr, next,
				pmd_val(val), &e,
				table ? ACTION_SUBTREE : ACTION_CONTINUE);
	if (ptl) {
		if (!ret && walk->action == ACTION_SUBTREE)
			s->fill.table_lock = ptl;
		else
			spin_unlock(ptl);
	}
	return ret;
}

/* Under the PTE spinlock. */
static int pgwalk_pte_entry(pte_t *pte, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	pte_t val = ptep_get(pte);

	if (pgwalk_stopped(s))
		return 1;
	return pgwalk_record_pte(s, addr, val);
}

static int pgwalk_pte_hole(unsigned long addr, unsigned long next, int depth,
			   struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;

	if (pgwalk_stopped(s))
		return 1;
	return pgwalk_record_hole(s, addr, next, depth);
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

	if (pgwalk_stopped(s))
		return 1;
	return pgwalk_record_hugetlb(s, addr, next, hmask, val);
}
#endif

/*
 * Walk every VMA except VM_PFNMAP ones (there is no struct page behind
 * them; the walker's default skips them too). pgwalk_record_test_walk()
 * reports a skipped one, since pre_vma will not be called for it.
 */
static int pgwalk_test_walk(unsigned long addr, unsigned long next,
			    struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;
	int skip = !!(walk->vma->vm_flags & VM_PFNMAP);

	if (pgwalk_stopped(s))
		return -ENOBUFS;
	return pgwalk_record_test_walk(s, walk->vma, addr, next, skip);
}

static int pgwalk_pre_vma(unsigned long start, unsigned long end,
			  struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;

	if (pgwalk_stopped(s))
		return 1;
	return pgwalk_record_vma(s, walk->vma, start);
}

/* Called even after a callback stopped the walk inside the VMA. */
static void pgwalk_post_vma(struct mm_walk *walk)
{
	struct pgwalk_session *s = walk->private;

	pgwalk_unpin_table(s);
	pgwalk_record_post_vma(s, walk->vma);
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
	/* pgwalk_walk_chunk() holds mmap_read_lock(); the walker asserts it. */
	.walk_lock	= PGWALK_RDLOCK,
#endif
};

/*
 * One walk_page_range() call, a chunk, from fill.resume to req.end, under
 * mmap_read_lock() as ptdump_walk_pgd() brackets its walk with the mmap
 * lock. The caller holds a reference on the mm (mm_users). Returns the
 * error of taking the lock (a fatal signal; nothing written), else 0 with
 * *@ret what walk_page_range() returned.
 */
int pgwalk_walk_chunk(struct pgwalk_session *s, int *ret)
{
	struct mm_struct *mm = s->req.mm;
	int err;

	err = mmap_read_lock_killable(mm);
	if (err)
		return err;
	pgwalk_stream_chunk_begin(s, s->fill.resume, s->req.end);
	*ret = pgwalk_walk_page_range(mm, s->fill.resume, s->req.end,
				      &pgwalk_ops, s);
	/* Only if the walker failed to map a table it was let into. */
	pgwalk_unpin_table(s);
	pgwalk_stream_chunk_end(s, *ret);
	mmap_read_unlock(mm);
	return 0;
}
