#!/usr/bin/env bash
# Prints where a JFR recording spent its CPU samples: the hottest top frames, and the hottest
# frames anywhere on the stack (inclusive), each as a share of all execution samples.
#
#   bench/hot-methods.sh FILE.jfr [N]       (N rows each, default 25)
set -euo pipefail
FILE="$1"
N="${2:-25}"
jfr print --events jdk.ExecutionSample --stack-depth 64 "$FILE" | awk -v n="$N" '
  /jdk.ExecutionSample/ { samples++; depth = 0; delete seen; next }
  /line:/ {
    frame = $0
    sub(/^[ \t]+/, "", frame)
    sub(/[ \t]+line:.*/, "", frame)
    if (depth == 0) { top[frame]++ }
    if (!(frame in seen)) { incl[frame]++; seen[frame] = 1 }
    depth++
  }
  END {
    printf "%d execution samples\n\n== top frames (self)\n", samples
    for (f in top) printf "%6.2f%%  %s\n", 100 * top[f] / samples, f | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\n== on the stack (inclusive)\n"
    for (f in incl) printf "%6.2f%%  %s\n", 100 * incl[f] / samples, f | "sort -rn | head -" n
  }'
