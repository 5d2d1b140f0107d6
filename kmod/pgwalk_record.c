// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the records each callback writes (docs/FORMAT.md section 5), as
 * note_page() is to the callbacks of mm/ptdump.c: the callbacks read and
 * classify an entry, and these put it into the stream.
 *
 * An entry extends the last record where it can (runs of PTEs, merged
 * holes, PTE_SEQ with seq); without trace, an entry or VMA the walker
 * visits again after a resume, unchanged, is not written twice.
 *
 * Room: a record is written only when it fits with PGWALK_RESERVE bytes to
 * spare (for STOP, POST_VMA, WALK_END and END); otherwise the fill stops
 * where it is (pgwalk_stop()) and the callback returns 1 (test_walk:
 * -ENOBUFS), which ends walk_page_range(). A PMD entry of a PTE table
 * reserves room for the whole table first, so a fill stops between PTE
 * tables, never inside one.
 *
 * Everything but the VMA records runs where the walker may hold the PTE
 * lock or the hugetlb VMA lock, and never sleeps; the VMA records name the
 * VMA (d_path()) under the mmap lock alone.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/string.h>

#include "pgwalk.h"

/* The buffer is full at @addr: note where to resume and end the walk. */
static int pgwalk_stop(struct pgwalk_session *s, u8 cb, unsigned long addr)
{
	struct pgwalk_rec_stop *r;

	s->fill.stopped = true;
	s->fill.resume = addr;
	if (s->req.trace) {
		r = pgwalk_stream_emit(&s->stream, PGWALK_REC_STOP, cb, 0,
				       sizeof(*r));
		r->addr = cpu_to_le64(addr);
	}
	return 1;
}

/*
 * Most bytes one PTE table of @n entries can take: runs alternate between
 * PTE_RUN (16 + 16 per entry) and NONE_RUN (16), so at most 24 bytes per
 * entry plus one record header.
 */
static size_t pgwalk_pte_table_bytes(unsigned long addr, unsigned long next)
{
	return 24 * ((next - addr) >> PAGE_SHIFT) + 16;
}

/*
 * One pgd/p4d/pud/pmd entry, which the walker will take @action on.
 * Without trace, an entry that the last reported entry of its level already
 * covers, with the same value, is the walker repeating itself after a
 * resume: it is not written again.
 */
int pgwalk_record_entry(struct pgwalk_session *s, int level,
			unsigned long addr, unsigned long next, u64 raw,
			const struct pgwalk_entry *e,
			enum page_walk_action action)
{
	struct pgwalk_last_entry *last = &s->seen.entry[level];
	struct pgwalk_rec_entry *r;
	size_t extra = 0;
	bool repeat;

	repeat = !s->req.trace && last->valid && last->addr <= addr &&
		 next <= last->next && last->raw == raw;
	/*
	 * Reserve the whole PTE table so that the fill does not stop inside
	 * it. A fill that has written no leaf yet skips the reservation: with
	 * a small buffer and a long VMA name the table might never fit, and
	 * pte_entry can still stop on its own.
	 */
	if (level == PGWALK_LEVEL_PMD && action == ACTION_SUBTREE &&
	    s->fill.progress)
		extra = pgwalk_pte_table_bytes(addr, next);
	if (!pgwalk_stream_room(&s->stream, (repeat ? 0 : sizeof(*r)) + extra))
		return pgwalk_stop(s, level, addr);
	if (repeat)
		return 0;
	if (action == ACTION_CONTINUE)
		s->fill.progress = true;

	r = pgwalk_stream_emit(&s->stream, PGWALK_REC_ENTRY, level, action,
			       sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->next = cpu_to_le64(next);
	r->raw = cpu_to_le64(e->raw);
	r->info = cpu_to_le64(e->info);
	*last = (struct pgwalk_last_entry){ addr, next, raw, true };
	return 0;
}

/* A none PTE that starts a NONE_RUN (pgwalk_record_pte() extends one). */
static int pgwalk_record_none_pte(struct pgwalk_session *s,
				  unsigned long addr)
{
	struct pgwalk_rec_none_run *run;

	if (!pgwalk_stream_room(&s->stream, sizeof(*run)))
		return pgwalk_stop(s, PGWALK_CB_PTE_ENTRY, addr);
	run = pgwalk_stream_emit(&s->stream, PGWALK_REC_NONE_RUN,
				 PGWALK_LEVEL_PTE, 1, sizeof(*run));
	run->addr = cpu_to_le64(addr);
	s->fill.progress = true;
	return 0;
}

/*
 * A PTE that pgwalk_record_pte() did not take inline: a NONE_RUN for an
 * empty one, else into a PTE_SEQ with seq, else a PTE_RUN.
 */
int pgwalk_record_new_pte(struct pgwalk_session *s, unsigned long addr,
			  pte_t val)
{
	struct pgwalk_stream *st = &s->stream;
	struct pgwalk_rec_pte_run *run;
	struct pgwalk_pte *elem;
	struct pgwalk_entry e;

	if (pte_none(val) && !pte_val(val))
		return pgwalk_record_none_pte(s, addr);

	pgwalk_decode_pte(val, s->pfn_visible, &e);
	/* The last run, if this entry follows it in the same table. */
	run = pgwalk_stream_last_run(st, PGWALK_REC_PTE_RUN, addr);
	if (s->req.seq &&
	    pgwalk_seq_add(&s->seq, st, run, addr, pte_val(val), &e)) {
		s->fill.progress = true;
		return 0;
	}

	if (!pgwalk_stream_room(st, sizeof(*elem) + (run ? 0 : sizeof(*run))))
		return pgwalk_stop(s, PGWALK_CB_PTE_ENTRY, addr);
	if (run) {
		elem = pgwalk_stream_grow(st, &run->hdr, sizeof(*elem));
	} else {
		run = pgwalk_stream_emit(st, PGWALK_REC_PTE_RUN,
					 PGWALK_LEVEL_PTE, 1,
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
int pgwalk_record_hole(struct pgwalk_session *s, unsigned long addr,
		       unsigned long next, int depth)
{
	struct pgwalk_rec_hole *r;

	r = depth >= 0 ? pgwalk_stream_last(&s->stream, PGWALK_REC_HOLE) : NULL;
	if (r && (s8)r->hdr.arg8 == depth && le64_to_cpu(r->end) == addr &&
	    le16_to_cpu(r->hdr.arg16) < U16_MAX) {
		le16_add_cpu(&r->hdr.arg16, 1);
		r->end = cpu_to_le64(next);
		s->fill.progress = true;
		return 0;
	}
	if (!pgwalk_stream_room(&s->stream, sizeof(*r)))
		return pgwalk_stop(s, PGWALK_CB_PTE_HOLE, addr);
	r = pgwalk_stream_emit(&s->stream, PGWALK_REC_HOLE, (u8)(s8)depth, 1,
			       sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->end = cpu_to_le64(next);
	s->fill.progress = true;
	return 0;
}

/* One hugetlb entry, @val as huge_ptep_get() read it. */
int pgwalk_record_hugetlb(struct pgwalk_session *s, unsigned long addr,
			  unsigned long next, unsigned long hmask, pte_t val)
{
	struct pgwalk_rec_hugetlb *r;
	struct pgwalk_entry e;

	if (!pgwalk_stream_room(&s->stream, sizeof(*r)))
		return pgwalk_stop(s, PGWALK_CB_HUGETLB_ENTRY, addr);
	pgwalk_decode_huge_pte(val, hmask, s->pfn_visible, &e);
	r = pgwalk_stream_emit(&s->stream, PGWALK_REC_HUGETLB, 0, 0,
			       sizeof(*r));
	r->addr = cpu_to_le64(addr);
	r->next = cpu_to_le64(next);
	r->hmask = cpu_to_le64(hmask);
	r->raw = cpu_to_le64(e.raw);
	r->info = cpu_to_le64(e.info);
	s->fill.progress = true;
	return 0;
}

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

	r = pgwalk_stream_emit(&s->stream, PGWALK_REC_VMA, backing, name_len,
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
 * test_walk said @skip for @vma. A skipped VMA is reported here, with
 * NOT_WALKED, since pre_vma will not be called for it. With trace,
 * TEST_WALK comes first and the VMA record follows it, as after a
 * TEST_WALK that returned 0. Returns @skip, or -ENOBUFS when full.
 */
int pgwalk_record_test_walk(struct pgwalk_session *s,
			    struct vm_area_struct *vma, unsigned long addr,
			    unsigned long next, int skip)
{
	bool report = skip && !pgwalk_vma_repeat(s, vma);
	struct pgwalk_rec_test_walk *t;
	size_t name_len = 0;
	size_t need = 0;
	u8 backing = 0;

	if (s->req.trace)
		need += sizeof(*t);
	if (report) {
		name_len = pgwalk_vma_name(vma, s->path_buf,
					   pgwalk_name_buf(s), &backing);
		need += pgwalk_vma_rec_len(name_len);
	}
	if (!pgwalk_stream_room(&s->stream, need)) {
		pgwalk_stop(s, PGWALK_CB_TEST_WALK, addr);
		return -ENOBUFS;
	}
	if (s->req.trace) {
		t = pgwalk_stream_emit(&s->stream, PGWALK_REC_TEST_WALK, 0, 0,
				       sizeof(*t));
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

/* pre_vma: the VMA about to be walked, unless it was the last reported. */
int pgwalk_record_vma(struct pgwalk_session *s, struct vm_area_struct *vma,
		      unsigned long start)
{
	size_t name_len;
	u8 backing;

	if (pgwalk_vma_repeat(s, vma))
		return 0;
	name_len = pgwalk_vma_name(vma, s->path_buf, pgwalk_name_buf(s),
				   &backing);
	if (!pgwalk_stream_room(&s->stream, pgwalk_vma_rec_len(name_len)))
		return pgwalk_stop(s, PGWALK_CB_PRE_VMA, start);
	pgwalk_emit_vma(s, vma, name_len, backing, 0);
	return 0;
}

/*
 * With trace, POST_VMA. post_vma is called even after a callback stopped
 * the walk inside the VMA (6.1 calls it whatever the walk returned), so
 * PGWALK_RESERVE covers it and it cannot fail.
 */
void pgwalk_record_post_vma(struct pgwalk_session *s,
			    struct vm_area_struct *vma)
{
	struct pgwalk_rec_post_vma *r;

	if (!s->req.trace)
		return;
	if (WARN_ON_ONCE(s->stream.len + sizeof(*r) > s->stream.cap))
		return;
	r = pgwalk_stream_emit(&s->stream, PGWALK_REC_POST_VMA, 0, 0,
			       sizeof(*r));
	r->vm_start = cpu_to_le64(vma->vm_start);
	r->vm_end = cpu_to_le64(vma->vm_end);
}
