// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: decode one page table entry into the stream's info word
 * (docs/FORMAT.md section 4), and hide the PFN bits of its raw value when
 * the opener may not see PFNs, as /proc/PID/pagemap does.
 *
 * Everything here works on a value the caller already read once
 * (READ_ONCE()/ptep_get()): the decoders never touch the page tables, never
 * sleep and may run under the PTE lock.
 *
 * Also the geometry of those tables at run time (levels, shifts, entries
 * per table), which the stream header and pgwalk/info report: x86 decides
 * at boot whether the p4d is folded, so it cannot be a constant.
 */
#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "pgwalk.h"

/*
 * The offset field of an x86-64 swap-format entry: it holds the swap slot
 * or, for migration, device and hwpoison entries, the PFN. Both are hidden
 * from openers without CAP_SYS_ADMIN. The type and the software bits
 * (soft-dirty, uffd-wp, exclusive) sit outside it and stay.
 */
#define PGWALK_SWP_OFFSET_MASK	GENMASK_ULL(63 - SWP_TYPE_BITS, SWP_OFFSET_FIRST_BIT)

static u64 pgwalk_payload(u64 val)
{
	if (val > PGWALK_INFO_PAYLOAD_MAX)
		return ((val & PGWALK_INFO_PAYLOAD_MAX) << PGWALK_INFO_PAYLOAD_SHIFT) |
		       PGWALK_INFO_TRUNCATED;
	return val << PGWALK_INFO_PAYLOAD_SHIFT;
}

/* The x86 hardware bits that mean the same at every level. */
static u64 pgwalk_hw_flags(u64 raw)
{
	u64 info = 0;

	if (raw & _PAGE_RW)
		info |= PGWALK_INFO_WRITE;
	if (raw & _PAGE_USER)
		info |= PGWALK_INFO_USER;
	if (raw & _PAGE_ACCESSED)
		info |= PGWALK_INFO_ACCESSED;
	if (raw & _PAGE_DIRTY)
		info |= PGWALK_INFO_DIRTY;
	if (raw & _PAGE_NX)
		info |= PGWALK_INFO_NOEXEC;
	/*
	 * _PAGE_PROTNONE is the _PAGE_GLOBAL bit: only a present entry's
	 * bit means global (user PTEs are never global in practice).
	 */
	if ((raw & _PAGE_GLOBAL) && (raw & _PAGE_PRESENT))
		info |= PGWALK_INFO_GLOBAL;
	return info;
}

/* _PAGE_DEVMAP is gone from newer kernels; test it only where it exists. */
static u64 pgwalk_devmap_flag(u64 raw)
{
#ifdef _PAGE_DEVMAP
	if (_PAGE_DEVMAP && (raw & _PAGE_DEVMAP))
		return PGWALK_INFO_DEVMAP;
#endif
	return 0;
}

/*
 * The uffd bit of an entry. 7.x renamed the accessors (pte_uffd_wp() became
 * pte_uffd()) when the bit came to serve uffd read-write protection too;
 * Kbuild tells which the headers have (PGWALK_HAVE_PTE_UFFD).
 */
static bool pgwalk_pte_uffd(pte_t pte)
{
#ifdef PGWALK_HAVE_PTE_UFFD
	return pte_uffd(pte);
#else
	return pte_uffd_wp(pte);
#endif
}

static bool pgwalk_pte_swp_uffd(pte_t pte)
{
#ifdef PGWALK_HAVE_PTE_UFFD
	return pte_swp_uffd(pte);
#else
	return pte_swp_uffd_wp(pte);
#endif
}

static bool pgwalk_pmd_uffd(pmd_t pmd)
{
#ifdef PGWALK_HAVE_PTE_UFFD
	return pmd_uffd(pmd);
#else
	return pmd_uffd_wp(pmd);
#endif
}

#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
static bool pgwalk_pmd_swp_uffd(pmd_t pmd)
{
#ifdef PGWALK_HAVE_PTE_UFFD
	return pmd_swp_uffd(pmd);
#else
	return pmd_swp_uffd_wp(pmd);
#endif
}
#endif

/*
 * The info word of a swap-format (non-present, not none) entry, without
 * the software bits, which differ per level. Its payload is hidden from an
 * opener who may not see PFNs when it is a PFN or a swap slot.
 */
static u64 pgwalk_decode_leaf(const struct pgwalk_leaf *l, bool show_pfn)
{
	u64 info = PGWALK_INFO_LEAF | l->kind;

	info |= ((u64)l->type & PGWALK_INFO_SWAP_TYPE_MASK) <<
		PGWALK_INFO_SWAP_TYPE_SHIFT;
	if (l->write)
		info |= PGWALK_INFO_WRITE;
	if (show_pfn || !l->hide)
		info |= pgwalk_payload(l->value);
	return info;
}

void pgwalk_decode_p4d(p4d_t p4d, bool show_pfn, struct pgwalk_entry *e)
{
	u64 raw = p4d_val(p4d);

	e->raw = raw;
	if (p4d_none(p4d)) {
		e->info = PGWALK_KIND_NONE;
		return;
	}
	if (!p4d_present(p4d)) {
		e->info = PGWALK_KIND_OTHER;
		return;
	}
	e->info = PGWALK_KIND_PRESENT | pgwalk_hw_flags(raw);
	if (show_pfn)
		e->info |= pgwalk_payload(p4d_pfn(p4d));
	else
		e->raw &= ~(u64)p4d_pfn_mask(p4d);
}

void pgwalk_decode_pgd(pgd_t pgd, bool show_pfn, struct pgwalk_entry *e)
{
	u64 raw = pgd_val(pgd);

	/*
	 * With 4-level paging the pgd is folded into the p4d at run time:
	 * pgd_none() and pgd_present() then answer "present" whatever the
	 * slot holds. The slot is really a p4d, so decode it as one; pgd_entry
	 * and p4d_entry then report the same raw value and info.
	 */
	if (PTRS_PER_P4D == 1) {
		pgwalk_decode_p4d(__p4d(raw), show_pfn, e);
		return;
	}
	e->raw = raw;
	if (pgd_none(pgd)) {
		e->info = PGWALK_KIND_NONE;
		return;
	}
	if (!pgd_present(pgd)) {
		e->info = PGWALK_KIND_OTHER;
		return;
	}
	e->info = PGWALK_KIND_PRESENT | pgwalk_hw_flags(raw);
	if (show_pfn)
		e->info |= pgwalk_payload(pgd_pfn(pgd));
	else
		e->raw &= ~(u64)PTE_PFN_MASK;
}

void pgwalk_decode_pud(pud_t pud, bool show_pfn, struct pgwalk_entry *e)
{
	u64 raw = pud_val(pud);

	e->raw = raw;
	if (pud_none(pud)) {
		e->info = PGWALK_KIND_NONE;
		return;
	}
	/* No swap-format PUDs exist for user memory (no PUD migration). */
	if (!pud_present(pud)) {
		e->info = PGWALK_KIND_OTHER;
		return;
	}
	e->info = PGWALK_KIND_PRESENT | pgwalk_hw_flags(raw);
	if (pud_leaf(pud)) {
		e->info |= PGWALK_INFO_LEAF | pgwalk_devmap_flag(raw);
		if (raw & _PAGE_SOFT_DIRTY)
			e->info |= PGWALK_INFO_SOFT_DIRTY;
	}
	if (show_pfn)
		e->info |= pgwalk_payload(pud_pfn(pud));
	else
		e->raw &= ~(u64)pud_pfn_mask(pud);
}

void pgwalk_decode_pmd(pmd_t pmd, bool show_pfn, struct pgwalk_entry *e)
{
	u64 raw = pmd_val(pmd);

	e->raw = raw;
	if (pmd_none(pmd)) {
		e->info = PGWALK_KIND_NONE;
		return;
	}
	if (!pmd_present(pmd)) {
		struct pgwalk_leaf l;

		pgwalk_leaf_from_pmd(pmd, &l);
		e->info = pgwalk_decode_leaf(&l, show_pfn);
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
		if (pmd_swp_soft_dirty(pmd))
			e->info |= PGWALK_INFO_SOFT_DIRTY;
		if (pgwalk_pmd_swp_uffd(pmd))
			e->info |= PGWALK_INFO_UFFD_WP;
#endif
		if (l.hide && !show_pfn)
			e->raw &= ~PGWALK_SWP_OFFSET_MASK;
		return;
	}
	e->info = PGWALK_KIND_PRESENT | pgwalk_hw_flags(raw);
	/*
	 * pmd_present() is also true for a huge PMD being split
	 * (pmdp_invalidate() clears _PAGE_PRESENT but keeps _PAGE_PSE):
	 * pmd_leaf() still calls that a leaf, which is what it maps.
	 */
	if (pmd_leaf(pmd)) {
		e->info |= PGWALK_INFO_LEAF | pgwalk_devmap_flag(raw);
		if (pmd_dirty(pmd))
			e->info |= PGWALK_INFO_DIRTY;
		if (pmd_soft_dirty(pmd))
			e->info |= PGWALK_INFO_SOFT_DIRTY;
		if (pgwalk_pmd_uffd(pmd))
			e->info |= PGWALK_INFO_UFFD_WP;
		if (pmd_protnone(pmd))
			e->info |= PGWALK_INFO_PROTNONE;
	}
	if (show_pfn)
		e->info |= pgwalk_payload(pmd_pfn(pmd));
	else
		e->raw &= ~(u64)pmd_pfn_mask(pmd);
}

/* A present PTE, or a present hugetlb entry (pfn_mask cuts its low bits). */
static void pgwalk_decode_present_pte(pte_t pte, u64 pfn_mask, bool show_pfn,
				      struct pgwalk_entry *e)
{
	unsigned long pfn = pte_pfn(pte) & (pfn_mask >> PAGE_SHIFT);
	u64 raw = pte_val(pte);

	e->info = PGWALK_KIND_PRESENT | PGWALK_INFO_LEAF |
		  pgwalk_hw_flags(raw) | pgwalk_devmap_flag(raw);
	/* The accessors know about bits a raw test would miss (6.6+). */
	if (pte_write(pte))
		e->info |= PGWALK_INFO_WRITE;
	if (pte_dirty(pte))
		e->info |= PGWALK_INFO_DIRTY;
	if (pte_soft_dirty(pte))
		e->info |= PGWALK_INFO_SOFT_DIRTY;
	if (pgwalk_pte_uffd(pte))
		e->info |= PGWALK_INFO_UFFD_WP;
	if (pte_protnone(pte))
		e->info |= PGWALK_INFO_PROTNONE;
	if (pte_special(pte))
		e->info |= PGWALK_INFO_SPECIAL;
	if (is_zero_pfn(pte_pfn(pte)))
		e->info |= PGWALK_INFO_ZERO_PAGE;
	if (show_pfn)
		e->info |= pgwalk_payload(pfn);
	else
		e->raw &= ~(PTE_PFN_MASK & pfn_mask);
}

static void pgwalk_decode_swp_pte(pte_t pte, bool show_pfn,
				  struct pgwalk_entry *e)
{
	struct pgwalk_leaf l;

	pgwalk_leaf_from_pte(pte, &l);
	e->info = pgwalk_decode_leaf(&l, show_pfn);
	if (pte_swp_soft_dirty(pte))
		e->info |= PGWALK_INFO_SOFT_DIRTY;
	if (pgwalk_pte_swp_uffd(pte))
		e->info |= PGWALK_INFO_UFFD_WP;
	if (pte_swp_exclusive(pte))
		e->info |= PGWALK_INFO_EXCLUSIVE;
	if (l.hide && !show_pfn)
		e->raw &= ~PGWALK_SWP_OFFSET_MASK;
}

void pgwalk_decode_pte(pte_t pte, bool show_pfn, struct pgwalk_entry *e)
{
	e->raw = pte_val(pte);
	if (pte_none(pte))
		e->info = PGWALK_KIND_NONE;
	else if (pte_present(pte))
		pgwalk_decode_present_pte(pte, ~0ULL, show_pfn, e);
	else
		pgwalk_decode_swp_pte(pte, show_pfn, e);
}

/*
 * A hugetlb entry: on x86 it has the layout of a PMD or PUD leaf in a
 * pte_t, so the PTE decoder applies once the PFN is cut to the huge page
 * (hmask clears _PAGE_PAT_LARGE, bit 12, which is not a PFN bit there).
 */
void pgwalk_decode_huge_pte(pte_t pte, unsigned long hmask, bool show_pfn,
			    struct pgwalk_entry *e)
{
	e->raw = pte_val(pte);
	if (pte_none(pte))
		e->info = PGWALK_KIND_NONE;
	else if (pte_present(pte))
		pgwalk_decode_present_pte(pte, hmask, show_pfn, e);
	else
		pgwalk_decode_swp_pte(pte, show_pfn, e);
}

/* 4 or 5 at run time: x86 folds the p4d unless LA57 is enabled. */
unsigned int pgwalk_levels(void)
{
	return 2 + (PTRS_PER_P4D > 1) + (PTRS_PER_PUD > 1) +
	       (PTRS_PER_PMD > 1);
}

unsigned int pgwalk_level_shift(int level)
{
	switch (level) {
	case PGWALK_LEVEL_PGD:
		return PGDIR_SHIFT;
	case PGWALK_LEVEL_P4D:
		return P4D_SHIFT;
	case PGWALK_LEVEL_PUD:
		return PUD_SHIFT;
	case PGWALK_LEVEL_PMD:
		return PMD_SHIFT;
	default:
		return PAGE_SHIFT;
	}
}

unsigned int pgwalk_level_ptrs(int level)
{
	switch (level) {
	case PGWALK_LEVEL_PGD:
		return PTRS_PER_PGD;
	case PGWALK_LEVEL_P4D:
		return PTRS_PER_P4D;
	case PGWALK_LEVEL_PUD:
		return PTRS_PER_PUD;
	case PGWALK_LEVEL_PMD:
		return PTRS_PER_PMD;
	default:
		return PTRS_PER_PTE;
	}
}
