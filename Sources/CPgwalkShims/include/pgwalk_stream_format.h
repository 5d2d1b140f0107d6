/*
 * The module's stream format header (kmod/pgwalk_format.h, the binary
 * contract), made visible to Swift so that a test can hold the Swift
 * decoder's record layouts and constants against it: the two languages
 * cannot drift. It is the kernel's own file, not a copy; it needs only
 * <linux/types.h>, which user space has too.
 *
 * A few of its macros are expressions Swift does not import (a string
 * with NULs, a nested shift); they are returned by the functions below.
 */
#ifndef PGWALK_STREAM_FORMAT_H
#define PGWALK_STREAM_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "../../../kmod/pgwalk_format.h"

/* PGWALK_MAGIC, PGWALK_MAGIC_LEN bytes. */
static inline const char *pgwalk_format_magic(void)
{
	return PGWALK_MAGIC;
}

static inline uint64_t pgwalk_format_info_kind_mask(void)
{
	return PGWALK_INFO_KIND_MASK;
}

static inline uint64_t pgwalk_format_info_swap_type_mask(void)
{
	return PGWALK_INFO_SWAP_TYPE_MASK;
}

static inline uint64_t pgwalk_format_info_payload_max(void)
{
	return PGWALK_INFO_PAYLOAD_MAX;
}

#endif /* PGWALK_STREAM_FORMAT_H */
