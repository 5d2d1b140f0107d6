// SPDX-License-Identifier: GPL-2.0
/* pgwalk-scenario: scenarios with a second process (pid2) */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RW (PROT_READ | PROT_WRITE)

static const char *yesno(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

/* every page of [p, p + n) maps the same PFN in pid and in us */
static int same_pfns(pid_t pid, const uint8_t *p, long first, long last)
{
	if (!pfn_visible())
		return -1;
	for (long i = first; i <= last; i++) {
		uint64_t a = pagemap(0, p + i * PAGE), b = pagemap(pid, p + i * PAGE);

		if (!(a & PM_PRESENT) || !(b & PM_PRESENT) || PM_PFN(a) != PM_PFN(b))
			return 0;
	}
	return 1;
}

static int all_differ(pid_t pid, const uint8_t *p, long first, long last)
{
	if (!pfn_visible())
		return -1;
	for (long i = first; i <= last; i++)
		if (PM_PFN(pagemap(0, p + i * PAGE)) == PM_PFN(pagemap(pid, p + i * PAGE)))
			return 0;
	return 1;
}

/* ---- anon-shared ---- */

static void shared_child(void *arg)
{
	touch_read(arg, 16 * PAGE);
}

void sc_anon_shared(void)
{
	uint8_t *p = arena_map(16 * PAGE, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t c;

	fill(p, 16 * PAGE, 20);
	c = spawn(shared_child, p);
	pid2(c);
	region("shared", p, 16 * PAGE);
	page_range("shared", 0, 15, "written shared");
	fact("same_pfn %s", yesno(same_pfns(c, p, 0, 15)));
}

/* ---- fork-cow ---- */

static void idle_child(void *arg)
{
	(void)arg;
}

void sc_fork_cow(void)
{
	uint8_t *before = arena_map(16 * PAGE, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *after = arena_map(16 * PAGE, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t c;

	if (madvise(before, 16 * PAGE, MADV_NOHUGEPAGE) ||
	    madvise(after, 16 * PAGE, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	fill(before, 16 * PAGE, 21);
	fill(after, 16 * PAGE, 22);
	c = spawn(idle_child, NULL);
	for (long i = 0; i < 8; i++)
		after[i * PAGE + 300] ^= 0x5a;
	pid2(c);
	region("before", before, 16 * PAGE);
	region("after", after, 16 * PAGE);
	page_range("before", 0, 15, "written cow-shared");
	page_range("after", 0, 7, "written cow-broken");
	page_range("after", 8, 15, "written cow-shared");
	fact("before_same_pfn %s", yesno(same_pfns(c, before, 0, 15)));
	fact("after_broken_differ %s", yesno(all_differ(c, after, 0, 7)));
	fact("after_shared_same_pfn %s", yesno(same_pfns(c, after, 8, 15)));
}

/* ---- ksm ---- */

#define KSM_PAGES 16

static void ksm_child(void *arg)
{
	/*
	 * Rewrite the same bytes so the child gets its own copies (COW).
	 * volatile: a store of what was just loaded is otherwise dead code,
	 * and release builds delete it.
	 */
	volatile uint8_t *p = arg;

	for (long i = 0; i < KSM_PAGES; i++)
		p[i * PAGE] = p[i * PAGE];
	if (madvise((void *)p, KSM_PAGES * PAGE, MADV_MERGEABLE))
		_exit(2);
}

/*
 * The child's rewrite broke copy-on-write: each page has a frame of its own,
 * unless ksmd (the VMA is mergeable since before the fork) has already merged
 * it again, which leaves a KSM page, never the parent's original frame.
 */
static int cow_broken_or_merged(pid_t pid, const uint8_t *p, long pages)
{
	for (long i = 0; i < pages; i++) {
		uint64_t a = PM_PFN(pagemap(0, p + i * PAGE));
		uint64_t b = PM_PFN(pagemap(pid, p + i * PAGE));
		uint64_t f = kpageflags(b);

		if (a == b && (f == ~0ULL || !((f >> KPF_KSM) & 1)))
			return 0;
	}
	return 1;
}

static long ksm_long(const char *name)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	return read_long(path, &v) ? -1 : v;
}

static int ksm_merged(pid_t c, const uint8_t *p)
{
	for (long i = 0; i < KSM_PAGES; i++) {
		uint64_t a = pagemap(0, p + i * PAGE), b = pagemap(c, p + i * PAGE);

		if (!(a & PM_PRESENT) || !(b & PM_PRESENT) || (a & PM_EXCLUSIVE) ||
		    (b & PM_EXCLUSIVE))
			return 0;
		if (pfn_visible() && PM_PFN(a) != PM_PFN(b))
			return 0;
	}
	return 1;
}

void sc_ksm(void)
{
	uint8_t *p;
	pid_t c;
	long run = ksm_long("run"), sharing0 = ksm_long("pages_sharing"), wait_s = 30;
	const char *env = getenv("PGWALK_SCENARIO_KSM_WAIT");
	struct timespec t0, t;

	if (run < 0)
		skip("no KSM: kernel without CONFIG_KSM");
	if (run != 1)
		skip("KSM is not running (ksm/run=%ld): echo 1 > /sys/kernel/mm/ksm/run", run);
	if (env)
		wait_s = atol(env);
	p = arena_map(KSM_PAGES * PAGE, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (madvise(p, KSM_PAGES * PAGE, MADV_NOHUGEPAGE))
		die("madvise MADV_NOHUGEPAGE");
	fill(p, KSM_PAGES * PAGE, 23);
	if (madvise(p, KSM_PAGES * PAGE, MADV_MERGEABLE))
		die("madvise MADV_MERGEABLE");
	c = spawn(ksm_child, p);
	if (pfn_visible() && !cow_broken_or_merged(c, p, KSM_PAGES)) {
		errno = EAGAIN;
		die("ksm: the child's pages are not its own copies");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ksm_merged(c, p))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= wait_s)
			skip("KSM did not merge the pages within %ld s (pages_to_scan=%ld, sleep_millisecs=%ld): echo 1000 > /sys/kernel/mm/ksm/pages_to_scan",
			     wait_s, ksm_long("pages_to_scan"), ksm_long("sleep_millisecs"));
		usleep(100000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	pid2(c);
	region("ksm", p, KSM_PAGES * PAGE);
	page_range("ksm", 0, KSM_PAGES - 1, "written ksm");
	fact("merge_ms %ld", (long)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000));
	fact("pages_sharing_before %ld", sharing0);
	fact("pages_sharing %ld", ksm_long("pages_sharing"));
	fact("same_pfn %s", yesno(same_pfns(c, p, 0, KSM_PAGES - 1)));
	if (pfn_visible()) {
		uint64_t f = kpageflags(PM_PFN(pagemap(0, p)));

		if (f != ~0ULL)
			fact("kpf_ksm %d", (int)((f >> KPF_KSM) & 1));
	}
}
