/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pgwalk stream format, version 1.
 *
 * This header is the binary contract between pgwalk.ko and its readers
 * (the C kernel tests and the Swift decoder). docs/FORMAT.md is the
 * normative description; this file only names its numbers. It builds in
 * the kernel and in user space (it needs only <linux/types.h>).
 *
 * All integers are little-endian. Every record starts with an 8-byte
 * header and its length is a multiple of 8.
 */
#ifndef _PGWALK_FORMAT_H
#define _PGWALK_FORMAT_H

#include <linux/types.h>

#define PGWALK_MAGIC			"PGWALK\0\0"
#define PGWALK_MAGIC_LEN		8
#define PGWALK_FORMAT_VERSION		1

/* Largest request accepted by a write() to the walk file. */
#define PGWALK_REQUEST_MAX		256

/* Levels of the page table, top down, as used in records. */
#define PGWALK_LEVEL_PGD		0
#define PGWALK_LEVEL_P4D		1
#define PGWALK_LEVEL_PUD		2
#define PGWALK_LEVEL_PMD		3
#define PGWALK_LEVEL_PTE		4
#define PGWALK_NR_LEVELS		5

/* struct pgwalk_stream_header.flags */
#define PGWALK_HDR_TRACE		(1U << 0) /* trace records present */
#define PGWALK_HDR_PFN_VISIBLE		(1U << 1) /* opener had CAP_SYS_ADMIN */
#define PGWALK_HDR_WALK_LOCK		(1U << 2) /* ops had walk_lock (6.5+) */
#define PGWALK_HDR_SEQ			(1U << 3) /* PTE_SEQ records may appear */

struct pgwalk_level_geometry {
	__le32 shift;		/* log2 of the bytes one entry maps */
	__le32 ptrs;		/* entries per table; 1 means folded */
};

/* The stream starts with this, before any record. */
struct pgwalk_stream_header {
	char magic[PGWALK_MAGIC_LEN];	/* PGWALK_MAGIC */
	__le16 version;			/* PGWALK_FORMAT_VERSION */
	__le16 header_len;		/* bytes of this header, multiple of 8 */
	__le32 flags;			/* PGWALK_HDR_* */
	__le32 pid;			/* target, in the opener's pid namespace */
	__le32 page_shift;
	__le32 levels;			/* paging levels in use: 4 or 5 */
	__le32 kernel_version;		/* LINUX_VERSION_CODE built against */
	__le64 start;			/* requested range [start, end) */
	__le64 end;
	__le64 task_size;		/* user address limit of the target */
	struct pgwalk_level_geometry level[PGWALK_NR_LEVELS];
	__le32 buffer_size;		/* session buffer, bytes */
	__le32 reserved;
	char release[56];		/* utsname release, NUL padded */
};

/* Record types. */
#define PGWALK_REC_VMA			0x02
#define PGWALK_REC_ENTRY		0x03
#define PGWALK_REC_PTE_RUN		0x04
#define PGWALK_REC_NONE_RUN		0x05
#define PGWALK_REC_HOLE			0x06
#define PGWALK_REC_HUGETLB		0x07
#define PGWALK_REC_PTE_SEQ		0x08	/* only with PGWALK_HDR_SEQ */
#define PGWALK_REC_END			0x0f
/* Trace records: only with PGWALK_HDR_TRACE. */
#define PGWALK_REC_WALK_BEGIN		0x10
#define PGWALK_REC_WALK_END		0x11
#define PGWALK_REC_TEST_WALK		0x12
#define PGWALK_REC_POST_VMA		0x13
#define PGWALK_REC_STOP			0x14

struct pgwalk_rec_hdr {
	__u8 type;		/* PGWALK_REC_* */
	__u8 arg8;		/* level, depth or kind: per record type */
	__le16 arg16;		/* count or action: per record type */
	__le32 len;		/* bytes of the record including this header */
};

/* walk->action values, as enum page_walk_action. */
#define PGWALK_ACTION_SUBTREE		0
#define PGWALK_ACTION_CONTINUE		1
#define PGWALK_ACTION_AGAIN		2

/* The callbacks of struct mm_walk_ops, for STOP records. */
#define PGWALK_CB_PGD_ENTRY		0
#define PGWALK_CB_P4D_ENTRY		1
#define PGWALK_CB_PUD_ENTRY		2
#define PGWALK_CB_PMD_ENTRY		3
#define PGWALK_CB_PTE_ENTRY		4
#define PGWALK_CB_PTE_HOLE		5
#define PGWALK_CB_HUGETLB_ENTRY		6
#define PGWALK_CB_TEST_WALK		7
#define PGWALK_CB_PRE_VMA		8
#define PGWALK_CB_POST_VMA		9

/*
 * The decoded "info" word carried with every entry.
 *   bits  0-3   kind (PGWALK_KIND_*)
 *   bits  4-18  flags (PGWALK_INFO_*)
 *   bits 19-23  swap type of a swap-format entry
 *   bits 24-63  payload: PFN, or swap offset for PGWALK_KIND_SWAP,
 *               or marker bits for PGWALK_KIND_MARKER
 */
#define PGWALK_KIND_NONE		0
#define PGWALK_KIND_PRESENT		1
#define PGWALK_KIND_SWAP		2
#define PGWALK_KIND_MIGRATION		3
#define PGWALK_KIND_DEVICE		4
#define PGWALK_KIND_MARKER		5
#define PGWALK_KIND_HWPOISON		6
#define PGWALK_KIND_OTHER		7

#define PGWALK_INFO_KIND_MASK		0xfULL
#define PGWALK_INFO_LEAF		(1ULL << 4)
#define PGWALK_INFO_WRITE		(1ULL << 5)
#define PGWALK_INFO_USER		(1ULL << 6)
#define PGWALK_INFO_ACCESSED		(1ULL << 7)
#define PGWALK_INFO_DIRTY		(1ULL << 8)
#define PGWALK_INFO_NOEXEC		(1ULL << 9)
#define PGWALK_INFO_GLOBAL		(1ULL << 10)
#define PGWALK_INFO_SOFT_DIRTY		(1ULL << 11)
#define PGWALK_INFO_UFFD_WP		(1ULL << 12)
#define PGWALK_INFO_PROTNONE		(1ULL << 13)
#define PGWALK_INFO_SPECIAL		(1ULL << 14)
#define PGWALK_INFO_ZERO_PAGE		(1ULL << 15)
#define PGWALK_INFO_DEVMAP		(1ULL << 16)
#define PGWALK_INFO_EXCLUSIVE		(1ULL << 17)
#define PGWALK_INFO_TRUNCATED		(1ULL << 18)
#define PGWALK_INFO_SWAP_TYPE_SHIFT	19
#define PGWALK_INFO_SWAP_TYPE_MASK	0x1fULL
#define PGWALK_INFO_PAYLOAD_SHIFT	24
#define PGWALK_INFO_PAYLOAD_MAX		((1ULL << 40) - 1)

/* The payload of a PGWALK_KIND_MARKER entry. */
#define PGWALK_MARKER_UFFD_WP		(1U << 0)
#define PGWALK_MARKER_POISONED		(1U << 1) /* swapin error, poisoned */
#define PGWALK_MARKER_GUARD		(1U << 2) /* MADV_GUARD_INSTALL */

/* VMA record: arg8 is the backing, arg16 the name length. */
#define PGWALK_BACKING_ANON		0
#define PGWALK_BACKING_FILE		1
#define PGWALK_BACKING_SPECIAL		2	/* [stack], [heap], [vdso] */
#define PGWALK_BACKING_SHARED_ANON	3	/* shmem without a file */

#define PGWALK_VMA_READ			(1U << 0)
#define PGWALK_VMA_WRITE		(1U << 1)
#define PGWALK_VMA_EXEC			(1U << 2)
#define PGWALK_VMA_SHARED		(1U << 3)	/* VM_MAYSHARE */
#define PGWALK_VMA_GROWSDOWN		(1U << 4)
#define PGWALK_VMA_PFNMAP		(1U << 5)
#define PGWALK_VMA_IO			(1U << 6)
#define PGWALK_VMA_LOCKED		(1U << 7)
#define PGWALK_VMA_HUGETLB		(1U << 8)
#define PGWALK_VMA_SOFTDIRTY		(1U << 9)
#define PGWALK_VMA_UFFD_MISSING		(1U << 10)
#define PGWALK_VMA_UFFD_WP		(1U << 11)
#define PGWALK_VMA_HUGEPAGE		(1U << 12)
#define PGWALK_VMA_NOHUGEPAGE		(1U << 13)
#define PGWALK_VMA_MERGEABLE		(1U << 14)
#define PGWALK_VMA_MIXEDMAP		(1U << 15)
#define PGWALK_VMA_DONTDUMP		(1U << 16)
#define PGWALK_VMA_NOT_WALKED		(1U << 17)	/* skipped by test_walk */
#define PGWALK_VMA_DROPPABLE		(1U << 18)	/* MAP_DROPPABLE, 6.11+ */
#define PGWALK_VMA_SEALED		(1U << 19)	/* mseal(), 6.10+ */
#define PGWALK_VMA_NO_ANON_VMA		(1U << 20)	/* no anon_vma: no anon page */

struct pgwalk_rec_vma {
	struct pgwalk_rec_hdr hdr;
	__le64 vm_start;
	__le64 vm_end;
	__le64 vm_flags;	/* raw kernel VM_* bits (version specific) */
	__le64 pgoff;		/* vm_pgoff, in pages */
	__le64 inode;		/* 0 unless file backed */
	__le32 dev;		/* MAJOR << 20 | MINOR, 0 unless file backed */
	__le32 flags;		/* PGWALK_VMA_* */
	/* followed by the name, hdr.arg16 bytes, NUL padded to 8 */
};

/* pgd/p4d/pud/pmd_entry: arg8 level, arg16 the action the module set. */
struct pgwalk_rec_entry {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	__le64 next;
	__le64 raw;
	__le64 info;
};

struct pgwalk_pte {
	__le64 raw;
	__le64 info;
};

/* arg8 = PGWALK_LEVEL_PTE, arg16 = count of consecutive pte_entry calls. */
struct pgwalk_rec_pte_run {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	/* followed by arg16 x struct pgwalk_pte */
};

/*
 * arg8 = PGWALK_LEVEL_PTE, arg16 = count of consecutive pte_entry calls
 * whose entries advance uniformly: element i is
 * { raw + i * raw_step, info + i * info_step }.
 */
struct pgwalk_rec_pte_seq {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	__le64 raw;
	__le64 info;
	__le64 raw_step;
	__le64 info_step;
};

/* arg8 = PGWALK_LEVEL_PTE, arg16 = count of consecutive pte_none calls. */
struct pgwalk_rec_none_run {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
};

/* arg8 = depth as a signed byte, arg16 = count of merged pte_hole calls. */
struct pgwalk_rec_hole {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	__le64 end;
};

struct pgwalk_rec_hugetlb {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	__le64 next;
	__le64 hmask;
	__le64 raw;
	__le64 info;
};

/* The last record of every complete stream. */
struct pgwalk_rec_end {
	struct pgwalk_rec_hdr hdr;
	__le32 status;		/* 0, or a negative errno as s32 */
	__le32 chunks;		/* walk_page_range() calls made */
	__le64 walked_to;	/* the walk is complete below this address */
	__le64 stream_bytes;	/* bytes before this record, header included */
	__le64 records;		/* records before this one */
};

/* Trace: one walk_page_range() call. */
struct pgwalk_rec_walk_begin {
	struct pgwalk_rec_hdr hdr;
	__le64 start;
	__le64 end;
};

struct pgwalk_rec_walk_end {
	struct pgwalk_rec_hdr hdr;
	__le64 ret;		/* its return value, as s64 */
};

struct pgwalk_rec_test_walk {
	struct pgwalk_rec_hdr hdr;
	__le64 addr;
	__le64 next;
	__le64 ret;		/* as s64 */
};

struct pgwalk_rec_post_vma {
	struct pgwalk_rec_hdr hdr;
	__le64 vm_start;
	__le64 vm_end;
};

/* Trace: a callback that returned "stop" because the buffer was full. */
struct pgwalk_rec_stop {
	struct pgwalk_rec_hdr hdr;	/* arg8 = PGWALK_CB_* */
	__le64 addr;
};

#endif /* _PGWALK_FORMAT_H */
