// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the PTE_SEQ compressor (docs/FORMAT.md section 5.10), used when
 * the request says seq.
 *
 * A uniform run of PTEs, each the same as the one before or the next page
 * frame with every other bit the same, becomes one 48-byte PTE_SEQ record
 * instead of 16 bytes per entry in a PTE_RUN: fresh anonymous memory and
 * page cache are mostly such runs. A PTE_SEQ starts from the last two
 * elements of a PTE_RUN and the entry that follows them, and grows while
 * the entries keep the steps; it never crosses a PTE table, as a run does
 * not.
 *
 * Decoding each PTE costs more than the rest of pte_entry, so once a
 * PTE_SEQ is the last record, the compressor predicts the raw value of the
 * next entry where decoding it is certain to give the record's next element
 * (pgwalk_seq_predict()); pte_entry then takes a matching entry by one
 * comparison (pgwalk_seq_expects() and pgwalk_seq_take()) without decoding
 * it. The state (struct pgwalk_seq) lives for one fill: the buffer, and
 * with it the last record, starts empty at the next.
 *
 * Called from pte_entry, under the PTE lock: nothing here sleeps.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "pgwalk.h"

/* A fill starts with no PTE_SEQ and no PTE seen. */
void pgwalk_seq_reset(struct pgwalk_seq *q)
{
	q->rec = PGWALK_NO_REC;
	q->prev_addr = 0;
}

/*
 * The steps of a uniform run from @a to @b: the same entry again, or the
 * next page frame with every other bit the same (x86: the PFN field starts
 * at bit PAGE_SHIFT of the raw value, and at the payload of the info word).
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

/* Extend the last record, if a PTE_SEQ, when @e is its next element. */
static bool pgwalk_seq_grow(struct pgwalk_stream *st, unsigned long addr,
			    const struct pgwalk_entry *e)
{
	struct pgwalk_rec_pte_seq *seq;
	u32 n;

	seq = (struct pgwalk_rec_pte_seq *)
		pgwalk_stream_last_run(st, PGWALK_REC_PTE_SEQ, addr);
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
 * Turn the last two elements of @run (the last record, which @e follows)
 * and @e into a new PTE_SEQ of three: 48 bytes where the three elements
 * would take 48, or 64 with the header of a run they would be all of.
 * Returns false when they do not advance uniformly: @e then goes into
 * @run.
 */
static bool pgwalk_seq_start(struct pgwalk_stream *st,
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
	if (!pgwalk_stream_room(st, sizeof(*seq) - 2 * sizeof(*elem)))
		return false;

	/* Take the two elements out of the run (the whole run if that is all). */
	if (n == 2)
		pgwalk_stream_drop_last(st);
	else
		pgwalk_stream_trim(st, &run->hdr, 2, sizeof(*elem));
	seq = pgwalk_stream_emit(st, PGWALK_REC_PTE_SEQ, PGWALK_LEVEL_PTE, 3,
				 sizeof(*seq));
	seq->addr = cpu_to_le64(addr - 2 * PAGE_SIZE);
	seq->raw = cpu_to_le64(raw);
	seq->info = cpu_to_le64(info);
	seq->raw_step = cpu_to_le64(raw_step);
	seq->info_step = cpu_to_le64(info_step);
	return true;
}

/*
 * Once the PTE @val at @addr became the last element of the last record, a
 * PTE_SEQ, by the step @step from the entry before: remember the value at
 * the next address that would be its next element, so that pte_entry takes
 * it by comparing one value instead of decoding it. Only where decoding is
 * certain to give what the record predicts: @step 0 (decoding the same
 * value gives the same element, and the record's steps are 0), or @step
 * PAGE_SIZE (the record advances by one frame) from a present entry that
 * is not PROT_NONE (whose PFN is stored inverted) and not the zero page,
 * with the conditions of pgwalk_seq_expect().
 */
static void pgwalk_seq_predict(struct pgwalk_seq *q,
			       const struct pgwalk_stream *st,
			       unsigned long addr, u64 val, u64 step)
{
	pte_t cur = __pte(val);

	q->rec = PGWALK_NO_REC;
	if (step && (step != PAGE_SIZE || !pte_present(cur) ||
		     pte_protnone(cur) || is_zero_pfn(pte_pfn(cur))))
		return;
	q->rec = st->last_rec;
	q->val_step = step;
	pgwalk_seq_expect(q, addr, val, step);
}

/*
 * Put @val at @addr, decoded as @e, into a PTE_SEQ if it extends the last
 * one or starts one from the last two elements of @run (the last record,
 * or NULL), and predict its next element. Returns false when it does
 * neither; @e then goes into a PTE_RUN.
 */
bool pgwalk_seq_add(struct pgwalk_seq *q, struct pgwalk_stream *st,
		    struct pgwalk_rec_pte_run *run, unsigned long addr,
		    u64 val, const struct pgwalk_entry *e)
{
	/* The step from the entry before, when this path saw it. */
	bool follows = q->prev_addr == addr - PAGE_SIZE;
	u64 step = val - q->prev_val;

	q->prev_addr = addr;
	q->prev_val = val;
	if (!(run ? pgwalk_seq_start(st, run, addr, e) :
		    pgwalk_seq_grow(st, addr, e)))
		return false;
	/* That entry is the record's element before this one. */
	if (follows)
		pgwalk_seq_predict(q, st, addr, val, step);
	return true;
}
