// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of trace walks (FORMAT.md 5.8): the callback frame of each
 * walk_page_range() call, with and without seq, in one fill or chunked,
 * and the same view of the target as a walk without trace.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "kt.h"

/*
 * tc->tokens: "trace", or "trace seq" for PTE_SEQ records in the trace;
 * tc->mode: the walk must take more than one chunk.
 */
int t_trace(struct fixture *fx, const struct kt_case *tc)
{
	const struct target *t = &fx->t;
	const char *tokens = tc->tokens;
	struct walk tr, plain;
	int r;

	if (walk_pid(t->pid, tokens, &tr))
		return -1;
	r = check_trace(&tr);
	if (!r && !!strstr(tokens, "seq") != !!(tr.s.flags & PGWALK_HDR_SEQ))
		r = failf("request \"%s\", header flags 0x%x", tokens, tr.s.flags);
	if (!r && tc->mode && tr.s.chunks < 2)
		r = failf("trace walk made %u chunks, expected > 1", tr.s.chunks);
	if (!r && check_regions(t, &tr, 1, tc->which))
		r = failf("trace view: %s", why);
	if (!r && !walk_pid(t->pid, NULL, &plain)) {
		/* trace minus its trace records and resume repeats == the plain walk */
		if (compare_units(&plain, &tr, CMP_NO_AD, "trace vs plain", NULL))
			r = -1;
		walk_free(&plain);
	} else if (!r) {
		r = -1;
	}
	if (!r)
		note("%s: %zu records (%zu PTE_SEQ), %u chunks, %zu resume repeats", tokens,
		     tr.s.nrecs, tr.s.n_seq, tr.s.chunks, tr.repeats);
	walk_free(&tr);
	return r;
}
