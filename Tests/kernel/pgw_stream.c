// SPDX-License-Identifier: GPL-2.0
/* pgw_stream.c: strict decoder of the pgwalk stream, see pgw_stream.h. */
#include "pgw_stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *pgw_type_name(unsigned type)
{
	switch (type) {
	case PGWALK_REC_VMA: return "VMA";
	case PGWALK_REC_ENTRY: return "ENTRY";
	case PGWALK_REC_PTE_RUN: return "PTE_RUN";
	case PGWALK_REC_PTE_SEQ: return "PTE_SEQ";
	case PGWALK_REC_NONE_RUN: return "NONE_RUN";
	case PGWALK_REC_HOLE: return "HOLE";
	case PGWALK_REC_HUGETLB: return "HUGETLB";
	case PGWALK_REC_END: return "END";
	case PGWALK_REC_WALK_BEGIN: return "WALK_BEGIN";
	case PGWALK_REC_WALK_END: return "WALK_END";
	case PGWALK_REC_TEST_WALK: return "TEST_WALK";
	case PGWALK_REC_POST_VMA: return "POST_VMA";
	case PGWALK_REC_STOP: return "STOP";
	}
	return "?";
}

static int ilog2_exact(uint32_t v)
{
	int l = 0;

	if (!v || (v & (v - 1)))
		return -1;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

/* kinds whose payload is a PFN or swap offset (zeroed when hidden) */
static int payload_hidden_kind(unsigned k)
{
	return k == PGWALK_KIND_PRESENT || k == PGWALK_KIND_SWAP ||
	       k == PGWALK_KIND_MIGRATION || k == PGWALK_KIND_DEVICE ||
	       k == PGWALK_KIND_HWPOISON;
}

static int check_info(const struct pgw_stream *s, uint64_t info, char *err,
		      size_t errlen, const char *what, uint64_t addr)
{
	unsigned k = pgw_kind(info);

	if (k > PGWALK_KIND_OTHER)
		return fail(err, errlen, "%s at 0x%llx: unknown kind %u", what,
			    (unsigned long long)addr, k);
	if (!(s->flags & PGWALK_HDR_PFN_VISIBLE) && payload_hidden_kind(k) &&
	    pgw_payload(info))
		return fail(err, errlen,
			    "%s at 0x%llx: payload 0x%llx with PFN_VISIBLE clear",
			    what, (unsigned long long)addr,
			    (unsigned long long)pgw_payload(info));
	if (k == PGWALK_KIND_NONE && (info >> 4))
		return fail(err, errlen, "%s at 0x%llx: kind NONE with flags/payload 0x%llx",
			    what, (unsigned long long)addr,
			    (unsigned long long)info);
	return 0;
}

void pgw_pte_elem(const struct pgw_rec *r, unsigned k, uint64_t *raw,
		  uint64_t *info)
{
	if (r->type == PGWALK_REC_PTE_SEQ) {
		/* 5.10: u64 arithmetic, exactly as a PTE_RUN element would hold */
		*raw = r->c + k * r->e;
		*info = r->d + k * r->f;
		return;
	}
	*raw = le64(r->p + 16 + 16 * k);
	*info = le64(r->p + 24 + 16 * k);
}

/*
 * Does base + k * step leave u64 for some k < n? The format's arithmetic
 * is modular, but a wrapped PTE_SEQ would describe entries no page table
 * holds in a row (and could reach raw 0): a corrupt record.
 */
static int seq_wraps(uint64_t base, uint64_t step, uint64_t n)
{
	return step && n > 1 && (UINT64_MAX - base) / step < n - 1;
}

int pgw_parse(const void *vbuf, size_t len, struct pgw_stream *s, char *err,
	      size_t errlen)
{
	const uint8_t *b;
	size_t off, cap = 0;
	uint64_t cov, page, last_entry_raw[4] = { 0 };
	int have_entry[4] = { 0 };
	int nonfolded = 0, i, have_end = 0;

	memset(s, 0, sizeof(*s));
	if (len < PGW_HDR_V1_LEN)
		return fail(err, errlen, "stream of %zu bytes, shorter than the header", len);
	s->buf = malloc(len);
	if (!s->buf)
		return fail(err, errlen, "out of memory");
	memcpy(s->buf, vbuf, len);
	s->len = len;
	b = s->buf;

	/* 3.1 header */
	if (memcmp(b, "PGWALK\0\0", 8))
		return fail(err, errlen, "bad magic");
	s->version = le16(b + 8);
	s->header_len = le16(b + 10);
	s->flags = le32(b + 12);
	s->pid = le32(b + 16);
	s->page_shift = le32(b + 20);
	s->levels = le32(b + 24);
	s->kernel_version = le32(b + 28);
	s->start = le64(b + 32);
	s->end = le64(b + 40);
	s->task_size = le64(b + 48);
	for (i = 0; i < 5; i++) {
		s->shift[i] = le32(b + 56 + 8 * i);
		s->ptrs[i] = le32(b + 60 + 8 * i);
	}
	s->buffer_size = le32(b + 96);
	s->reserved = le32(b + 100);
	memcpy(s->release, b + 104, 56);
	s->release[56] = 0;

	if (s->version != PGWALK_FORMAT_VERSION)
		return fail(err, errlen, "version %u", s->version);
	if (s->header_len < PGW_HDR_V1_LEN || s->header_len % 8 || s->header_len > len)
		return fail(err, errlen, "header_len %u", s->header_len);
	if (s->page_shift != 12)
		return fail(err, errlen, "page_shift %u", s->page_shift);
	page = 1ULL << s->page_shift;
	if (s->levels != 4 && s->levels != 5)
		return fail(err, errlen, "levels %u", s->levels);
	if (!s->pid)
		return fail(err, errlen, "pid 0 in header");
	if (s->shift[4] != s->page_shift)
		return fail(err, errlen, "pte shift %u != page_shift", s->shift[4]);
	for (i = 0; i < 5; i++) {
		int l = ilog2_exact(s->ptrs[i]);

		if (l < 0)
			return fail(err, errlen, "level %d ptrs %u not a power of 2", i, s->ptrs[i]);
		if (s->ptrs[i] > 1)
			nonfolded++;
		if (i < 4) {
			int ln = ilog2_exact(s->ptrs[i + 1]);

			if (s->shift[i] != s->shift[i + 1] + (uint32_t)ln)
				return fail(err, errlen,
					    "level %d shift %u != level %d shift %u + log2(ptrs %u)",
					    i, s->shift[i], i + 1, s->shift[i + 1], s->ptrs[i + 1]);
		}
	}
	if (s->ptrs[0] <= 1 || s->ptrs[4] <= 1)
		return fail(err, errlen, "pgd/pte level folded");
	if ((uint32_t)nonfolded != s->levels)
		return fail(err, errlen, "levels %u but %d unfolded levels in geometry",
			    s->levels, nonfolded);
	if (s->start % page || s->end % page || s->task_size % page)
		return fail(err, errlen, "unaligned start/end/task_size");
	if (s->start >= s->end || s->end > s->task_size)
		return fail(err, errlen, "bad range [0x%llx,0x%llx) task_size 0x%llx",
			    (unsigned long long)s->start, (unsigned long long)s->end,
			    (unsigned long long)s->task_size);
	if (!s->buffer_size || s->buffer_size > (1U << 20))
		return fail(err, errlen, "buffer_size %u", s->buffer_size);
	if (s->reserved)
		return fail(err, errlen, "reserved %u", s->reserved);
	{
		size_t rl = strnlen((const char *)b + 104, 56);

		if (rl == 56 || rl == 0)
			return fail(err, errlen, "release not NUL terminated or empty");
		for (size_t k = rl; k < 56; k++)
			if (b[104 + k])
				return fail(err, errlen, "release not NUL padded");
	}

	/* 3.2 and 5: records */
	cov = s->start;
	off = s->header_len;
	while (off < len) {
		struct pgw_rec r;

		if (have_end)
			return fail(err, errlen, "bytes after END at %zu", off);
		if (len - off < 8)
			return fail(err, errlen, "partial record header at %zu", off);
		memset(&r, 0, sizeof(r));
		r.type = b[off];
		r.arg8 = b[off + 1];
		r.arg16 = le16(b + off + 2);
		r.len = le32(b + off + 4);
		r.off = off;
		r.p = b + off;
		if (r.len < 8 || r.len % 8)
			return fail(err, errlen, "record at %zu: len %u", off, r.len);
		if (r.len > len - off)
			return fail(err, errlen, "record %s at %zu: len %u runs past the end (%zu)",
				    pgw_type_name(r.type), off, r.len, len);
#define NEED(L) do { if (r.len != (L)) return fail(err, errlen, \
	"%s at %zu: len %u, expected %u", pgw_type_name(r.type), off, r.len, (unsigned)(L)); } while (0)
#define BAD(...) return fail(err, errlen, __VA_ARGS__)
		const uint8_t *p = r.p;

		if (r.type >= 0x10 && r.type <= 0x14 && !(s->flags & PGWALK_HDR_TRACE))
			BAD("trace record %s at %zu without TRACE flag", pgw_type_name(r.type), off);
		/* 5.10: only a request with seq may get PTE_SEQ */
		if (r.type == PGWALK_REC_PTE_SEQ && !(s->flags & PGWALK_HDR_SEQ))
			BAD("PTE_SEQ at %zu without SEQ flag", off);
		switch (r.type) {
		case PGWALK_REC_VMA: {
			size_t nl = r.arg16;

			NEED(56 + ((nl + 7) & ~(size_t)7));
			if (r.arg8 > PGWALK_BACKING_SHARED_ANON)
				BAD("VMA at %zu: backing %u", off, r.arg8);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			r.c = le64(p + 24);
			r.d = le64(p + 32);
			r.e = le64(p + 40);
			r.vma_dev = le32(p + 48);
			r.vma_flags = le32(p + 52);
			if (r.a >= r.b || r.a % page || r.b % page)
				BAD("VMA at %zu: bad bounds 0x%llx-0x%llx", off,
				    (unsigned long long)r.a, (unsigned long long)r.b);
			if (r.b <= s->start || r.a >= s->end)
				BAD("VMA at %zu: 0x%llx-0x%llx outside the walked range", off,
				    (unsigned long long)r.a, (unsigned long long)r.b);
			/* FORMAT.md 5.1 defines bits 0-20 */
			if (r.vma_flags >> 21)
				BAD("VMA at %zu: unknown portable flags 0x%x", off, r.vma_flags);
			/* backing 3 is shmem's internal file: it has inode and dev too */
			if (r.arg8 != PGWALK_BACKING_FILE &&
			    r.arg8 != PGWALK_BACKING_SHARED_ANON && (r.e || r.vma_dev))
				BAD("VMA at %zu: inode/dev set for backing %u", off, r.arg8);
			if (memchr(p + 56, 0, nl))
				BAD("VMA at %zu: NUL inside the name", off);
			for (size_t k = nl; k < r.len - 56u; k++)
				if (p[56 + k])
					BAD("VMA at %zu: name padding not NUL", off);
			memcpy(r.vma_name, p + 56, nl < 4096 ? nl : 4096);
			break;
		}
		case PGWALK_REC_ENTRY: {
			uint64_t size, slot_end;
			unsigned k;

			NEED(40);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			r.c = le64(p + 24);
			r.d = le64(p + 32);
			if (r.arg8 > PGWALK_LEVEL_PMD)
				BAD("ENTRY at %zu: level %u", off, r.arg8);
			if (r.arg16 > PGWALK_ACTION_AGAIN)
				BAD("ENTRY at %zu: action %u", off, r.arg16);
			size = 1ULL << s->shift[r.arg8];
			slot_end = (r.a | (size - 1)) + 1;
			if (r.a >= r.b || r.a % page || r.b % page)
				BAD("ENTRY at %zu: bad [0x%llx,0x%llx)", off,
				    (unsigned long long)r.a, (unsigned long long)r.b);
			if (r.b > slot_end)
				BAD("ENTRY level %u at %zu: next 0x%llx past the slot end 0x%llx",
				    r.arg8, off, (unsigned long long)r.b,
				    (unsigned long long)slot_end);
			if (r.a < s->start || r.b > s->end)
				BAD("ENTRY at %zu outside the walked range", off);
			if (r.a < cov)
				BAD("ENTRY level %u at %zu: addr 0x%llx below the previous coverage 0x%llx",
				    r.arg8, off, (unsigned long long)r.a, (unsigned long long)cov);
			if (check_info(s, r.d, err, errlen, "ENTRY", r.a))
				return -1;
			k = pgw_kind(r.d);
			/* 5.8: present table pointer -> SUBTREE, anything else CONTINUE */
			if (k == PGWALK_KIND_PRESENT && !(r.d & PGWALK_INFO_LEAF)) {
				if (r.arg16 != PGWALK_ACTION_SUBTREE)
					BAD("ENTRY level %u at 0x%llx: table pointer with action %u",
					    r.arg8, (unsigned long long)r.a, r.arg16);
			} else if (r.arg16 != PGWALK_ACTION_CONTINUE) {
				BAD("ENTRY level %u at 0x%llx: leaf/non-present (info 0x%llx) with action %u",
				    r.arg8, (unsigned long long)r.a,
				    (unsigned long long)r.d, r.arg16);
			}
			/* 5.2: folded p4d: same raw as the pgd entry */
			if (r.arg8 == PGWALK_LEVEL_P4D && s->ptrs[1] == 1 &&
			    (!have_entry[0] || last_entry_raw[0] != r.c))
				BAD("ENTRY p4d at 0x%llx (folded): raw 0x%llx != pgd raw 0x%llx",
				    (unsigned long long)r.a, (unsigned long long)r.c,
				    (unsigned long long)last_entry_raw[0]);
			have_entry[r.arg8] = 1;
			last_entry_raw[r.arg8] = r.c;
			if (r.arg16 == PGWALK_ACTION_CONTINUE)
				cov = r.b;
			break;
		}
		case PGWALK_REC_PTE_RUN:
		case PGWALK_REC_PTE_SEQ:
		case PGWALK_REC_NONE_RUN: {
			uint64_t n = r.arg16, last;

			if (r.type == PGWALK_REC_PTE_RUN)
				NEED(16 + 16 * n);
			else if (r.type == PGWALK_REC_PTE_SEQ)
				NEED(48);
			else
				NEED(16);
			r.a = le64(p + 8);
			if (r.arg8 != PGWALK_LEVEL_PTE)
				BAD("%s at %zu: arg8 %u", pgw_type_name(r.type), off, r.arg8);
			if (!n || n > s->ptrs[4])
				BAD("%s at %zu: count %llu", pgw_type_name(r.type), off,
				    (unsigned long long)n);
			if (r.a % page)
				BAD("%s at %zu: unaligned addr", pgw_type_name(r.type), off);
			last = r.a + (n - 1) * page;
			if ((r.a >> s->shift[3]) != (last >> s->shift[3]))
				BAD("%s at 0x%llx x%llu crosses a PMD boundary", pgw_type_name(r.type),
				    (unsigned long long)r.a, (unsigned long long)n);
			if (r.a < s->start || last + page > s->end)
				BAD("%s at %zu outside the walked range", pgw_type_name(r.type), off);
			if (r.a < cov)
				BAD("%s at %zu: addr 0x%llx below the previous coverage 0x%llx",
				    pgw_type_name(r.type), off, (unsigned long long)r.a,
				    (unsigned long long)cov);
			if (r.type == PGWALK_REC_PTE_SEQ) {
				r.c = le64(p + 16);
				r.d = le64(p + 24);
				r.e = le64(p + 32);
				r.f = le64(p + 40);
				if (seq_wraps(r.c, r.e, n) || seq_wraps(r.d, r.f, n))
					BAD("PTE_SEQ at 0x%llx x%llu: raw 0x%llx step 0x%llx, info 0x%llx step 0x%llx wrap around",
					    (unsigned long long)r.a, (unsigned long long)n,
					    (unsigned long long)r.c, (unsigned long long)r.e,
					    (unsigned long long)r.d, (unsigned long long)r.f);
				s->n_seq++;
			}
			/* every element, expanded: PTE_SEQ ones obey PTE_RUN's rules */
			if (r.type != PGWALK_REC_NONE_RUN) {
				for (uint64_t k = 0; k < n; k++) {
					uint64_t raw, info;
					uint64_t va = r.a + k * page;

					pgw_pte_elem(&r, (unsigned)k, &raw, &info);
					if (check_info(s, info, err, errlen, "PTE", va))
						return -1;
					if (pgw_kind(info) == PGWALK_KIND_NONE && !raw)
						BAD("%s element at 0x%llx: none with raw 0 (belongs in NONE_RUN)",
						    pgw_type_name(r.type), (unsigned long long)va);
					if (pgw_kind(info) == PGWALK_KIND_PRESENT &&
					    !(info & PGWALK_INFO_LEAF))
						BAD("present PTE at 0x%llx without LEAF",
						    (unsigned long long)va);
				}
			}
			r.b = last + page;
			cov = r.b;
			break;
		}
		case PGWALK_REC_HOLE: {
			int8_t depth = (int8_t)r.arg8;
			uint64_t pieces;

			NEED(24);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			if (depth < -1 || depth > 3)
				BAD("HOLE at %zu: depth %d", off, depth);
			if (!r.arg16)
				BAD("HOLE at %zu: count 0", off);
			if (r.a >= r.b || r.a % page || r.b % page)
				BAD("HOLE at %zu: bad [0x%llx,0x%llx)", off,
				    (unsigned long long)r.a, (unsigned long long)r.b);
			if (r.a < s->start || r.b > s->end)
				BAD("HOLE at %zu outside the walked range", off);
			if (r.a < cov)
				BAD("HOLE at %zu: addr 0x%llx below the previous coverage 0x%llx",
				    off, (unsigned long long)r.a, (unsigned long long)cov);
			if (depth == -1) {
				pieces = 1;
			} else {
				uint64_t sz = 1ULL << s->shift[depth];

				pieces = ((r.b - 1) >> s->shift[depth]) - (r.a >> s->shift[depth]) + 1;
				(void)sz;
			}
			if (pieces != r.arg16)
				BAD("HOLE depth %d [0x%llx,0x%llx): count %u, but the range cuts into %llu calls",
				    depth, (unsigned long long)r.a, (unsigned long long)r.b,
				    r.arg16, (unsigned long long)pieces);
			cov = r.b;
			break;
		}
		case PGWALK_REC_HUGETLB: {
			uint64_t hsz;

			NEED(48);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			r.c = le64(p + 24);
			r.d = le64(p + 32);
			r.e = le64(p + 40);
			hsz = ~r.c + 1;
			if (!hsz || (hsz & (hsz - 1)) || hsz < page)
				BAD("HUGETLB at %zu: hmask 0x%llx", off, (unsigned long long)r.c);
			if (r.a >= r.b || r.a < s->start || r.b > s->end)
				BAD("HUGETLB at %zu: bad range", off);
			if (r.a < cov)
				BAD("HUGETLB at %zu below the previous coverage", off);
			if (check_info(s, r.e, err, errlen, "HUGETLB", r.a))
				return -1;
			cov = r.b;
			break;
		}
		case PGWALK_REC_WALK_BEGIN:
			NEED(24);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			if (r.a >= r.b || r.a < s->start || r.b > s->end)
				BAD("WALK_BEGIN at %zu: bad range", off);
			break;
		case PGWALK_REC_WALK_END:
			NEED(16);
			r.a = le64(p + 8);
			break;
		case PGWALK_REC_TEST_WALK:
			NEED(32);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			r.c = le64(p + 24);
			if (r.a >= r.b)
				BAD("TEST_WALK at %zu: bad range", off);
			break;
		case PGWALK_REC_POST_VMA:
			NEED(24);
			r.a = le64(p + 8);
			r.b = le64(p + 16);
			break;
		case PGWALK_REC_STOP:
			NEED(16);
			r.a = le64(p + 8);
			if (r.arg8 > PGWALK_CB_POST_VMA)
				BAD("STOP at %zu: callback %u", off, r.arg8);
			break;
		case PGWALK_REC_END:
			NEED(40);
			s->status = (int32_t)le32(p + 8);
			s->chunks = le32(p + 12);
			s->walked_to = le64(p + 16);
			s->stream_bytes = le64(p + 24);
			s->records = le64(p + 32);
			if (s->stream_bytes != off)
				BAD("END: stream_bytes %llu, but END is at byte %zu",
				    (unsigned long long)s->stream_bytes, off);
			if (s->records != s->nrecs)
				BAD("END: records %llu, but %zu records were read",
				    (unsigned long long)s->records, s->nrecs);
			if (s->status > 0)
				BAD("END: positive status %d", s->status);
			if (s->walked_to % page || s->walked_to > s->end)
				BAD("END: walked_to 0x%llx", (unsigned long long)s->walked_to);
			if (s->status == 0 && s->walked_to != s->end)
				BAD("END: status 0 but walked_to 0x%llx != end 0x%llx",
				    (unsigned long long)s->walked_to, (unsigned long long)s->end);
			if (s->status == 0 && !s->chunks)
				BAD("END: status 0 with 0 chunks");
			have_end = 1;
			off += r.len;
			continue;
		default:
			BAD("unknown record type 0x%02x at %zu", r.type, off);
		}
#undef NEED
#undef BAD
		if (r.type >= 0x10)
			s->n_trace++;
		if (s->nrecs == cap) {
			cap = cap ? cap * 2 : 1024;
			s->recs = realloc(s->recs, cap * sizeof(*s->recs));
			if (!s->recs)
				return fail(err, errlen, "out of memory");
		}
		s->recs[s->nrecs++] = r;
		off += r.len;
	}
	if (!have_end)
		return fail(err, errlen, "truncated: no END record (%zu bytes, %zu records)",
			    len, s->nrecs);
	return 0;
}

void pgw_free(struct pgw_stream *s)
{
	free(s->buf);
	free(s->recs);
	memset(s, 0, sizeof(*s));
}

int pgw_read_all(int fd, size_t chunk, uint8_t **out, size_t *outlen)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (cap - n < chunk) {
			while (cap - n < chunk)
				cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return -ENOMEM;
		}
		r = read(fd, buf + n, chunk);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			*out = buf;
			*outlen = n;
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

int pgw_units(const struct pgw_stream *s, int drop_repeats,
	      struct pgw_unit **out, size_t *nout, size_t *repeats)
{
	size_t cap = 1024, n = 0, rep = 0;
	struct pgw_unit *u = malloc(cap * sizeof(*u));
	const struct pgw_rec *last_entry[4] = { 0 }, *last_vma = NULL;
	uint64_t page = 1ULL << s->page_shift;

	if (!u)
		return -1;
#define PUSH(...) do { \
	if (n == cap) { cap *= 2; u = realloc(u, cap * sizeof(*u)); if (!u) return -1; } \
	u[n++] = (struct pgw_unit){ __VA_ARGS__ }; } while (0)
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct pgw_rec *r = &s->recs[i];

		switch (r->type) {
		case PGWALK_REC_VMA:
			if (drop_repeats && last_vma && last_vma->a == r->a && last_vma->b == r->b) {
				rep++;
				break;
			}
			last_vma = r;
			PUSH(.kind = PGW_U_VMA, .a = r->a, .b = r->b, .rec = r);
			break;
		case PGWALK_REC_ENTRY: {
			const struct pgw_rec *l = last_entry[r->arg8];

			if (drop_repeats && l && l->a <= r->a && r->b <= l->b) {
				rep++;
				break;
			}
			last_entry[r->arg8] = r;
			PUSH(.kind = PGW_U_ENTRY, .level = (int8_t)r->arg8, .action = r->arg16,
			     .a = r->a, .b = r->b, .raw = r->c, .info = r->d, .rec = r);
			break;
		}
		case PGWALK_REC_PTE_RUN:
		case PGWALK_REC_PTE_SEQ:
			/* one unit per pte_entry call: PTE_SEQ is only a shorter PTE_RUN */
			for (unsigned k = 0; k < r->arg16; k++) {
				uint64_t raw, info;

				pgw_pte_elem(r, k, &raw, &info);
				PUSH(.kind = PGW_U_PTE, .level = 4, .a = r->a + k * page,
				     .b = r->a + (k + 1) * page, .raw = raw, .info = info, .rec = r);
			}
			break;
		case PGWALK_REC_NONE_RUN:
			for (unsigned k = 0; k < r->arg16; k++)
				PUSH(.kind = PGW_U_PTE_NONE, .level = 4, .a = r->a + k * page,
				     .b = r->a + (k + 1) * page, .rec = r);
			break;
		case PGWALK_REC_HOLE: {
			int8_t depth = (int8_t)r->arg8;

			if (depth < 0) {
				PUSH(.kind = PGW_U_HOLE, .level = -1, .a = r->a, .b = r->b, .rec = r);
				break;
			}
			uint64_t sz = 1ULL << s->shift[depth];

			for (uint64_t a = r->a; a < r->b;) {
				uint64_t e = (a | (sz - 1)) + 1;

				if (e > r->b || e == 0)
					e = r->b;
				PUSH(.kind = PGW_U_HOLE, .level = depth, .a = a, .b = e, .rec = r);
				a = e;
			}
			break;
		}
		case PGWALK_REC_HUGETLB:
			PUSH(.kind = PGW_U_HUGETLB, .a = r->a, .b = r->b, .hmask = r->c,
			     .raw = r->d, .info = r->e, .rec = r);
			break;
		default:
			break;	/* trace records */
		}
	}
#undef PUSH
	*out = u;
	*nout = n;
	if (repeats)
		*repeats = rep;
	return 0;
}

static int is_leaf_unit(const struct pgw_unit *u)
{
	switch (u->kind) {
	case PGW_U_PTE:
	case PGW_U_PTE_NONE:
	case PGW_U_HOLE:
	case PGW_U_HUGETLB:
		return 1;
	case PGW_U_ENTRY:
		return u->action == PGWALK_ACTION_CONTINUE;
	}
	return 0;
}

int pgw_leaves(const struct pgw_unit *u, size_t n, const struct pgw_unit ***out,
	       size_t *nout)
{
	const struct pgw_unit **l = malloc((n + 1) * sizeof(*l));
	size_t k = 0;

	if (!l)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (is_leaf_unit(&u[i]))
			l[k++] = &u[i];
	*out = l;
	*nout = k;
	return 0;
}

const struct pgw_unit *pgw_leaf_at(const struct pgw_unit *const *l, size_t n,
				   uint64_t addr)
{
	size_t lo = 0, hi = n;

	/* last leaf with a <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid]->a <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (addr < l[lo - 1]->b)
		return l[lo - 1];
	return NULL;
}
