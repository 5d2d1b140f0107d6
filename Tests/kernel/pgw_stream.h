/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgw_stream: a small, strict, independent decoder of the pgwalk stream
 * (docs/FORMAT.md, version 1), for the kernel tests only.
 *
 * It is written from FORMAT.md, not from the module: every length, range
 * and ordering rule the document states is checked, and the first
 * violation is reported as text.
 */
#ifndef PGW_STREAM_H
#define PGW_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "../../kmod/pgwalk_format.h"

#define PGW_HDR_V1_LEN 160

/* One record, decoded to host order. */
struct pgw_rec {
	uint8_t type;
	uint8_t arg8;
	uint16_t arg16;
	uint32_t len;
	size_t off;		/* offset in the stream */
	const uint8_t *p;	/* the record's bytes */
	/*
	 * generic fields; meaning per type (see pgw_stream.c). PTE_RUN,
	 * NONE_RUN, PTE_SEQ: a = addr, b = end of its pages; PTE_SEQ also
	 * c = raw, d = info, e = raw_step, f = info_step.
	 */
	uint64_t a, b, c, d, e, f;
	/* VMA only */
	uint32_t vma_dev, vma_flags;
	char vma_name[4097];
};

struct pgw_stream {
	uint8_t *buf;		/* owned copy of the bytes */
	size_t len;
	/* header */
	uint16_t version, header_len;
	uint32_t flags, pid, page_shift, levels, kernel_version;
	uint64_t start, end, task_size;
	uint32_t shift[5], ptrs[5];
	uint32_t buffer_size, reserved;
	char release[57];
	/* records, END excluded */
	struct pgw_rec *recs;
	size_t nrecs;
	/* END */
	int32_t status;
	uint32_t chunks;
	uint64_t walked_to, stream_bytes, records;
	/* counts seen by the parser */
	size_t n_trace;
	size_t n_seq;		/* PTE_SEQ records */
};

/*
 * Parse and validate a complete stream. Returns 0, or -1 with a message
 * in err. The stream keeps its own copy of the bytes.
 */
int pgw_parse(const void *buf, size_t len, struct pgw_stream *s,
	      char *err, size_t errlen);
void pgw_free(struct pgw_stream *s);

/* read(2) fd until 0 into a malloc'd buffer, in pieces of chunk bytes.
 * Returns 0 or -errno of the failing read (bytes read so far are kept). */
int pgw_read_all(int fd, size_t chunk, uint8_t **out, size_t *outlen);

/* info word helpers */
static inline unsigned pgw_kind(uint64_t info) { return info & PGWALK_INFO_KIND_MASK; }
static inline uint64_t pgw_payload(uint64_t info) { return info >> PGWALK_INFO_PAYLOAD_SHIFT; }

/*
 * The callback-level view ("units"): every record expanded to the
 * individual callbacks it stands for (section 5.8), so that two streams
 * can be compared independently of run merging and chunking.
 */
enum pgw_unit_kind {
	PGW_U_VMA = 1,		/* a = vm_start, b = vm_end */
	PGW_U_ENTRY,		/* level, a = addr, b = next, raw, info, action */
	PGW_U_PTE,		/* a = addr, b = addr + page, raw, info; from a
				 * PTE_RUN or PTE_SEQ alike */
	PGW_U_PTE_NONE,		/* a, b: from a NONE_RUN */
	PGW_U_HOLE,		/* level = depth, a, b */
	PGW_U_HUGETLB,		/* a, b, raw, info, hmask in action64 */
};

struct pgw_unit {
	uint8_t kind;
	int8_t level;
	uint16_t action;
	uint64_t a, b, raw, info, hmask;
	const struct pgw_rec *rec;
};

/*
 * Expand the non-trace records of s into units. With drop_repeats, an
 * ENTRY whose [addr, next) lies inside the last ENTRY of the same level
 * (the walker's repeat after a resume) and a VMA with the bounds of the
 * last VMA are dropped and counted in *repeats.
 */
int pgw_units(const struct pgw_stream *s, int drop_repeats,
	      struct pgw_unit **out, size_t *n, size_t *repeats);

/*
 * The leaf-level units (PTE, PTE_NONE, HOLE, HUGETLB and ENTRY with action
 * CONTINUE), in address order, as pointers into u.
 */
int pgw_leaves(const struct pgw_unit *u, size_t n,
	       const struct pgw_unit ***out, size_t *nout);
/* The leaf unit covering addr, or NULL. */
const struct pgw_unit *pgw_leaf_at(const struct pgw_unit *const *l, size_t n,
				   uint64_t addr);

/*
 * Element k of a PTE_RUN or PTE_SEQ record: the raw and info that the
 * k-th pte_entry call of the record saw.
 */
void pgw_pte_elem(const struct pgw_rec *r, unsigned k, uint64_t *raw,
		  uint64_t *info);

const char *pgw_type_name(unsigned type);

#endif
