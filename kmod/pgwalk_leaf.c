// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: what a non-present (swap-format) page table entry is.
 *
 * Kernels name the kinds of non-present entries in two ways. Up to the
 * leaf-entry API of late 2025 they are swp_entry_t values tested one by one
 * with the is_*_entry() helpers of <linux/swapops.h>; since, they are
 * softleaf_t values classified by softleaf_type() of <linux/leafops.h>.
 * Kbuild tells which from the headers (PGWALK_HAVE_LEAFOPS), never from the
 * version. Both paths fill the same struct pgwalk_leaf, so the decoders of
 * pgwalk_entry.c exist once.
 *
 * Everything here works on a value already read: it never touches the page
 * tables, never sleeps and may run under the PTE lock.
 */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#ifdef PGWALK_HAVE_LEAFOPS
#include <linux/leafops.h>
#endif

#include "pgwalk.h"

/* The marker bits of FORMAT.md 4.3, from the kernel's PTE_MARKER_* bits. */
static u64 pgwalk_marker_bits(unsigned long marker)
{
	u64 bits = 0;

#ifdef PTE_MARKER_UFFD_WP
	if (marker & PTE_MARKER_UFFD_WP)
		bits |= PGWALK_MARKER_UFFD_WP;
#endif
#ifdef PTE_MARKER_SWAPIN_ERROR
	if (marker & PTE_MARKER_SWAPIN_ERROR)
		bits |= PGWALK_MARKER_POISONED;
#endif
#ifdef PTE_MARKER_POISONED
	if (marker & PTE_MARKER_POISONED)
		bits |= PGWALK_MARKER_POISONED;
#endif
#ifdef PTE_MARKER_GUARD
	if (marker & PTE_MARKER_GUARD)
		bits |= PGWALK_MARKER_GUARD;
#endif
	return bits;
}

static void pgwalk_leaf_pfn(struct pgwalk_leaf *l, u8 kind, bool write,
			    unsigned long pfn)
{
	l->kind = kind;
	l->write = write;
	l->value = pfn;
	l->hide = true;
}

#ifdef PGWALK_HAVE_LEAFOPS

static void pgwalk_leaf_classify(softleaf_t entry, struct pgwalk_leaf *l)
{
	*l = (struct pgwalk_leaf){ .kind = PGWALK_KIND_OTHER, .hide = true };
	l->type = swp_type(entry);
	switch (softleaf_type(entry)) {
	case SOFTLEAF_SWAP:
		l->kind = PGWALK_KIND_SWAP;
		l->value = swp_offset(entry);
		break;
	case SOFTLEAF_MIGRATION_READ:
	case SOFTLEAF_MIGRATION_READ_EXCLUSIVE:
	case SOFTLEAF_MIGRATION_WRITE:
		pgwalk_leaf_pfn(l, PGWALK_KIND_MIGRATION,
				softleaf_is_migration_write(entry),
				softleaf_to_pfn(entry));
		break;
	case SOFTLEAF_DEVICE_PRIVATE_READ:
	case SOFTLEAF_DEVICE_PRIVATE_WRITE:
	case SOFTLEAF_DEVICE_EXCLUSIVE:
		pgwalk_leaf_pfn(l, PGWALK_KIND_DEVICE,
				softleaf_is_device_private_write(entry),
				softleaf_to_pfn(entry));
		break;
	case SOFTLEAF_HWPOISON:
		pgwalk_leaf_pfn(l, PGWALK_KIND_HWPOISON, false,
				softleaf_to_pfn(entry));
		break;
	case SOFTLEAF_MARKER:
		/* Marker bits are no secret: pagemap shows uffd-wp too. */
		l->kind = PGWALK_KIND_MARKER;
		l->value = pgwalk_marker_bits(softleaf_to_marker(entry));
		l->hide = false;
		break;
	default:
		break;
	}
}

void pgwalk_leaf_from_pte(pte_t pte, struct pgwalk_leaf *l)
{
	pgwalk_leaf_classify(softleaf_from_pte(pte), l);
}

void pgwalk_leaf_from_pmd(pmd_t pmd, struct pgwalk_leaf *l)
{
	pgwalk_leaf_classify(softleaf_from_pmd(pmd), l);
}

#else /* !PGWALK_HAVE_LEAFOPS */

static unsigned long pgwalk_swp_pfn(swp_entry_t swp)
{
#ifdef PGWALK_HAVE_SWP_OFFSET_PFN
	return swp_offset_pfn(swp);
#else
	return swp_offset(swp);
#endif
}

static void pgwalk_leaf_classify(swp_entry_t swp, struct pgwalk_leaf *l)
{
	*l = (struct pgwalk_leaf){ .kind = PGWALK_KIND_OTHER, .hide = true };
	l->type = swp_type(swp);
#ifdef PTE_MARKER_UFFD_WP	/* came with pte markers, 6.0 */
	if (is_pte_marker_entry(swp)) {
		l->kind = PGWALK_KIND_MARKER;
		l->value = pgwalk_marker_bits(pte_marker_get(swp));
		l->hide = false;
		return;
	}
#endif
#ifdef SWP_SWAPIN_ERROR
	/*
	 * 6.1 only: a swapin error is its own swap type; 6.2 made it the
	 * PTE marker PTE_MARKER_SWAPIN_ERROR. Report it as that marker.
	 */
	if (is_swapin_error_entry(swp)) {
		l->kind = PGWALK_KIND_MARKER;
		l->value = PGWALK_MARKER_POISONED;
		l->hide = false;
		return;
	}
#endif
	if (is_migration_entry(swp))
		pgwalk_leaf_pfn(l, PGWALK_KIND_MIGRATION,
				is_writable_migration_entry(swp),
				pgwalk_swp_pfn(swp));
	else if (is_device_private_entry(swp))
		pgwalk_leaf_pfn(l, PGWALK_KIND_DEVICE,
				is_writable_device_private_entry(swp),
				pgwalk_swp_pfn(swp));
	else if (is_device_exclusive_entry(swp))
		pgwalk_leaf_pfn(l, PGWALK_KIND_DEVICE,
				is_writable_device_exclusive_entry(swp),
				pgwalk_swp_pfn(swp));
	else if (is_hwpoison_entry(swp))
		pgwalk_leaf_pfn(l, PGWALK_KIND_HWPOISON, false,
				pgwalk_swp_pfn(swp));
	else if (!non_swap_entry(swp)) {
		l->kind = PGWALK_KIND_SWAP;
		l->value = swp_offset(swp);
	}
}

void pgwalk_leaf_from_pte(pte_t pte, struct pgwalk_leaf *l)
{
	pgwalk_leaf_classify(pte_to_swp_entry(pte), l);
}

void pgwalk_leaf_from_pmd(pmd_t pmd, struct pgwalk_leaf *l)
{
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	pgwalk_leaf_classify(pmd_to_swp_entry(pmd), l);
#else
	*l = (struct pgwalk_leaf){ .kind = PGWALK_KIND_OTHER, .hide = true };
#endif
}

#endif /* PGWALK_HAVE_LEAFOPS */
