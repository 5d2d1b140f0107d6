#include "pgwalk_pagemap_scan.h"

#include <sys/ioctl.h>

int pgwalk_pagemap_scan(int pagemap_fd, struct pgwalk_pm_scan_arg *arg)
{
    return ioctl(pagemap_fd, PGWALK_PAGEMAP_SCAN, arg);
}
