// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the record buffer and the framing of the stream
 * (docs/FORMAT.md sections 3 and 5): the header, WALK_BEGIN and WALK_END
 * around each chunk, END, and the primitives every record is written with.
 *
 * One fill writes the buffer from offset 0 and read() drains it before the
 * next fill. Records are appended, or the last one of this fill is grown or
 * shrunk in place (runs of PTEs, PTE_SEQ), which is why only the last
 * record is ever touched again: what came before it may already be read.
 * The counts that END reports follow every change, so that they describe
 * the bytes a reader gets.
 *
 * Nothing here sleeps or allocates: the callbacks call it under the PTE
 * lock.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "pgwalk.h"

/* A fill starts here: the buffer has been read to its end. */
void pgwalk_stream_begin_fill(struct pgwalk_stream *st)
{
	st->len = 0;
	st->pos = 0;
	st->last_rec = PGWALK_NO_REC;
}

/* Append a zeroed record of @len bytes with its header filled in. */
void *pgwalk_stream_emit(struct pgwalk_stream *st, u8 type, u8 arg8,
			 u16 arg16, u32 len)
{
	struct pgwalk_rec_hdr *h = (struct pgwalk_rec_hdr *)(st->buf + st->len);

	memset(h, 0, len);
	h->type = type;
	h->arg8 = arg8;
	h->arg16 = cpu_to_le16(arg16);
	h->len = cpu_to_le32(len);
	st->last_rec = st->len;
	st->len += len;
	st->count.bytes += len;
	st->count.records++;
	return h;
}

/*
 * Grow the last record @h by one element of @len bytes (it is the last:
 * they follow it); arg16 counts the elements.
 */
void *pgwalk_stream_grow(struct pgwalk_stream *st, struct pgwalk_rec_hdr *h,
			 u32 len)
{
	void *tail = st->buf + st->len;

	memset(tail, 0, len);
	le32_add_cpu(&h->len, len);
	le16_add_cpu(&h->arg16, 1);
	st->len += len;
	st->count.bytes += len;
	return tail;
}

/* Take @n elements of @len bytes off the end of the last record @h. */
void pgwalk_stream_trim(struct pgwalk_stream *st, struct pgwalk_rec_hdr *h,
			u16 n, u32 len)
{
	h->len = cpu_to_le32(le32_to_cpu(h->len) - n * len);
	h->arg16 = cpu_to_le16(le16_to_cpu(h->arg16) - n);
	st->len -= n * len;
	st->count.bytes -= n * len;
}

/*
 * Take the last record of this fill out of the buffer. The one before it
 * is not known any more: the caller writes another record at once.
 */
void pgwalk_stream_drop_last(struct pgwalk_stream *st)
{
	struct pgwalk_rec_hdr *h;

	h = (struct pgwalk_rec_hdr *)(st->buf + st->last_rec);
	st->count.bytes -= le32_to_cpu(h->len);
	st->count.records--;
	st->len = st->last_rec;
	st->last_rec = PGWALK_NO_REC;
}

/* The header, first in the first fill: the request and the geometry. */
void pgwalk_stream_header(struct pgwalk_session *s)
{
	struct pgwalk_stream *st = &s->stream;
	struct pgwalk_stream_header *h = (struct pgwalk_stream_header *)st->buf;
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
	h->buffer_size = cpu_to_le32(st->size);
	strscpy(h->release, init_utsname()->release, sizeof(h->release));
	st->len = sizeof(*h);
	st->count.bytes = sizeof(*h);
}

/*
 * With trace, WALK_BEGIN: one walk_page_range() call, i.e. one chunk, from
 * @start to @end starts.
 */
void pgwalk_stream_chunk_begin(struct pgwalk_session *s, unsigned long start,
			       unsigned long end)
{
	struct pgwalk_rec_walk_begin *b;

	if (!s->req.trace)
		return;
	b = pgwalk_stream_emit(&s->stream, PGWALK_REC_WALK_BEGIN, 0, 0,
			       sizeof(*b));
	b->start = cpu_to_le64(start);
	b->end = cpu_to_le64(end);
}

/* The chunk returned @ret: counted for END, and WALK_END with trace. */
void pgwalk_stream_chunk_end(struct pgwalk_session *s, int ret)
{
	struct pgwalk_rec_walk_end *e;

	s->stream.count.chunks++;
	if (!s->req.trace)
		return;
	e = pgwalk_stream_emit(&s->stream, PGWALK_REC_WALK_END, 0, 0,
			       sizeof(*e));
	e->ret = cpu_to_le64((s64)ret);
}

/*
 * END, the last record: how the walk ended, how far it got, and the counts
 * of everything before END itself.
 */
void pgwalk_stream_end(struct pgwalk_stream *st, int status,
		       unsigned long walked_to)
{
	u64 bytes = st->count.bytes, records = st->count.records;
	struct pgwalk_rec_end *r;

	r = pgwalk_stream_emit(st, PGWALK_REC_END, 0, 0, sizeof(*r));
	r->status = cpu_to_le32((u32)status);
	r->chunks = cpu_to_le32(st->count.chunks);
	r->walked_to = cpu_to_le64(walked_to);
	r->stream_bytes = cpu_to_le64(bytes);
	r->records = cpu_to_le64(records);
	st->done = true;
}
