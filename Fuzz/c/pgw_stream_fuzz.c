// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the kernel tests' C stream decoder
 * (Tests/kernel/pgw_stream.c): parse the input as a whole stream and, when
 * it parses, run everything the tests do with a parsed stream (the unit
 * expansion with and without repeats dropped, the leaf index and its
 * lookup, every run element). A rejected stream must come with a message.
 * Built by `make fuzz-decoders` with clang -fsanitize=fuzzer,address.
 */
#include "../../Tests/kernel/pgw_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void exercise(const struct pgw_stream *s)
{
	for (int drop = 0; drop <= 1; drop++) {
		struct pgw_unit *u = NULL;
		const struct pgw_unit **leaves = NULL;
		size_t n = 0, repeats = 0, nleaves = 0;

		if (pgw_units(s, drop, &u, &n, &repeats) == 0 &&
		    pgw_leaves(u, n, &leaves, &nleaves) == 0) {
			/* Look up the start, the end and each leaf's edges. */
			(void)pgw_leaf_at(leaves, nleaves, s->start);
			(void)pgw_leaf_at(leaves, nleaves, s->end - 1);
			for (size_t i = 0; i < nleaves && i < 4096; i++) {
				(void)pgw_leaf_at(leaves, nleaves, leaves[i]->a);
				(void)pgw_leaf_at(leaves, nleaves, leaves[i]->b);
			}
		}
		free(leaves);
		free(u);
	}
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct pgw_rec *r = &s->recs[i];
		uint64_t raw, info;

		(void)pgw_type_name(r->type);
		if (r->type == PGWALK_REC_PTE_RUN || r->type == PGWALK_REC_PTE_SEQ)
			for (unsigned k = 0; k < r->arg16; k++)
				pgw_pte_elem(r, k, &raw, &info);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgw_stream s;
	char err[512];

	memset(&s, 0, sizeof(s));
	err[0] = '\0';
	if (pgw_parse(data, size, &s, err, sizeof(err)) == 0) {
		exercise(&s);
	} else if (err[0] == '\0') {
		/* Every rejection must say why. */
		fprintf(stderr, "pgw_parse rejected %zu bytes without a message\n", size);
		abort();
	}
	pgw_free(&s);
	return 0;
}
