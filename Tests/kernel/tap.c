// SPDX-License-Identifier: GPL-2.0
/*
 * TAP reporting of pgwalk-tests: "ok N - name", "not ok N - name: reason",
 * "ok N - name # SKIP reason", notes as "# ...", and the counters main()
 * sums into "N passed, N failed".
 */
#include <stdarg.h>
#include <stdio.h>

#include "kt.h"

int tnum, npass, nfail;
char why[4096];

int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* a test returns 0 (pass), -1 (fail, reason in why), 1 (skip, reason in why) */
void report(const char *name, int r)
{
	tnum++;
	if (r == 0) {
		npass++;
		printf("ok %d - %s\n", tnum, name);
	} else if (r > 0) {
		npass++;
		printf("ok %d - %s # SKIP %s\n", tnum, name, why);
	} else {
		nfail++;
		printf("not ok %d - %s: %s\n", tnum, name, why);
	}
	fflush(stdout);
	why[0] = 0;
}

void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}
