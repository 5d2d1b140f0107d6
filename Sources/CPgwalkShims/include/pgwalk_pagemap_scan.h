/*
 * The PAGEMAP_SCAN ioctl on /proc/PID/pagemap (Linux 6.7+), declared here
 * because the build host's <linux/fs.h> (Debian 12, 6.1 UAPI) predates it.
 *
 * Layouts and numbers are copied from the kernel's include/uapi/linux/fs.h.
 * Everything carries a pgwalk_ / PGWALK_ prefix so that a newer system
 * header defining the same names can never clash with these.
 */
#ifndef PGWALK_PAGEMAP_SCAN_H
#define PGWALK_PAGEMAP_SCAN_H

#include <stdint.h>
#include <linux/ioctl.h>

/* Page categories: used as masks in pgwalk_pm_scan_arg and reported in
 * pgwalk_page_region.categories. */
#define PGWALK_PAGE_IS_WPALLOWED  (1ULL << 0) /* uffd async write-protect enabled (6.7) */
#define PGWALK_PAGE_IS_WRITTEN    (1ULL << 1) /* written since write-protected (6.7) */
#define PGWALK_PAGE_IS_FILE       (1ULL << 2) /* file-backed or shmem (6.7) */
#define PGWALK_PAGE_IS_PRESENT    (1ULL << 3) /* present in memory (6.7) */
#define PGWALK_PAGE_IS_SWAPPED    (1ULL << 4) /* swap pte, incl. markers (6.7) */
#define PGWALK_PAGE_IS_PFNZERO    (1ULL << 5) /* maps the shared zero page (6.7) */
#define PGWALK_PAGE_IS_HUGE       (1ULL << 6) /* PMD-mapped THP or hugetlb (6.7) */
#define PGWALK_PAGE_IS_SOFT_DIRTY (1ULL << 7) /* soft-dirty pte or VMA (6.7) */
#define PGWALK_PAGE_IS_GUARD      (1ULL << 8) /* MADV_GUARD_INSTALL marker (6.14) */

/* Operation flags for pgwalk_pm_scan_arg.flags. pgwalk never write-protects;
 * these are listed only so the struct is fully described. */
#define PGWALK_PM_SCAN_WP_MATCHING   (1ULL << 0)
#define PGWALK_PM_SCAN_CHECK_WPASYNC (1ULL << 1)

/* struct page_region: [start, end) with one category set. */
struct pgwalk_page_region {
    uint64_t start;
    uint64_t end;
    uint64_t categories;
};

/* struct pm_scan_arg. `size` must equal sizeof(struct pgwalk_pm_scan_arg);
 * the kernel writes `walk_end` (where the walk stopped). */
struct pgwalk_pm_scan_arg {
    uint64_t size;
    uint64_t flags;
    uint64_t start;
    uint64_t end;
    uint64_t walk_end;
    uint64_t vec;
    uint64_t vec_len;
    uint64_t max_pages;
    uint64_t category_inverted;
    uint64_t category_mask;
    uint64_t category_anyof_mask;
    uint64_t return_mask;
};

_Static_assert(sizeof(struct pgwalk_page_region) == 24, "page_region is 24 bytes");
_Static_assert(sizeof(struct pgwalk_pm_scan_arg) == 96, "pm_scan_arg is 96 bytes");

/* #define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg) == 0xC0606610 */
#define PGWALK_PAGEMAP_SCAN _IOWR('f', 16, struct pgwalk_pm_scan_arg)

/* ioctl(fd, PAGEMAP_SCAN, arg) without the variadic call Swift cannot make.
 * Returns the number of regions filled, or -1 with errno set
 * (ENOTTY/EINVAL on kernels without the ioctl or without a category). */
int pgwalk_pagemap_scan(int pagemap_fd, struct pgwalk_pm_scan_arg *arg);

#endif
