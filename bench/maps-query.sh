#!/bin/bash
# bench/maps-query on tiny, python and many-vmas, in the guest (see
# bench/maps-query.c):  make vm-run KVER=6.12 CMD='bench/maps-query.sh'
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
for w in ${MAPS_QUERY_TARGETS:-tiny python many-vmas}; do
	start_workload "$w" || continue
	echo "== $w pid=$wl_pid"
	"$bin/maps-query" "$wl_pid"
	stop_workload
done
