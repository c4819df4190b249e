#!/usr/bin/env bash
# Memory per idle session on one runtime and set of JVM flags: a fresh server, a warm-up of
# WARMUP sessions opened, joined and closed, then a look at 0 sessions, SESSIONS sessions (one
# harness process, each joined to one of ROOMS rooms) and a look at them. Each look follows a full
# GC (jcmd GC.run) and records the heap used, VmRSS, the JVM's native memory by category (Native
# Memory Tracking) and a class histogram; bench/idle-memory.py prints the per-session differences.
#
#   bench/idle-memory.sh NAME [RUNS]      → target/idle-memory/NAME/run<N>/, then the table of all runs
#
# Environment (build first: ./mvnw -B -o -pl server,loadtest -am -DskipTests package):
#   SERVER_JAVA  the server's java, default java (Temurin 25: /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   SERVER_JVM   its JVM flags, default the Docker image's for a container of MaxRAM (default 1g)
#   SETTLE       seconds between each look's full GC and its readings (default 0): what an idle server
#                gives back meanwhile counts (ZGC uncommits what it freed after ZUncommitDelay)
#   SERVER_JAR   default server/target/parley-server.jar
#   SESSIONS (10000), ROOMS (100), WARMUP (2000), PORT (18391), MAX_RAM (1g)
set -u
cd "$(dirname "$0")/.."

NAME="${1:?usage: bench/idle-memory.sh NAME [RUNS]}"
RUNS="${2:-2}"
PORT="${PORT:-18391}"
SESSIONS="${SESSIONS:-10000}"
ROOMS="${ROOMS:-100}"
WARMUP="${WARMUP:-2000}"
SERVER_JAVA="${SERVER_JAVA:-java}"
JCMD="$(dirname "$(readlink -f "$(command -v "$SERVER_JAVA")")")/jcmd"
# The image's runtime sees its container's memory; MaxRAM stands in for the container's limit here.
IMAGE_JVM="$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' Dockerfile)"
# shellcheck disable=SC2206
SERVER_JVM=(${SERVER_JVM:--XX:MaxRAM=${MAX_RAM:-1g} $IMAGE_JVM})
SERVER_JAR="${SERVER_JAR:-server/target/parley-server.jar}"
HARNESS_JAR=loadtest/target/parley-loadtest.jar
METRICS="http://127.0.0.1:${PORT}/metrics"
OUT="target/idle-memory/$NAME"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

metric() { # $1 = Prometheus name with labels as printed: the sum of its samples
  curl -fsS "$METRICS" | awk -v m="$1" 'index($0, m) == 1 { sum += $NF } END { printf "%.0f\n", sum }'
}

look() { # $1 = file prefix: heap, RSS, NMT and histogram after a full GC and SETTLE seconds
  "$JCMD" "$SERVER_PID" GC.run > /dev/null
  sleep "${SETTLE:-0}"
  echo "heap_used $(metric 'jvm_memory_used_bytes{area="heap"')" > "$1.txt"
  echo "rss $(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$SERVER_PID/status")" >> "$1.txt"
  echo "sessions $(metric parley_connections_active)" >> "$1.txt"
  "$JCMD" "$SERVER_PID" GC.heap_info > "$1.heap_info.txt"
  "$JCMD" "$SERVER_PID" VM.native_memory summary > "$1.nmt.txt"
  "$JCMD" "$SERVER_PID" GC.class_histogram > "$1.histogram.txt"
}

await() { # $1 = what, rest = a command that succeeds once it holds; gives up after 300 s
  local what="$1"
  shift
  for _ in $(seq 1 1500); do
    "$@" && return 0
    sleep 0.2
  done
  echo "idle-memory: $what did not happen" >&2
  return 1
}

harness() { # $1 = report directory, rest = connect's options
  local report="$1"
  shift
  exec java -Xms1g -Xmx3g -XX:+UseG1GC -jar "$HARNESS_JAR" connect --url "ws://127.0.0.1:${PORT}/ws" --report "$report" "$@"
}

for (( run = 1; run <= RUNS; run++ )); do
  dir="$OUT/run$run"
  mkdir -p "$dir"
  echo "$SERVER_JAVA ${SERVER_JVM[*]}" > "$dir/jvm.txt"
  "$SERVER_JAVA" "${SERVER_JVM[@]}" -XX:NativeMemoryTracking=summary "-Xlog:gc:file=$dir/gc.log:uptime" \
      -jar "$SERVER_JAR" --host 127.0.0.1 --port "$PORT" --rate-per-sec 100000 --burst 100000 > "$dir/server.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" ${harness_pid:-} 2> /dev/null' EXIT
  await "the server's start" curl -fs "http://127.0.0.1:${PORT}/readyz" -o /dev/null || exit 3
  (harness "$dir/warmup" --clients "$WARMUP" --rooms "$ROOMS" --duration 1) > "$dir/warmup.log" 2>&1
  await "the warm-up's close" test "$(metric parley_connections_active)" = 0 || exit 3
  look "$dir/idle"
  (harness "$dir/harness" --clients "$SESSIONS" --rooms "$ROOMS" --duration 600) > "$dir/harness.log" 2>&1 &
  harness_pid=$!
  await "the rooms' fill" grep -q -- '-- rooms filled' "$dir/harness.log" || exit 3
  look "$dir/full"
  kill "$harness_pid"
  wait "$harness_pid" 2> /dev/null
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2> /dev/null
done
bench/idle-memory.py "$OUT"/run*
