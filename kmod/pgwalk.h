/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgwalk: internal declarations shared by the module's files.
 *
 * Kernel versions and what the module does about them (decided at build
 * time, never by probing at run time):
 *
 *   what                          since   handled by
 *   ----------------------------  ------  ----------------------------------
 *   walk_page_range() exported    never   Kbuild greps Module.symvers: link
 *                                 (mainline) directly if exported, else call
 *                                         a stub that ftrace redirects to
 *                                         the entry a kprobe finds at load
 *   ptrace_may_access() exported  never   same as walk_page_range()
 *   ftrace_regs_set_instruction_  after   Kbuild greps linux/ftrace.h:
 *   pointer(); 6.1 has ftrace_    6.1     PGWALK_HAVE_FTRACE_REGS_SET_IP,
 *   instruction_pointer_set()             PGWALK_HAVE_FTRACE_IP_SET
 *   ptep_get()                    5.8     used for every PTE read
 *   pte markers (swapops.h)       6.0     KIND_MARKER, if PTE_MARKER_UFFD_WP
 *                                         is defined; uffd-wp bit 6.0,
 *                                         swapin error 6.2, poisoned 6.6,
 *                                         guard 6.13: each by its #define
 *   swp_offset_pfn()              6.1     PFN of migration/device/hwpoison
 *                                         entries; swp_offset() before
 *                                         (Kbuild: PGWALK_HAVE_SWP_OFFSET_PFN)
 *   swapin error entry            6.1     its own swap type in 6.1 only:
 *                                         reported as the 6.2+ marker
 *   hugetlb_entry under           6.2     nothing to do: hugetlb_entry never
 *   hugetlb_vma_lock_read()               sleeps and only reads the entry
 *   pte_offset_map() may fail     6.5     the walker sets ACTION_AGAIN and
 *                                         calls pmd_entry again: with trace
 *                                         the stream shows both calls
 *   mm_walk_ops.walk_lock         6.5,    Kbuild greps pagewalk.h for
 *                                 6.4.12  walk_lock: PGWALK_HAVE_WALK_LOCK
 *   huge_ptep_get(mm, addr, ptep) 6.11    Kbuild greps asm-generic/hugetlb.h:
 *                                         PGWALK_HAVE_HUGE_PTEP_GET_MM
 *
 * The kernel's <linux/pagewalk.h> also uses the PGWALK_ prefix for enum
 * page_walk_lock (PGWALK_RDLOCK, ...); no name here collides with it.
 */
#ifndef _PGWALK_H
#define _PGWALK_H

#include <linux/mutex.h>
#include <linux/pagewalk.h>
#include <linux/types.h>
#include <linux/version.h>

#include "pgwalk_format.h"

#ifndef CONFIG_X86_64
#error "pgwalk decodes x86-64 page table entries only"
#endif

#define PGWALK_MODULE_VERSION	"1.0.0"

/* LINUX_VERSION_CODE of the headers, with the patch level capped at 255. */
#define PGWALK_KERNEL_VERSION	KERNEL_VERSION(LINUX_VERSION_MAJOR,	\
					       LINUX_VERSION_PATCHLEVEL,	\
					       LINUX_VERSION_SUBLEVEL)

/*
 * Session buffer bounds, KiB (module parameter buffer_kib). A session must
 * hold at most 1 MiB of kernel memory: kvmalloc() rounds a buffer above
 * 512 KiB up to a 1 MiB allocation, which with the path buffer and the
 * session itself would exceed it.
 */
#define PGWALK_BUFFER_KIB_MIN	16
#define PGWALK_BUFFER_KIB_DEF	256
#define PGWALK_BUFFER_KIB_MAX	512

/*
 * The smallest fill, bytes. A fill writes at most what the read() that
 * asked for it can take (but not less than this, nor more than the
 * session's buffer_kib), so a reader that asks 16 KiB first, as pgwalkctl
 * does, never pays for a large buffer when a small process's whole stream
 * fits in 16 KiB: the kernel clears every page it allocates
 * (init_on_alloc, as Debian builds it), and clearing 256 KiB was nearly
 * half of such a session's time in read() (docs/BENCH.md, change 15).
 */
#define PGWALK_FILL_MIN		(PGWALK_BUFFER_KIB_MIN * 1024)

/*
 * Longest VMA name put in a record. d_path() gives at most PATH_MAX - 1
 * bytes; escaping a newline as "\012" (as /proc/PID/maps does) may grow it,
 * and a longer name is cut here so that a VMA record always fits a buffer.
 */
#define PGWALK_NAME_MAX		PATH_MAX

/*
 * Bytes every fill keeps free for the records that must be written whatever
 * happens: STOP, POST_VMA (post_vma cannot fail), WALK_END and END.
 */
#define PGWALK_RESERVE	(sizeof(struct pgwalk_rec_stop) +		\
			 sizeof(struct pgwalk_rec_post_vma) +		\
			 sizeof(struct pgwalk_rec_walk_end) +		\
			 sizeof(struct pgwalk_rec_end))

/* session.stream.last_rec when the buffer holds no record of this fill. */
#define PGWALK_NO_REC	((size_t)-1)

/* The last reported entry of one level, to suppress repeats on resume. */
struct pgwalk_last_entry {
	unsigned long addr;
	unsigned long next;
	u64 raw;
	bool valid;
};

/* What a successful write() asked for: the stream header repeats it. */
struct pgwalk_request {
	bool trace;
	bool seq;			/* PTE_SEQ records requested */
	pid_t pid;			/* as written, opener's namespace */
	struct mm_struct *mm;		/* mmgrab()ed: mm_count only */
	unsigned long start, end, task_size;
};

/*
 * What the END record reports, counted as the stream is written, so that
 * a reader can tell it lost nothing.
 */
struct pgwalk_count {
	u32 chunks;			/* walk_page_range() calls */
	u64 bytes;			/* bytes of records + header so far */
	u64 records;			/* records so far, header excluded */
};

/* The record buffer one fill writes and read() drains (pgwalk_stream.c). */
struct pgwalk_stream {
	u8 *buf;
	u32 size;			/* bytes, from buffer_kib at open */
	u32 cap;			/* bytes of buf, at most size */
	size_t len;			/* bytes in buf */
	size_t pos;			/* bytes of buf already read */
	size_t last_rec;		/* offset of the last record of this
					 * fill, or PGWALK_NO_REC
					 */
	bool started;			/* header written */
	bool done;			/* END written */
	struct pgwalk_count count;
};

/* Where the walk stands: across fills (resume), and within one fill. */
struct pgwalk_fill {
	unsigned long resume;		/* next fill starts here */
	spinlock_t *table_lock;		/* PMD lock held from pmd_entry to
					 * the walker's next callback
					 */
	bool stopped;			/* a callback found the buffer full */
	bool progress;			/* a leaf-level record was written */
};

/*
 * What was reported last, kept across fills: after a resume the walker
 * visits again the upper entries and the VMA it stopped in, and those are
 * not written twice.
 */
struct pgwalk_seen {
	struct pgwalk_last_entry entry[PGWALK_LEVEL_PTE];
	unsigned long vma_start, vma_end;
	bool vma_valid;
};

/*
 * The PTE_SEQ compressor (pgwalk_seq.c), valid during one fill: the PTE
 * value that pte_entry may take as the next element of the PTE_SEQ at @rec,
 * while that is the last record, without decoding it
 * (pgwalk_seq_predict()); and the last PTE it decoded.
 */
struct pgwalk_seq {
	size_t rec;			/* that PTE_SEQ, or PGWALK_NO_REC */
	unsigned long next_addr;
	u64 next_val;
	u64 val_step;			/* 0 or PAGE_SIZE */
	unsigned long prev_addr;
	u64 prev_val;
};

/* One open file of debugfs pgwalk/walk. */
struct pgwalk_session {
	struct mutex lock;		/* serialises read/write on this file */
	bool pfn_visible;		/* at open: CAP_SYS_ADMIN in
					 * init_user_ns
					 */
	bool has_request;		/* req is set */
	char *path_buf;			/* d_path() scratch, then the name */
	struct pgwalk_request req;
	struct pgwalk_stream stream;
	struct pgwalk_fill fill;
	struct pgwalk_seen seen;
	struct pgwalk_seq seq;
};

/* A decoded entry: the raw value as reported and the info word. */
struct pgwalk_entry {
	u64 raw;
	u64 info;
};

/* pgwalk_resolve.c */
int pgwalk_resolve_symbols(void);
void pgwalk_release_symbols(void);
int pgwalk_walk_page_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end, const struct mm_walk_ops *ops,
			   void *private);
bool pgwalk_ptrace_may_access(struct task_struct *task, unsigned int mode);
const char *pgwalk_walk_page_range_how(void);
const char *pgwalk_ptrace_may_access_how(void);
u64 pgwalk_walk_page_range_redirects(void);
u64 pgwalk_ptrace_may_access_redirects(void);
bool pgwalk_ibt_enforced(void);

/*
 * pgwalk_call.c: the stubs ftrace redirects to the kernel functions, with
 * their prototypes; their bodies only run if the redirect did not happen.
 */
int pgwalk_call_walk_page_range(struct mm_struct *mm, unsigned long start,
				unsigned long end,
				const struct mm_walk_ops *ops, void *private);
bool pgwalk_call_ptrace_may_access(struct task_struct *task,
				   unsigned int mode);
extern atomic64_t pgwalk_stub_fallthroughs;

/*
 * A non-present entry as the kernel classifies it (pgwalk_leaf.c): its
 * PGWALK_KIND_*, swap type, whether it allows writes (migration, device),
 * and its value, a PFN, a swap offset or PGWALK_MARKER_* bits, which @hide
 * says an opener without CAP_SYS_ADMIN may not see.
 */
struct pgwalk_leaf {
	u8 kind;
	u8 type;
	bool write;
	bool hide;
	u64 value;
};

/* pgwalk_leaf.c */
void pgwalk_leaf_from_pte(pte_t pte, struct pgwalk_leaf *l);
void pgwalk_leaf_from_pmd(pmd_t pmd, struct pgwalk_leaf *l);

/* pgwalk_entry.c */
void pgwalk_decode_pgd(pgd_t pgd, bool show_pfn, struct pgwalk_entry *e);
void pgwalk_decode_p4d(p4d_t p4d, bool show_pfn, struct pgwalk_entry *e);
void pgwalk_decode_pud(pud_t pud, bool show_pfn, struct pgwalk_entry *e);
void pgwalk_decode_pmd(pmd_t pmd, bool show_pfn, struct pgwalk_entry *e);
void pgwalk_decode_pte(pte_t pte, bool show_pfn, struct pgwalk_entry *e);
void pgwalk_decode_huge_pte(pte_t pte, unsigned long hmask, bool show_pfn,
			    struct pgwalk_entry *e);
unsigned int pgwalk_levels(void);
unsigned int pgwalk_level_shift(int level);
unsigned int pgwalk_level_ptrs(int level);

/* pgwalk_vma.c */
u32 pgwalk_vma_flags(const struct vm_area_struct *vma);
size_t pgwalk_vma_name(struct vm_area_struct *vma, char *path_buf,
		       char *name, u8 *backing);

/* pgwalk_stream.c */
void pgwalk_stream_begin_fill(struct pgwalk_stream *st);
void *pgwalk_stream_emit(struct pgwalk_stream *st, u8 type, u8 arg8,
			 u16 arg16, u32 len);
void *pgwalk_stream_grow(struct pgwalk_stream *st, struct pgwalk_rec_hdr *h,
			 u32 len);
void pgwalk_stream_trim(struct pgwalk_stream *st, struct pgwalk_rec_hdr *h,
			u16 n, u32 len);
void pgwalk_stream_drop_last(struct pgwalk_stream *st);
void pgwalk_stream_header(struct pgwalk_session *s);
void pgwalk_stream_chunk_begin(struct pgwalk_session *s, unsigned long start,
			       unsigned long end);
void pgwalk_stream_chunk_end(struct pgwalk_session *s, int ret);
void pgwalk_stream_end(struct pgwalk_stream *st, int status,
		       unsigned long walked_to);

/*
 * Does a record of @need bytes fit, keeping PGWALK_RESERVE? Inline, as
 * pgwalk_stream_last(): pte_entry asks for every PTE.
 */
static inline bool pgwalk_stream_room(const struct pgwalk_stream *st,
				      size_t need)
{
	return st->len + need + PGWALK_RESERVE <= st->cap;
}

/* The last record of this fill if it has @type, else NULL. */
static inline void *pgwalk_stream_last(struct pgwalk_stream *st, u8 type)
{
	struct pgwalk_rec_hdr *h;

	if (st->last_rec == PGWALK_NO_REC)
		return NULL;
	h = (struct pgwalk_rec_hdr *)(st->buf + st->last_rec);
	return h->type == type ? h : NULL;
}

/*
 * The last record if it has @type (PTE_RUN, NONE_RUN or PTE_SEQ, which all
 * start with a header and an addr) and its pages end at @addr in the same
 * PTE table, so that the entry at @addr may extend it. Inline: a none
 * PTE after a none PTE asks it in pgwalk_record_pte(), without a call
 * (docs/BENCH.md, change 26).
 */
static inline struct pgwalk_rec_pte_run *
pgwalk_stream_last_run(struct pgwalk_stream *st, u8 type, unsigned long addr)
{
	struct pgwalk_rec_pte_run *run = pgwalk_stream_last(st, type);

	if (!run || !(addr & ~PMD_MASK))
		return NULL;
	if (le64_to_cpu(run->addr) +
	    le16_to_cpu(run->hdr.arg16) * PAGE_SIZE != addr)
		return NULL;
	return run;
}

/* pgwalk_seq.c */
void pgwalk_seq_reset(struct pgwalk_seq *q);
bool pgwalk_seq_add(struct pgwalk_seq *q, struct pgwalk_stream *st,
		    struct pgwalk_rec_pte_run *run, unsigned long addr,
		    u64 val, const struct pgwalk_entry *e);

/*
 * Is the PTE @val at @addr the next element the PTE_SEQ compressor
 * predicted for the last record? Inline: pte_entry asks for every PTE, and
 * without seq the answer is always no.
 */
static inline bool pgwalk_seq_expects(const struct pgwalk_seq *q,
				      const struct pgwalk_stream *st,
				      unsigned long addr, u64 val)
{
	return q->rec != PGWALK_NO_REC && q->rec == st->last_rec &&
	       addr == q->next_addr && val == q->next_val;
}

/*
 * Expect @val + @step at the address after @addr as the next element of the
 * PTE_SEQ at q->rec, @val being its last. The caller knows that decoding
 * @val + @step gives that element if only the PFN field changes and the new
 * frame is neither the zero page nor beyond the info word's payload; that
 * is checked here, per step. The next table starts a new record.
 */
static inline void pgwalk_seq_expect(struct pgwalk_seq *q, unsigned long addr,
				     u64 val, u64 step)
{
	u64 next = val + step;
	unsigned long pfn = pte_pfn(__pte(next));

	if (!((addr + PAGE_SIZE) & ~PMD_MASK) ||
	    (step && ((next ^ val) & ~PTE_PFN_MASK || is_zero_pfn(pfn) ||
		      pfn > PGWALK_INFO_PAYLOAD_MAX))) {
		q->rec = PGWALK_NO_REC;
		return;
	}
	q->next_addr = addr + PAGE_SIZE;
	q->next_val = next;
}

/*
 * @val at @addr is the value pgwalk_seq_expects() matched: one more. Inline,
 * as the question: a dense table is mostly this (docs/BENCH.md, change 26).
 */
static inline void pgwalk_seq_take(struct pgwalk_seq *q,
				   struct pgwalk_stream *st,
				   unsigned long addr, u64 val)
{
	struct pgwalk_rec_hdr *h = (struct pgwalk_rec_hdr *)(st->buf + q->rec);

	le16_add_cpu(&h->arg16, 1);
	pgwalk_seq_expect(q, addr, val, q->val_step);
}

/*
 * A none PTE that extends the NONE_RUN just before it: one more page in
 * that run.
 */
static inline bool pgwalk_extend_none_run(struct pgwalk_session *s,
					  unsigned long addr)
{
	struct pgwalk_rec_none_run *run;

	run = (struct pgwalk_rec_none_run *)
		pgwalk_stream_last_run(&s->stream, PGWALK_REC_NONE_RUN, addr);
	if (!run)
		return false;
	le16_add_cpu(&run->hdr.arg16, 1);
	s->fill.progress = true;
	return true;
}

/* pgwalk_record.c */
int pgwalk_record_entry(struct pgwalk_session *s, int level,
			unsigned long addr, unsigned long next, u64 raw,
			const struct pgwalk_entry *e,
			enum page_walk_action action);
int pgwalk_record_new_pte(struct pgwalk_session *s, unsigned long addr,
			  pte_t val);
int pgwalk_record_hole(struct pgwalk_session *s, unsigned long addr,
		       unsigned long next, int depth);
int pgwalk_record_hugetlb(struct pgwalk_session *s, unsigned long addr,
			  unsigned long next, unsigned long hmask, pte_t val);
int pgwalk_record_test_walk(struct pgwalk_session *s,
			    struct vm_area_struct *vma, unsigned long addr,
			    unsigned long next, int skip);
int pgwalk_record_vma(struct pgwalk_session *s, struct vm_area_struct *vma,
		      unsigned long start);
void pgwalk_record_post_vma(struct pgwalk_session *s,
			    struct vm_area_struct *vma);

/*
 * One PTE. The two entries tables are mostly made of need no decoding and
 * are taken inline: the next element PTE_SEQ predicted (dense memory), and
 * a none entry after a none entry (sparse tables). Calls per PTE were a
 * third of a sparse walk's time under emulation (docs/BENCH.md, change 26).
 * Anything else starts a record or is decoded: pgwalk_record_new_pte().
 */
static inline int pgwalk_record_pte(struct pgwalk_session *s,
				    unsigned long addr, pte_t val)
{
	if (pgwalk_seq_expects(&s->seq, &s->stream, addr, pte_val(val))) {
		pgwalk_seq_take(&s->seq, &s->stream, addr, pte_val(val));
		s->fill.progress = true;
		return 0;
	}
	if (pte_none(val) && !pte_val(val) && pgwalk_extend_none_run(s, addr))
		return 0;
	return pgwalk_record_new_pte(s, addr, val);
}

/* pgwalk_walk.c */
int pgwalk_walk_chunk(struct pgwalk_session *s, int *ret);

/* pgwalk_session.c */
extern const struct file_operations pgwalk_walk_fops;
extern atomic_t pgwalk_sessions;

/* pgwalk_main.c */
u32 pgwalk_buffer_bytes(void);

#endif /* _PGWALK_H */
