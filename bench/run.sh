#!/usr/bin/env bash
# Parley's standard benchmark: starts the server jar the same way for every scenario, runs the
# load-test harness against it, and writes every report plus an index under target/bench/<time>/.
#
#   bench/run.sh [standard|quick|large] (build first: ./mvnw -B package -DskipTests, or verify)
#
# large: the large-room and tail-latency scenarios alone (heap per session in rooms, filling a
# 10,000-member room, 2,000 clients in 4 rooms at 50,000 and 100,000 deliveries/s).
#
# Environment:
#   PORT         default 18181
#   SERVER_JAR   default server/target/parley-server.jar: measure another build the same way
#   ONLY         a regular expression of the scenarios to run ('04|05': 04-room-5k, 05-max-deliveries)
#   SERVER_JAVA  the java command of the server, default java: compare runtimes the same way
#   SERVER_JVM   the server's JVM flags, default "-Xms2g -Xmx2g -XX:+UseG1GC -XX:+UseStringDeduplication"
#   REFERENCE=1  measure bench/reference/server.js (Node and ws, a baseline that is not Parley)
#                instead of a server jar; it serves the connect and broadcast scenarios
#   PROFILE=1    records a JFR profile of the server and of the harness per scenario (read them
#                with bench/hot-methods.sh; bench/allocation.py gives a broadcast's bytes per delivery)
#   OPEN=0       never open the index in a browser (it opens when there is a desktop)
#   QUIET_LOAD   default 1.0: before each scenario, wait up to QUIET_WAIT seconds (default 180)
#                for the 1-minute load average to fall below it, so other work skews less
set -u
cd "$(dirname "$0")/.."

MODE="${1:-standard}"
PORT="${PORT:-18181}"
SERVER_JAR="${SERVER_JAR:-server/target/parley-server.jar}"
HARNESS_JAR=loadtest/target/parley-loadtest.jar
URL="ws://127.0.0.1:${PORT}/ws"

# Fixed JVM flags: a benchmark is only comparable with the same heap and collector every time.
# shellcheck disable=SC2206
SERVER_JVM=(${SERVER_JVM:--Xms2g -Xmx2g -XX:+UseG1GC -XX:+UseStringDeduplication})
SERVER_JAVA="${SERVER_JAVA:-java}"
# The default rate limit (20/s, burst 40 per session) would cap every sender; benchmarks lift it.
SERVER_OPTS=(--host 127.0.0.1 --port "$PORT" --rate-per-sec 100000 --burst 100000)
HARNESS_JVM=(-Xms1g -Xmx3g -XX:+UseG1GC)

for jar in "$SERVER_JAR" "$HARNESS_JAR"; do
  [[ -f "$jar" ]] || { echo "bench: $jar is missing; build first: ./mvnw -B package -DskipTests" >&2; exit 2; }
done

# One process holds one descriptor per connection: raise the limit as far as we may.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT="$(ulimit -n)"

RUN_DIR="target/bench/$(date -u +%Y%m%dT%H%M%SZ)-${MODE}"
mkdir -p "$RUN_DIR"

{
  echo "date:        $(date -u +%FT%TZ)"
  echo "commit:      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (modified)')"
  echo "mode:        $MODE"
  echo "machine:     $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu:         $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "java:        $(java -version 2>&1 | head -1)"
  echo "server java: $("$SERVER_JAVA" -version 2>&1 | head -1)"
  echo "open files:  $FD_LIMIT per process (server and harness each)"
  [[ "${REFERENCE:-0}" == 1 ]] && echo "server:      node bench/reference/server.js --port $PORT (the reference)"
  echo "server:      $SERVER_JAVA ${SERVER_JVM[*]} -jar $SERVER_JAR ${SERVER_OPTS[*]}"
  echo "harness:     java ${HARNESS_JVM[*]} -jar $HARNESS_JAR <scenario> --url $URL ..."
  echo "note:        server and harness share this machine's cores"
} > "$RUN_DIR/environment.txt"
cat "$RUN_DIR/environment.txt"

wait_quiet() { # $1 = scenario directory
  local limit="${QUIET_LOAD:-1.0}" waited=0
  while (( waited < ${QUIET_WAIT:-180} )) && awk -v l="$limit" '{ exit !($1 >= l) }' /proc/loadavg; do
    sleep 5
    waited=$(( waited + 5 ))
  done
  echo "load average before the run (waited ${waited}s for < $limit): $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$1/load.txt"
}

SERVER_PID=""
start_server() { # $1 = scenario directory
  if [[ "${REFERENCE:-0}" == 1 ]]; then
    [[ -d bench/reference/node_modules ]] || npm install --prefix bench/reference --no-audit --no-fund > /dev/null
    node bench/reference/server.js --port "$PORT" > "$1/server.log" 2>&1 &
  else
    start_java_server "$1"
  fi
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:${PORT}/healthz" > /dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.2
  done
  echo "bench: the server did not come up; see $1/server.log" >&2
  exit 3
}

start_java_server() { # $1 = scenario directory
  "$SERVER_JAVA" "${SERVER_JVM[@]}" "-Xlog:gc,safepoint:file=$1/gc.log:uptime,level,tags" $(jfr_flags "$1/server.jfr") \
      -jar "$SERVER_JAR" "${SERVER_OPTS[@]}" > "$1/server.log" 2>&1 &
}

jfr_flags() { # $1 = recording file; nothing unless PROFILE=1
  # each thread's allocated bytes every second, for bench/allocation.py
  [[ "${PROFILE:-0}" == 1 ]] && echo "-XX:StartFlightRecording=filename=$1,settings=profile,dumponexit=true,jdk.ThreadAllocationStatistics#period=1s"
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2> /dev/null
    wait "$SERVER_PID" 2> /dev/null
    SERVER_PID=""
  fi
}
trap stop_server EXIT

WORST=0
scenario() { # $1 = name, $2 = harness subcommand, rest = its options
  local name="$1" command="$2"
  shift 2
  [[ "$name" =~ ${ONLY:-.} ]] || return 0
  local dir="$RUN_DIR/$name"
  mkdir -p "$dir"
  echo
  echo "=== $name: $command $*"
  wait_quiet "$dir"
  start_server "$dir"
  java "${HARNESS_JVM[@]}" $(jfr_flags "$dir/harness.jfr") -jar "$HARNESS_JAR" "$command" --url "$URL" --report "$dir" \
      --server-pid "$SERVER_PID" "$@" 2>&1 | tee "$dir/harness.log"
  local code=${PIPESTATUS[0]}
  (( code > WORST )) && WORST=$code
  stop_server
}

# The most sessions one process may hold: the descriptor limit, less what the JVMs use themselves.
MAX_SESSIONS=$(( FD_LIMIT - 400 ))
(( MAX_SESSIONS > 100000 )) && MAX_SESSIONS=100000

large_rooms() {
  scenario 08-idle-10k-100rooms connect --clients 10000 --rooms 100 --duration 5
  scenario 09-idle-max-100rooms connect --clients "$MAX_SESSIONS" --rooms 100 --duration 5
  scenario 10-fill-10k-room connect --clients 10000 --rooms 1 --duration 2
  scenario 11-broadcast-2k-4rooms-50k broadcast --clients 2000 --rooms 4 --senders 40 --rate 2.5 --size 100 \
      --warmup 5 --duration 20
  scenario 12-broadcast-2k-4rooms-100k broadcast --clients 2000 --rooms 4 --senders 40 --rate 5 --size 100 \
      --warmup 5 --duration 20
}

case "$MODE" in
  large)
    large_rooms
    ;;
  standard)
    scenario 01-idle-10k connect --clients 10000 --duration 10
    scenario 02-idle-max connect --clients "$MAX_SESSIONS" --duration 10
    scenario 03-broadcast-1k-10rooms broadcast --clients 1000 --rooms 10 --senders 100 --rate 5 --size 100 \
        --warmup 10 --duration 30
    scenario 04-room-5k broadcast --clients 5000 --rooms 1 --senders 5 --rate 2 --size 100 --warmup 10 --duration 30
    scenario 05-max-deliveries broadcast --clients 1000 --rooms 10 --senders 100 --rate 2 --size 100 \
        --warmup 5 --duration 10 --max-deliveries-search --p99-bound-ms 50 --search-factor 1.5
    scenario 06-churn churn --clients 1000 --rooms 10 --senders 50 --rate 2 --size 100 --churn-rate 50 \
        --churn-lifetime 2 --warmup 5 --duration 20
    scenario 07-rtt rtt --clients 1000 --rate 2 --warmup 5 --duration 20
    large_rooms
    ;;
  quick)
    scenario 01-idle-1k connect --clients 1000 --duration 2
    scenario 03-broadcast-200-4rooms broadcast --clients 200 --rooms 4 --senders 20 --rate 5 --size 100 \
        --warmup 2 --duration 5
    scenario 05-max-deliveries broadcast --clients 200 --rooms 4 --senders 20 --rate 5 --size 100 \
        --warmup 1 --duration 3 --max-deliveries-search --p99-bound-ms 50 --search-factor 2 --search-max-steps 4
    scenario 06-churn churn --clients 200 --rooms 4 --senders 10 --rate 2 --churn-rate 20 --churn-lifetime 1 \
        --warmup 1 --duration 5
    scenario 07-rtt rtt --clients 100 --rate 5 --warmup 1 --duration 5
    ;;
  *)
    echo "usage: bench/run.sh [standard|quick|large]" >&2
    exit 2
    ;;
esac

echo
java -jar "$HARNESS_JAR" summary "$RUN_DIR"
if [[ "${OPEN:-1}" == 1 ]]; then
  if [[ "$(uname)" == Darwin ]]; then
    open "$RUN_DIR/index.html"
  elif [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]] && command -v xdg-open > /dev/null; then
    xdg-open "$RUN_DIR/index.html" > /dev/null 2>&1 &
  fi
fi
exit "$WORST"
