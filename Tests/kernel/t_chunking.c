// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of chunking (FORMAT.md 7): the big target's stream saved with the
 * default buffer (and with seq), then, with the module reloaded with
 * buffer_kib=16, walked again in many chunks: the same stream, nothing
 * lost or repeated, and no record larger than the buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

/*
 * tc->tokens: NULL, or "seq" for the stream the chunked seq walk is held
 * to; kept in fx->sfile, or fx->seqfile with seq.
 */
int t_save_stream(struct fixture *fx, const struct kt_case *tc)
{
	struct target *t = &fx->t;
	const char *tokens = tc->tokens, *sfile = tokens ? fx->seqfile : fx->sfile;
	struct walk w;
	int fd, r;

	if (load_target(t, fx->tfile))
		return -1;
	if (walk_pid(t->pid, tokens, &w))
		return -1;
	r = check_regions(t, &w, 1, R_SMALL | R_BIG);
	if (!r && tokens && check_seq_recs(&w, 1, w.s.chunks == 1))
		r = -1;
	if (!r) {
		fd = open(sfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write_all(fd, w.buf, w.len) || close(fd))
			r = failf("%s: %s", sfile, strerror(errno));
	}
	if (!r)
		note("big target walk%s%s: %zu bytes, %zu records (%zu PTE_SEQ), %u chunks, buffer %u",
		     tokens ? " with " : "", tokens ? tokens : "", w.len, w.s.nrecs, w.s.n_seq,
		     w.s.chunks, w.s.buffer_size);
	walk_free(&w);
	return r;
}

/* what t_save_stream() kept with tc->tokens, walked with the same tokens */
int t_chunking(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	const char *tokens = tc->tokens, *sfile = tokens ? fx->seqfile : fx->sfile;
	const struct rewalk rw = { t->pid, NULL, 0 };
	struct walk big, small;
	int r;

	memset(&big, 0, sizeof(big));
	if (pgw_read_all(open(sfile, O_RDONLY), 1 << 20, &big.buf, &big.len) || !big.len)
		return failf("%s: cannot read the saved stream", sfile);
	if (walk_parse(&big))
		return failf("saved stream: %s", why);
	if (walk_pid(t->pid, tokens, &small)) {
		walk_free(&big);
		return -1;
	}
	note("chunked walk%s%s: %zu bytes, %zu records (%zu PTE_SEQ), %u chunks (large buffer: %u chunks)",
	     tokens ? " with " : "", tokens ? tokens : "", small.len, small.s.nrecs,
	     small.s.n_seq, small.s.chunks, big.s.chunks);
	if ((big.s.flags ^ small.s.flags) & PGWALK_HDR_SEQ)
		r = failf("SEQ flag: saved 0x%x, chunked 0x%x", big.s.flags, small.s.flags);
	else if (small.s.buffer_size != 16384)
		r = failf("buffer_size %u, run.sh loaded buffer_kib=16", small.s.buffer_size);
	else if (small.s.chunks <= 1 || small.s.chunks <= big.s.chunks)
		r = failf("%u chunks with 16 KiB (%u with %u)", small.s.chunks, big.s.chunks,
			  big.s.buffer_size);
	else if (small.repeats)
		r = failf("%zu ENTRY/VMA records repeated at chunk boundaries", small.repeats);
	/* big was walked before the reload, small now */
	else if (compare_aged(&big, &small, "16 KiB vs large buffer", &rw, NULL))
		r = -1;
	else if (check_regions(t, &small, 1, R_SMALL | R_BIG))
		r = -1;
	else if (check_seq_recs(&small, 1, 0))
		r = -1;
	else
		r = 0;
	walk_free(&big);
	walk_free(&small);
	return r;
}

int t_small_units(struct fixture *fx, const struct kt_case *tc __maybe_unused)
{
	/* a record never exceeds the buffer: every record fits in 16 KiB */
	struct walk w;
	int r = 0;

	if (walk_pid(fx->t.pid, "trace", &w))
		return -1;
	for (size_t i = 0; i < w.s.nrecs; i++)
		if (w.s.recs[i].len > w.s.buffer_size)
			r = failf("record of %u bytes > buffer", w.s.recs[i].len);
	walk_free(&w);
	return r;
}
