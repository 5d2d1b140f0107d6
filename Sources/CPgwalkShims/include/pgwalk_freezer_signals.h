/*
 * Async-signal-safe bookkeeping for processes that pgwalk has stopped with
 * SIGSTOP, so that a fatal signal in pgwalk (Ctrl-C, kill, a crash) still
 * sends SIGCONT to each of them before pgwalk dies.
 *
 * This lives in C because a signal handler may only touch lock-free state and
 * call async-signal-safe functions; Swift gives no such guarantee.
 */
#ifndef PGWALK_FREEZER_SIGNALS_H
#define PGWALK_FREEZER_SIGNALS_H

#include <sys/types.h>

/* How many targets can be frozen at the same time. */
#define PGWALK_FREEZER_SLOTS 64

/* Installs (once; later calls do nothing) handlers for SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT and the crash signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP,
 * SIGFPE, SIGABRT). Each handler resumes every registered target, restores
 * the previous disposition and lets the signal take its course (re-raised
 * when it was sent, re-faulted when it came from the faulting instruction).
 * Signals whose previous disposition is SIG_IGN are left alone.
 * Returns 0, or -1 with errno set. */
int pgwalk_freezer_install_signal_handlers(void);

/* Records a target to resume on a fatal signal. pidfd may be -1; when it is
 * a pidfd, SIGCONT goes through it, which cannot hit a recycled pid.
 * Returns the slot number, or -1 (errno EBUSY) when all slots are taken. */
int pgwalk_freezer_register(pid_t pid, int pidfd);

/* Forgets a slot returned by pgwalk_freezer_register. */
void pgwalk_freezer_unregister(int slot);

/* The number of registered targets (for tests). */
int pgwalk_freezer_registered_count(void);

/* pidfd_open(2) and pidfd_send_signal(2) through syscall(2): glibc 2.36 has
 * wrappers, older ones do not. Return -1 with errno set on failure
 * (ENOSYS before Linux 5.3/5.1). */
int pgwalk_pidfd_open(pid_t pid);
int pgwalk_pidfd_send_signal(int pidfd, int sig);

#endif
