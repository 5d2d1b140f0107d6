// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: reach walk_page_range() and ptrace_may_access().
 *
 * Mainline exports neither to modules. Kbuild looks for each in the
 * kernel's Module.symvers: where one is exported the module links to it
 * directly (PGWALK_HAVE_EXPORTED_*), else the load resolves its address
 * with a kprobe (register, read kp.addr, unregister) and calls it through a
 * pointer of the function's own type.
 *
 * An indirect call needs the target to accept one. With kernel IBT
 * enforced, objtool seals functions that are only called directly: their
 * ENDBR64 becomes a NOP and an indirect call there faults. kprobes also
 * put the probe after an ENDBR64, so kp.addr may be the entry + 4. The load
 * therefore finds the real entry from the symbol offset and, when IBT is
 * enforced, refuses a target without ENDBR64 instead of calling it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/pagewalk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>

#include "pgwalk.h"

#if !defined(PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE) || \
	!defined(PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS)
#define PGWALK_NEED_KPROBES
#endif

#ifndef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
static typeof(walk_page_range) *pgwalk_walk_page_range_fn;
#endif
#ifndef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
static typeof(ptrace_may_access) *pgwalk_ptrace_may_access_fn;
#endif

bool pgwalk_ibt_enforced(void)
{
#ifdef CONFIG_X86_KERNEL_IBT
	return cpu_feature_enabled(X86_FEATURE_IBT);
#else
	return false;
#endif
}

#ifdef PGWALK_NEED_KPROBES
#define PGWALK_ENDBR64	0xfa1e0ff3U	/* f3 0f 1e fa, little-endian */

/*
 * The entry of @name: kp.addr minus its offset in the symbol, as "%pS"
 * prints it ("walk_page_range+0x4/0x1c0").
 */
static int pgwalk_lookup(const char *name, unsigned long *entry)
{
	struct kprobe kp = { .symbol_name = name };
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long addr, off;
	const char *plus;
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot resolve %s: register_kprobe() failed with %d (kernel without CONFIG_KPROBES, or kprobes blocked?)\n",
		       name, ret);
		return ret;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	snprintf(sym, sizeof(sym), "%pS", (void *)addr);
	plus = strchr(sym, '+');
	if (strncmp(sym, name, len) || plus != sym + len ||
	    sscanf(plus, "+%lx", &off) != 1 || off > addr) {
		pr_err("cannot resolve %s: the kprobe landed in \"%s\"\n",
		       name, sym);
		return -ENOENT;
	}
	*entry = addr - off;
	return 0;
}

/* An indirect call must land on ENDBR64 when the CPU enforces IBT. */
static int pgwalk_check_ibt(const char *name, unsigned long entry)
{
	u32 insn;

	if (!pgwalk_ibt_enforced())
		return 0;
	if (get_kernel_nofault(insn, (u32 *)entry)) {
		pr_err("cannot read the entry of %s\n", name);
		return -EFAULT;
	}
	if (insn != PGWALK_ENDBR64) {
		pr_err("%s has no ENDBR64 at its entry and this CPU enforces kernel IBT: an indirect call would fault. Boot with ibt=off, or use a kernel that exports %s.\n",
		       name, name);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int pgwalk_resolve(const char *name, unsigned long *entry)
{
	int ret;

	/* kCFI checks a type hash before each indirect call target. */
	if (IS_ENABLED(CONFIG_CFI_CLANG)) {
		pr_err("cannot call %s through a pointer on a CONFIG_CFI_CLANG kernel; use a kernel that exports it\n",
		       name);
		return -EOPNOTSUPP;
	}
	ret = pgwalk_lookup(name, entry);
	if (ret)
		return ret;
	return pgwalk_check_ibt(name, *entry);
}
#endif /* PGWALK_NEED_KPROBES */

int pgwalk_resolve_symbols(void)
{
#ifdef PGWALK_NEED_KPROBES
	unsigned long entry;
	int ret;
#endif

#ifndef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	ret = pgwalk_resolve("walk_page_range", &entry);
	if (ret)
		return ret;
	pgwalk_walk_page_range_fn = (typeof(walk_page_range) *)entry;
#endif
#ifndef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	ret = pgwalk_resolve("ptrace_may_access", &entry);
	if (ret)
		return ret;
	pgwalk_ptrace_may_access_fn = (typeof(ptrace_may_access) *)entry;
#endif
	return 0;
}

int pgwalk_walk_page_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end, const struct mm_walk_ops *ops,
			   void *private)
{
#ifdef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	return walk_page_range(mm, start, end, ops, private);
#else
	return pgwalk_walk_page_range_fn(mm, start, end, ops, private);
#endif
}

bool pgwalk_ptrace_may_access(struct task_struct *task, unsigned int mode)
{
#ifdef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	return ptrace_may_access(task, mode);
#else
	return pgwalk_ptrace_may_access_fn(task, mode);
#endif
}

const char *pgwalk_walk_page_range_how(void)
{
#ifdef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	return "exported";
#else
	return "kprobe";
#endif
}

const char *pgwalk_ptrace_may_access_how(void)
{
#ifdef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	return "exported";
#else
	return "kprobe";
#endif
}
