#!/usr/bin/env bash
# Stop-the-world pauses of each scenario's server, from the gc.log bench/run.sh writes
# (-Xlog:gc,safepoint): per collector operation, the number of pauses, the longest time spent at
# the safepoint (the collector's own work) and the longest total pause (with the time to reach
# the safepoint, which grows when the machine's cores are busy), and the pauses over 5 ms.
#
#   bench/gc-pauses.sh target/bench/<run>/*/gc.log
set -eu
for log in "$@"; do
  awk -v name="$log" '
    /\[safepoint\] Safepoint "/ {
      match($0, /Safepoint "[^"]+"/); op = substr($0, RSTART + 11, RLENGTH - 12)
      if (op !~ /^(G1|Z|Parallel|Serial|Shenandoah|CollectFor|GenCollect)/) next
      match($0, /At safepoint: [0-9]+ ns/); at = substr($0, RSTART + 14, RLENGTH - 17) / 1e6
      match($0, /Total: [0-9]+ ns/); total = substr($0, RSTART + 7, RLENGTH - 10) / 1e6
      n++; sum += total
      if (at > maxAt) maxAt = at
      if (total > maxTotal) maxTotal = total
      if (total > 5) over++
    }
    END {
      printf "%s: %d GC pauses, longest at safepoint %.2f ms, longest in all %.2f ms, %d over 5 ms, %.0f ms paused in all\n",
          name, n, maxAt, maxTotal, over, sum
    }' "$log"
done
