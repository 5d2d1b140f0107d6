// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "smaps.h"

long smaps_anon_huge_kb(pid_t pid, uint64_t addr)
{
	char path[64], line[512];
	FILE *f;
	int in = 0;
	long kb = -1;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/smaps");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char *sp = strchr(line, ' '), *da = strchr(line, '-');

		if (sp && da && da < sp && sscanf(line, "%llx-%llx ", &s, &e) == 2) {
			in = (s == addr);
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}
