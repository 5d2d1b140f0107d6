// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: reach walk_page_range() and ptrace_may_access().
 *
 * Mainline exports neither to modules. Kbuild looks for each in the
 * kernel's Module.symvers: where one is exported the module calls it
 * directly (PGWALK_HAVE_EXPORTED_*). Otherwise the module calls a stub of
 * its own (pgwalk_call.c) directly, and an ftrace_ops with
 * FTRACE_OPS_FL_IPMODIFY on the stub's ftrace site points the saved
 * instruction pointer at the kernel function's entry, as livepatch does
 * (kernel/livepatch/patch.c). The ftrace trampoline restores the arguments
 * and returns into the function with RET; the function returns to the
 * stub's caller. No indirect call or jump reaches the function, so it needs
 * no ENDBR64: this works where kernel IBT is enforced and objtool sealed
 * the function (its ENDBR64 turned into a NOP at boot, as Debian 13's 6.12
 * and 7.3 do to both on a CPU with IBT), and it is the same path where IBT
 * is off.
 *
 * The entry is found with a kprobe (register, read kp.addr, unregister).
 * kprobes put the probe after an ENDBR64, so kp.addr may be the entry + 4:
 * the entry comes from the symbol offset ("%pS"). Landing there, where a
 * direct call lands, runs the function's own ftrace site: a livepatch of
 * it applies.
 *
 * The load calls each redirected function once (ptrace_may_access() on
 * itself, walk_page_range() over an empty range, which is refused before
 * anything is walked) and fails if a stub ran instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/mmap_lock.h>
#include <linux/pagewalk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/cpufeature.h>

#include "pgwalk.h"

#if !defined(PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE) && \
	!defined(PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS)
#define PGWALK_UNEXPORTED "walk_page_range() and ptrace_may_access()"
#elif !defined(PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE)
#define PGWALK_UNEXPORTED "walk_page_range()"
#elif !defined(PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS)
#define PGWALK_UNEXPORTED "ptrace_may_access()"
#endif
#ifdef PGWALK_UNEXPORTED
#define PGWALK_NEED_REDIRECT
#endif

/*
 * Can the kernel redirect a call? If not, PGWALK_NO_REDIRECT says why. How
 * the handler sets the instruction pointer follows the kernel's API, as
 * livepatch does: with HAVE_DYNAMIC_FTRACE_WITH_ARGS, the ftrace_regs
 * setter (ftrace_regs_set_instruction_pointer() in 6.12 and 7.3, named
 * ftrace_instruction_pointer_set() in 6.1; found by Kbuild); else the full
 * pt_regs that FTRACE_OPS_FL_SAVE_REGS asks for (DYNAMIC_FTRACE_WITH_REGS).
 * A kernel with neither setter name falls back to the latter.
 */
#if defined(CONFIG_CFI_CLANG) || defined(CONFIG_LTO_CLANG)
#define PGWALK_NO_REDIRECT \
	"the kernel is built with clang CFI or LTO, which the call stubs are not made for (LTO can see through their separate compilation unit)"
#elif !defined(CONFIG_KPROBES)
#define PGWALK_NO_REDIRECT \
	"the kernel has no CONFIG_KPROBES, which the module needs to find the functions"
#elif !defined(CONFIG_DYNAMIC_FTRACE)
#define PGWALK_NO_REDIRECT \
	"the kernel has no CONFIG_DYNAMIC_FTRACE, which the module needs to redirect its calls"
#elif defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) && \
	defined(PGWALK_HAVE_FTRACE_REGS_SET_IP)
#define PGWALK_REDIRECT_FLAGS	0
#define pgwalk_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#elif defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) && \
	defined(PGWALK_HAVE_FTRACE_IP_SET)
#define PGWALK_REDIRECT_FLAGS	0
#define pgwalk_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#elif defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#define PGWALK_REDIRECT_FLAGS	FTRACE_OPS_FL_SAVE_REGS
#define PGWALK_REDIRECT_PT_REGS
#else
#define PGWALK_NO_REDIRECT \
	"the kernel has neither CONFIG_DYNAMIC_FTRACE_WITH_ARGS nor CONFIG_DYNAMIC_FTRACE_WITH_REGS, which the module needs to redirect its calls"
#endif

bool pgwalk_ibt_enforced(void)
{
#ifdef CONFIG_X86_KERNEL_IBT
	return cpu_feature_enabled(X86_FEATURE_IBT);
#else
	return false;
#endif
}

#if defined(PGWALK_NEED_REDIRECT) && !defined(PGWALK_NO_REDIRECT)
#define PGWALK_REDIRECT

/* One kernel function reached through one of the module's stubs. */
struct pgwalk_redirect {
	struct ftrace_ops ops;
	const char *name;		/* the kernel function */
	void *stub;			/* the module's stand-in for it */
	unsigned long entry;		/* where the stub's calls go */
	atomic64_t count;		/* calls redirected */
	bool registered;
};

/*
 * Called by the ftrace trampoline at the stub's ftrace site, with the
 * stub's arguments saved: make the trampoline return into the kernel
 * function instead of the stub. ftrace calls this only for the stub (the
 * ops' filter), in the caller's context. It calls nothing that ftrace
 * traces and is not traced itself.
 */
static void notrace pgwalk_redirect_call(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *op,
					 struct ftrace_regs *fregs)
{
	struct pgwalk_redirect *r = container_of(op, struct pgwalk_redirect,
						 ops);
#ifdef PGWALK_REDIRECT_PT_REGS
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (!regs)
		return;
	instruction_pointer_set(regs, r->entry);
#else
	pgwalk_set_ip(fregs, r->entry);
#endif
	atomic64_inc(&r->count);
}

/*
 * IPMODIFY: the handler changes where the trampoline returns (at most one
 * such ops per function; the stub is the module's own, so no other
 * user has a reason to claim it). PERMANENT: while the ops is registered,
 * sysctl kernel.ftrace_enabled cannot be set to 0 under it.
 */
#define PGWALK_REDIRECT_INIT(fn) {					\
	.ops = {							\
		.func = pgwalk_redirect_call,				\
		.flags = FTRACE_OPS_FL_IPMODIFY |			\
			 FTRACE_OPS_FL_PERMANENT |			\
			 PGWALK_REDIRECT_FLAGS,				\
	},								\
	.name = #fn,							\
	.stub = pgwalk_call_ ## fn,					\
	.count = ATOMIC64_INIT(0),					\
}

#ifndef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
static struct pgwalk_redirect pgwalk_walk_redirect =
	PGWALK_REDIRECT_INIT(walk_page_range);
#endif
#ifndef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
static struct pgwalk_redirect pgwalk_access_redirect =
	PGWALK_REDIRECT_INIT(ptrace_may_access);
#endif

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
		pr_err("cannot find %s: register_kprobe() failed with %d (kprobes disabled or blocked?)\n",
		       name, ret);
		return ret;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	snprintf(sym, sizeof(sym), "%pS", (void *)addr);
	plus = strchr(sym, '+');
	if (strncmp(sym, name, len) || plus != sym + len ||
	    sscanf(plus, "+%lx", &off) != 1 || off > addr) {
		pr_err("cannot find %s: the kprobe landed in \"%s\"\n",
		       name, sym);
		return -ENOENT;
	}
	*entry = addr - off;
	return 0;
}

static int pgwalk_redirect_start(struct pgwalk_redirect *r)
{
	int ret;

	ret = pgwalk_lookup(r->name, &r->entry);
	if (ret)
		return ret;
	ret = ftrace_set_filter_ip(&r->ops, (unsigned long)r->stub, 0, 0);
	if (ret) {
		pr_err("cannot reach %s: ftrace cannot trace %ps (ftrace_set_filter_ip() failed with %d; ftrace disabled after an error?)\n",
		       r->name, r->stub, ret);
		return ret;
	}
	ret = register_ftrace_function(&r->ops);
	if (ret) {
		pr_err("cannot reach %s: register_ftrace_function() failed with %d (%s)\n",
		       r->name, ret, ret == -EBUSY ?
		       "sysctl kernel.ftrace_enabled is 0: set it to 1" :
		       "ftrace disabled after an error?");
		ftrace_free_filter(&r->ops);
		return ret;
	}
	r->registered = true;
	return 0;
}

static void pgwalk_redirect_stop(struct pgwalk_redirect *r)
{
	if (!r->registered)
		return;
	unregister_ftrace_function(&r->ops);
	ftrace_free_filter(&r->ops);
	r->registered = false;
}

/* No callbacks: the check's walk is refused before it would call one. */
static const struct mm_walk_ops pgwalk_check_ops;

static int pgwalk_check_ran(const char *name, s64 before)
{
	if (atomic64_read(&pgwalk_stub_fallthroughs) == before)
		return 0;
	pr_err("cannot reach %s: a call ran the module's stub, ftrace did not redirect it\n",
	       name);
	return -EOPNOTSUPP;
}

/*
 * Call each redirected function once, where nothing is touched: a task
 * may always read itself, and an empty range is refused before anything
 * is walked. What matters is that no stub ran.
 */
static int pgwalk_check_redirects(void)
{
	struct mm_struct *mm = current->mm;
	s64 before;
	int ret;

	before = atomic64_read(&pgwalk_stub_fallthroughs);
	pgwalk_ptrace_may_access(current, PTRACE_MODE_READ_FSCREDS);
	ret = pgwalk_check_ran("ptrace_may_access()", before);
	if (ret || !mm)
		return ret;
	before = atomic64_read(&pgwalk_stub_fallthroughs);
	mmap_read_lock(mm);
	pgwalk_walk_page_range(mm, 0, 0, &pgwalk_check_ops, NULL);
	mmap_read_unlock(mm);
	return pgwalk_check_ran("walk_page_range()", before);
}
#endif /* PGWALK_REDIRECT */

int pgwalk_resolve_symbols(void)
{
#ifdef PGWALK_REDIRECT
	int ret;

#ifndef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	ret = pgwalk_redirect_start(&pgwalk_walk_redirect);
	if (ret)
		return ret;
#endif
#ifndef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	ret = pgwalk_redirect_start(&pgwalk_access_redirect);
	if (ret) {
		pgwalk_release_symbols();
		return ret;
	}
#endif
	ret = pgwalk_check_redirects();
	if (ret)
		pgwalk_release_symbols();
	return ret;
#elif defined(PGWALK_NEED_REDIRECT)
	pr_err("cannot reach %s: not exported, and %s. Use a kernel built by GCC with CONFIG_KPROBES and CONFIG_DYNAMIC_FTRACE_WITH_ARGS (or _WITH_REGS), or one that exports what is missing.\n",
	       PGWALK_UNEXPORTED, PGWALK_NO_REDIRECT);
	return -EOPNOTSUPP;
#else
	return 0;
#endif
}

void pgwalk_release_symbols(void)
{
#ifdef PGWALK_REDIRECT
#ifndef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	pgwalk_redirect_stop(&pgwalk_access_redirect);
#endif
#ifndef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	pgwalk_redirect_stop(&pgwalk_walk_redirect);
#endif
#endif
}

int pgwalk_walk_page_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end, const struct mm_walk_ops *ops,
			   void *private)
{
#ifdef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	return walk_page_range(mm, start, end, ops, private);
#else
	return pgwalk_call_walk_page_range(mm, start, end, ops, private);
#endif
}

bool pgwalk_ptrace_may_access(struct task_struct *task, unsigned int mode)
{
#ifdef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	return ptrace_may_access(task, mode);
#else
	return pgwalk_call_ptrace_may_access(task, mode);
#endif
}

const char *pgwalk_walk_page_range_how(void)
{
#ifdef PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE
	return "exported";
#else
	return "ftrace";
#endif
}

const char *pgwalk_ptrace_may_access_how(void)
{
#ifdef PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS
	return "exported";
#else
	return "ftrace";
#endif
}

/* Calls of walk_page_range() redirected so far (0 when exported). */
u64 pgwalk_walk_page_range_redirects(void)
{
#if defined(PGWALK_REDIRECT) && !defined(PGWALK_HAVE_EXPORTED_WALK_PAGE_RANGE)
	return atomic64_read(&pgwalk_walk_redirect.count);
#else
	return 0;
#endif
}

u64 pgwalk_ptrace_may_access_redirects(void)
{
#if defined(PGWALK_REDIRECT) && !defined(PGWALK_HAVE_EXPORTED_PTRACE_MAY_ACCESS)
	return atomic64_read(&pgwalk_access_redirect.count);
#else
	return 0;
#endif
}
