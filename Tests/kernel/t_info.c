// SPDX-License-Identifier: GPL-2.0
/*
 * Test of the info file: every key there, each consistent with a walk's
 * header and with the booted kernel.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kt.h"

/* tc->mode: the buffer size run.sh loaded the module with */
int t_info(struct fixture *fx, const struct kt_case *tc)
{
	uint32_t want_buffer = (uint32_t)tc->mode;
	static const char *keys[] = {
		"module_version", "format_version", "request_tokens", "kernel_release",
		"kernel_version",
		"page_size", "paging_levels", "ptrs_per_pgd", "ptrs_per_p4d", "ptrs_per_pud",
		"ptrs_per_pmd", "ptrs_per_pte", "pgdir_shift", "p4d_shift", "pud_shift",
		"pmd_shift", "page_shift", "task_size_max", "walk_page_range",
		"ptrace_may_access", "walk_page_range_redirects",
		"ptrace_may_access_redirects", "stub_fallthroughs", "ibt", "buffer_size",
		"walk_lock", "sessions",
	};
	char v[256];
	struct utsname un;
	struct walk w;
	int lv = booted_levels(), r = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (info_get(keys[i], v, sizeof(v)))
			return -1;
	uname(&un);
	if (walk_pid(fx->t.pid ? fx->t.pid : getpid(), "start=0 end=0x200000", &w))
		return -1;
#define EXPECT(key, cond, fmt, ...) do { info_get(key, v, sizeof(v)); if (!(cond)) { \
	r = failf("info %s: '%s', expected " fmt, key, v, ##__VA_ARGS__); goto out; } } while (0)
	EXPECT("format_version", !strcmp(v, "1"), "1");
	EXPECT("request_tokens", !strcmp(v, "pid start end trace seq"), "pid start end trace seq");
	EXPECT("kernel_release", !strcmp(v, un.release), "%s", un.release);
	{
		unsigned a, b, c;

		EXPECT("kernel_version",
		       sscanf(v, "%u.%u.%u", &a, &b, &c) == 3 &&
			       w.s.kernel_version == (a << 16 | b << 8 | (c > 255 ? 255 : c)),
		       "header kernel_version 0x%x", w.s.kernel_version);
	}
	EXPECT("page_size", atol(v) == 4096, "4096");
	EXPECT("paging_levels", atoi(v) == lv && (uint32_t)lv == w.s.levels,
	       "%d (booted), header %u", lv, w.s.levels);
	{
		static const char *pk[5] = { "ptrs_per_pgd", "ptrs_per_p4d", "ptrs_per_pud",
					     "ptrs_per_pmd", "ptrs_per_pte" };
		static const char *sk[5] = { "pgdir_shift", "p4d_shift", "pud_shift", "pmd_shift",
					     "page_shift" };

		for (int i = 0; i < 5; i++) {
			EXPECT(pk[i], strtoul(v, NULL, 0) == w.s.ptrs[i], "header %u",
			       w.s.ptrs[i]);
			EXPECT(sk[i], strtoul(v, NULL, 0) == w.s.shift[i], "header %u",
			       w.s.shift[i]);
		}
	}
	EXPECT("task_size_max", strtoull(v, NULL, 0) == expected_task_size(), "0x%llx",
	       (unsigned long long)expected_task_size());
	EXPECT("walk_page_range", !strcmp(v, "exported") || !strcmp(v, "ftrace"),
	       "exported|ftrace");
	EXPECT("ptrace_may_access", !strcmp(v, "exported") || !strcmp(v, "ftrace"),
	       "exported|ftrace");
	EXPECT("walk_page_range_redirects", isdigit((unsigned char)v[0]), "a count");
	EXPECT("ptrace_may_access_redirects", isdigit((unsigned char)v[0]), "a count");
	EXPECT("stub_fallthroughs", !strcmp(v, "0"), "0");
	EXPECT("ibt", !strcmp(v, "on") || !strcmp(v, "off"), "on|off");
	EXPECT("buffer_size", strtoul(v, NULL, 0) == want_buffer && w.s.buffer_size == want_buffer,
	       "%u (header %u)", want_buffer, w.s.buffer_size);
	EXPECT("walk_lock",
	       (!strcmp(v, "yes") && (w.s.flags & PGWALK_HDR_WALK_LOCK)) ||
		       (!strcmp(v, "no") && !(w.s.flags & PGWALK_HDR_WALK_LOCK)),
	       "yes|no matching the header's WALK_LOCK (flags 0x%x)", w.s.flags);
	{
		/* walk_lock exists from 6.5 on */
		int want = (w.s.kernel_version >> 8) >= (6 << 8 | 5);

		EXPECT("walk_lock", !strcmp(v, want ? "yes" : "no"), "%s for %s",
		       want ? "yes" : "no", un.release);
	}
	EXPECT("module_version", v[0] && isdigit((unsigned char)v[0]), "a version");
#undef EXPECT
out:
	walk_free(&w);
	return r;
}
