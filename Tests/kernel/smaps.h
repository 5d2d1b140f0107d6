/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /proc/PID/smaps for the kernel tests and their target. */
#ifndef PGWALK_TEST_SMAPS_H
#define PGWALK_TEST_SMAPS_H

#include <stdint.h>
#include <sys/types.h>

/* AnonHugePages (kB) of pid's VMA starting at addr (pid 0: ourselves); -1 if none. */
long smaps_anon_huge_kb(pid_t pid, uint64_t addr);

#endif
