// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: stream a process's page tables as the kernel's own page walker
 * sees them.
 *
 * For kernel test labs and for people debugging or teaching mm: a session
 * on debugfs pgwalk/walk runs walk_page_range() (mm/pagewalk.c) over a
 * target pid and reports every callback it makes (VMAs, pgd/p4d/pud/pmd
 * entries, PTEs, holes, hugetlb entries) in the binary format of
 * docs/FORMAT.md. pgwalk/info describes the module and the kernel.
 *
 * The walk only reads: it never splits a huge page, faults, or allocates in
 * the target; access is checked as for /proc/PID/pagemap.
 *
 * This file: module parameters, init/exit, the debugfs files and info.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/version.h>

#include "pgwalk.h"

/*
 * debugfs is mounted root-only by default; the per-request
 * PTRACE_MODE_READ_FSCREDS check decides what a given opener may walk,
 * exactly as for /proc/PID/pagemap, so the file itself is open to all.
 */
#define PGWALK_WALK_MODE	0666
#define PGWALK_INFO_MODE	0444

static unsigned int buffer_kib = PGWALK_BUFFER_KIB_DEF;

/* Out-of-range values fail insmod, or the write to the sysfs file. */
static int pgwalk_set_buffer_kib(const char *val, const struct kernel_param *kp)
{
	unsigned int kib;
	int ret;

	ret = kstrtouint(val, 0, &kib);
	if (ret)
		return ret;
	if (kib < PGWALK_BUFFER_KIB_MIN || kib > PGWALK_BUFFER_KIB_MAX)
		return -EINVAL;
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops pgwalk_buffer_kib_ops = {
	.set	= pgwalk_set_buffer_kib,
	.get	= param_get_uint,
};

module_param_cb(buffer_kib, &pgwalk_buffer_kib_ops, &buffer_kib, 0644);
MODULE_PARM_DESC(buffer_kib,
		 "Session buffer in KiB, 16..512 (default 256); read at open");

/* Sessions read this at open: a later change affects new sessions only. */
u32 pgwalk_buffer_bytes(void)
{
	return READ_ONCE(buffer_kib) * 1024;
}

static const char * const pgwalk_level_name[PGWALK_NR_LEVELS] = {
	"pgd", "p4d", "pud", "pmd", "pte",
};

static const char * const pgwalk_shift_name[PGWALK_NR_LEVELS] = {
	"pgdir_shift", "p4d_shift", "pud_shift", "pmd_shift", "page_shift",
};

#ifdef PGWALK_HAVE_WALK_LOCK
static const bool pgwalk_walk_lock = true;
#else
static const bool pgwalk_walk_lock;
#endif

static int pgwalk_info_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "module_version: %s\n", PGWALK_MODULE_VERSION);
	seq_printf(m, "format_version: %d\n", PGWALK_FORMAT_VERSION);
	seq_puts(m, "request_tokens: pid start end trace seq\n");
	seq_printf(m, "kernel_release: %s\n", init_utsname()->release);
	seq_printf(m, "kernel_version: %d.%d.%d\n", LINUX_VERSION_MAJOR,
		   LINUX_VERSION_PATCHLEVEL, LINUX_VERSION_SUBLEVEL);
	seq_printf(m, "page_size: %lu\n", PAGE_SIZE);
	seq_printf(m, "paging_levels: %u\n", pgwalk_levels());
	for (i = 0; i < PGWALK_NR_LEVELS; i++)
		seq_printf(m, "ptrs_per_%s: %u\n", pgwalk_level_name[i],
			   pgwalk_level_ptrs(i));
	for (i = 0; i < PGWALK_NR_LEVELS; i++)
		seq_printf(m, "%s: %u\n", pgwalk_shift_name[i],
			   pgwalk_level_shift(i));
	seq_printf(m, "task_size_max: 0x%lx\n", TASK_SIZE_MAX);
	seq_printf(m, "walk_page_range: %s\n", pgwalk_walk_page_range_how());
	seq_printf(m, "ptrace_may_access: %s\n",
		   pgwalk_ptrace_may_access_how());
	seq_printf(m, "walk_page_range_redirects: %llu\n",
		   pgwalk_walk_page_range_redirects());
	seq_printf(m, "ptrace_may_access_redirects: %llu\n",
		   pgwalk_ptrace_may_access_redirects());
	seq_printf(m, "stub_fallthroughs: %lld\n",
		   (s64)atomic64_read(&pgwalk_stub_fallthroughs));
	seq_printf(m, "ibt: %s\n", pgwalk_ibt_enforced() ? "on" : "off");
	seq_printf(m, "buffer_size: %u\n", pgwalk_buffer_bytes());
	seq_printf(m, "walk_lock: %s\n", pgwalk_walk_lock ? "yes" : "no");
	seq_printf(m, "sessions: %d\n", atomic_read(&pgwalk_sessions));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pgwalk_info);

static struct dentry *pgwalk_dir;

static int __init pgwalk_init(void)
{
	struct dentry *d;
	int ret;

	ret = pgwalk_resolve_symbols();
	if (ret)
		return ret;

	pgwalk_dir = debugfs_create_dir("pgwalk", NULL);
	if (IS_ERR(pgwalk_dir)) {
		ret = PTR_ERR(pgwalk_dir);
		pr_err("cannot create debugfs directory pgwalk: %d\n", ret);
		goto err_symbols;
	}
	d = debugfs_create_file("walk", PGWALK_WALK_MODE, pgwalk_dir, NULL,
				&pgwalk_walk_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto err_dir;
	}
	d = debugfs_create_file("info", PGWALK_INFO_MODE, pgwalk_dir, NULL,
				&pgwalk_info_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto err_dir;
	}

	pr_info("ready: %u-level paging, walk_page_range %s, ptrace_may_access %s\n",
		pgwalk_levels(), pgwalk_walk_page_range_how(),
		pgwalk_ptrace_may_access_how());
	return 0;

err_dir:
	pr_err("cannot create debugfs files: %d\n", ret);
	debugfs_remove(pgwalk_dir);
err_symbols:
	pgwalk_release_symbols();
	return ret;
}

/*
 * Open files hold a module reference (fops owner): none are left here, so
 * nothing is inside a stub or a redirected function any more.
 */
static void __exit pgwalk_exit(void)
{
	debugfs_remove(pgwalk_dir);
	pgwalk_release_symbols();
}

module_init(pgwalk_init);
module_exit(pgwalk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stream a process's page tables as walk_page_range() sees them");
MODULE_VERSION(PGWALK_MODULE_VERSION);
