// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: the stubs through which the module calls walk_page_range() and
 * ptrace_may_access() when the kernel does not export them.
 *
 * The module calls these directly. Each has the prototype of the kernel
 * function it stands for and an ftrace site (modules are built with -pg
 * -mfentry; this file must never be notrace). pgwalk_resolve.c attaches an
 * IPMODIFY ftrace_ops to each site whose handler points the saved
 * instruction pointer at the kernel function's entry: the ftrace
 * trampoline then returns into it with the stub's arguments in place, as
 * if the stub had been the kernel function. The body below never runs
 * while the redirect is in place.
 *
 * If it ever does (ftrace killed after an anomaly), it must be harmless:
 * the walk fails with -EOPNOTSUPP, the access check denies, and the stub's
 * run is counted for info and logged once.
 *
 * The compiler must not learn anything about these bodies at the call
 * sites, or the caller could rely on it: a return value propagated into the
 * caller, registers the caller assumes preserved (-fipa-ra), arguments
 * dropped from a clone (IPA-SRA). Hence this separate compilation unit with
 * no caller in it, noinline and __noclone, bodies that use every argument
 * and return values the compiler cannot see through (OPTIMIZER_HIDE_VAR),
 * and no two bodies alike (identical code folding).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/pagewalk.h>
#include <linux/printk.h>
#include <linux/sched.h>

#include "pgwalk.h"

atomic64_t pgwalk_stub_fallthroughs = ATOMIC64_INIT(0);

noinline __noclone int
pgwalk_call_walk_page_range(struct mm_struct *mm, unsigned long start,
			    unsigned long end, const struct mm_walk_ops *ops,
			    void *private)
{
	int ret = -EOPNOTSUPP;

	OPTIMIZER_HIDE_VAR(mm);
	OPTIMIZER_HIDE_VAR(start);
	OPTIMIZER_HIDE_VAR(end);
	OPTIMIZER_HIDE_VAR(ops);
	OPTIMIZER_HIDE_VAR(private);
	atomic64_inc(&pgwalk_stub_fallthroughs);
	pr_err_once("%s ran: ftrace did not redirect it to walk_page_range() (ftrace killed?); walks fail with EOPNOTSUPP\n",
		    __func__);
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

noinline __noclone bool
pgwalk_call_ptrace_may_access(struct task_struct *task, unsigned int mode)
{
	bool allow = false;

	OPTIMIZER_HIDE_VAR(task);
	OPTIMIZER_HIDE_VAR(mode);
	atomic64_inc(&pgwalk_stub_fallthroughs);
	pr_err_once("%s ran: ftrace did not redirect it to ptrace_may_access() (ftrace killed?); access is denied\n",
		    __func__);
	OPTIMIZER_HIDE_VAR(allow);
	return allow;
}
