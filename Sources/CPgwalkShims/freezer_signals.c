#define _GNU_SOURCE
#include "pgwalk_freezer_signals.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A slot is in use when its pid is nonzero. The pidfd is stored plus one so
 * that zero means "no pidfd" and a half-written slot is still safe to use. */
static _Atomic int slot_pid[PGWALK_FREEZER_SLOTS];
static _Atomic int slot_pidfd_plus_one[PGWALK_FREEZER_SLOTS];

static const int handled_signals[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT,
};
#define HANDLED_COUNT (sizeof(handled_signals) / sizeof(handled_signals[0]))

static struct sigaction previous_action[HANDLED_COUNT];
static _Atomic int installed;

int pgwalk_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int pgwalk_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

static void resume_all_registered(void)
{
    for (int i = 0; i < PGWALK_FREEZER_SLOTS; i++) {
        int pid = atomic_load(&slot_pid[i]);
        if (pid == 0)
            continue;
        int pidfd = atomic_load(&slot_pidfd_plus_one[i]) - 1;
        if (pidfd < 0 || pgwalk_pidfd_send_signal(pidfd, SIGCONT) != 0)
            kill(pid, SIGCONT);
    }
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    int saved_errno = errno;
    resume_all_registered();

    for (unsigned i = 0; i < HANDLED_COUNT; i++) {
        if (handled_signals[i] == sig) {
            sigaction(sig, &previous_action[i], NULL);
            break;
        }
    }
    /* si_code > 0: the kernel raised it for the current instruction (a
     * fault); returning re-executes it under the previous disposition, which
     * keeps the crash site intact for backtracers. Otherwise it was sent
     * (kill, raise, Ctrl-C): send it again; it is delivered once this
     * handler returns and unblocks it. */
    if (info == NULL || info->si_code <= 0)
        raise(sig);
    errno = saved_errno;
}

int pgwalk_freezer_install_signal_handlers(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1))
        return 0;

    for (unsigned i = 0; i < HANDLED_COUNT; i++) {
        struct sigaction current;
        if (sigaction(handled_signals[i], NULL, &current) != 0)
            return -1;
        if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN)
            continue; /* the program chose to ignore it: nothing to undo */

        struct sigaction ours;
        memset(&ours, 0, sizeof(ours));
        ours.sa_sigaction = on_fatal_signal;
        ours.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        sigemptyset(&ours.sa_mask);
        previous_action[i] = current;
        if (sigaction(handled_signals[i], &ours, NULL) != 0)
            return -1;
    }
    return 0;
}

int pgwalk_freezer_register(pid_t pid, int pidfd)
{
    for (int i = 0; i < PGWALK_FREEZER_SLOTS; i++) {
        int expected = 0;
        /* Store the pidfd before claiming the slot would race with another
         * registrant; claim first, then publish the pidfd. A handler that
         * runs in between falls back to kill(2), which is still correct. */
        if (atomic_compare_exchange_strong(&slot_pid[i], &expected, (int)pid)) {
            atomic_store(&slot_pidfd_plus_one[i], pidfd >= 0 ? pidfd + 1 : 0);
            return i;
        }
    }
    errno = EBUSY;
    return -1;
}

void pgwalk_freezer_unregister(int slot)
{
    if (slot < 0 || slot >= PGWALK_FREEZER_SLOTS)
        return;
    atomic_store(&slot_pidfd_plus_one[slot], 0);
    atomic_store(&slot_pid[slot], 0);
}

int pgwalk_freezer_registered_count(void)
{
    int n = 0;
    for (int i = 0; i < PGWALK_FREEZER_SLOTS; i++)
        if (atomic_load(&slot_pid[i]) != 0)
            n++;
    return n;
}
