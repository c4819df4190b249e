#!/usr/bin/env bash
# Parley's standard benchmark: starts the server jar the same way for every scenario, runs the
# load-test harness against it, and writes every report plus an index under target/bench/<time>/.
#
#   bench/run.sh [standard|quick|large|cluster|rolling-restart|durable|life|hooks|scale|moderate]
#                                      (build first: ./mvnw -B package -DskipTests, or verify)
#   large            the large-room and tail-latency scenarios alone (heap per session in rooms,
#                    filling a 10,000-member room, 2,000 clients in 4 rooms at 50,000 and 100,000
#                    deliveries/s)
#   cluster          the same broadcast load on 1 node in memory, 1 node on Redis and 3 nodes on
#                    Redis (sessions spread over the 3 URLs), side by side, with what each room message
#                    costs Redis and the processes (bench/cluster-costs.py); then 60,000 idle sessions
#                    held by 4 nodes on Redis, one harness process per node
#   rolling-restart  Redis, 3 nodes and HAProxy (scripts/cluster.sh): the broadcast load through the
#                    proxy while each node is restarted gracefully in turn, then while one is killed
#                    with SIGKILL and started again
#   durable          durable history (--database-url) beside the same run in memory: the search for the
#                    most deliveries/s, stored room events a second (DURABLE_SENDERS rooms of one member,
#                    default 1000, each its own sender at DURABLE_RATE/s, default 20; DURABLE_WARMUP and
#                    DURABLE_DURATION seconds, default 3 and 10) with the send → ack percentiles, what a batch commits and PostgreSQL's CPU
#                    per stored event; then a
#                    room of DURABLE_EVENTS (default 10,000,000) events loaded with COPY: history and
#                    search pages over WebSocket (bench/history-p99.mjs), disk bytes per event and the
#                    time to delete its oldest million in the retention's batches of 1000. Starts its
#                    own PostgreSQL 15 (PG_BIN, default /usr/lib/postgresql/15/bin; fsync on) on
#                    PORT+20 in the run's directory, a new database per scenario, and stops it at the end;
#                    PG_OPTS adds settings (e.g. "-c shared_buffers=512MB -c wal_buffers=64MB")
#   life             the life of a message: a room of 1,002 members where 2 senders send 10 messages/s each,
#                    alone, then beside a storm of STORM_RATE (default 1,000) messages/s from 1,000 of the
#                    members, then beside as many reactions/s (what the storm costs the senders' messages);
#                    then `welcome` for a user with read state in 200 rooms against a user with none
#                    (bench/welcome-p99.mjs), in memory and with durable history (PostgreSQL as above)
#   hooks            the publish hook's cost on the sender's ack: 2,000 sends/s (200 senders, each in its
#                    own room, 10/s) without and with --publish-hook-url pointing at bench/hook-backend.mjs
#                    (Node's http server answering accept at once, on PORT+30; HOOK_RATE, default 10, sets
#                    the sends/s of each sender); needs Node
#   moderate         issue 20's everyday load: 2,000 clients in 4 rooms at 50,000 and 20,000 deliveries/s,
#                    Parley and bench/reference/server.js (Node `ws`) in turns (MODERATE_ROUNDS rounds,
#                    default 1), then 50,000/s with every room across 3 nodes on Redis; per scenario the
#                    latency and, per delivery, each process's CPU (user, system), context switches and
#                    system calls by name (bench/delivery-costs.py; perf's syscall tracepoints where
#                    readable; SYSCALLS=0 leaves them out); the table of them all in moderate.md;
#                    WARMUP (default 30 s) before the 20 measured seconds
#
# Environment:
#   PORT         default 18181 (cluster modes: PORT..PORT+3 and PORT+10 for Redis)
#   SERVER_JAR   default server/target/parley-server.jar: measure another build the same way
#   ONLY         a regular expression of the scenarios to run ('04|05': 04-room-5k, 05-max-deliveries)
#   SERVER_JAVA  the java command of the server, default java: compare runtimes the same way
#   SERVER_JVM   the server's JVM flags, default "-Xms2g -Xmx2g -XX:+UseG1GC -XX:+UseStringDeduplication"
#   HARNESS_JAVA, HARNESS_JVM   the same for the harness (default java, "-Xms1g -Xmx3g -XX:+UseG1GC"): its
#                collector's pauses count in every latency it measures
#   HARNESS_ARGS options added to every harness command (e.g. "--io-threads 1")
#   REFERENCE=1  measure bench/reference/server.js (Node and ws, a baseline that is not Parley)
#                instead of a server jar; it serves the connect and broadcast scenarios
#   PROFILE=1    records a JFR profile of the server and of the harness per scenario (read them
#                with bench/hot-methods.sh; bench/allocation.py gives a broadcast's bytes per delivery)
#   OPEN=0       never open the index in a browser (it opens when there is a desktop)
#   SEARCH_FROM, SEARCH_FACTOR  the cluster mode's search for the most deliveries/s: from SEARCH_FROM
#                messages/s per sender (default 1), times SEARCH_FACTOR (default 1.5) a step, 8 steps
#   QUIET_LOAD   default 1.0: before each scenario, wait up to QUIET_WAIT seconds (default 180)
#                for the 1-minute load average to fall below it, so other work skews less
set -u
cd "$(dirname "$0")/.."

MODE="${1:-standard}"
PORT="${PORT:-18181}"
SERVER_JAR="${SERVER_JAR:-server/target/parley-server.jar}"
HARNESS_JAR=loadtest/target/parley-loadtest.jar
URL="ws://127.0.0.1:${PORT}/ws"
REDIS_PORT=$(( PORT + 10 ))
REDIS_URI="redis://127.0.0.1:${REDIS_PORT}"
PG_PORT=$(( PORT + 20 ))
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATABASE_URL="postgresql://parley@127.0.0.1:${PG_PORT}/parley"

# Fixed JVM flags: a benchmark is only comparable with the same heap and collector every time.
# shellcheck disable=SC2206
SERVER_JVM=(${SERVER_JVM:--Xms2g -Xmx2g -XX:+UseG1GC -XX:+UseStringDeduplication})
SERVER_JAVA="${SERVER_JAVA:-java}"
# The default rate limit (20/s, burst 40 per session) would cap every sender; benchmarks lift it.
SERVER_OPTS=(--host 127.0.0.1 --rate-per-sec 100000 --burst 100000)
# shellcheck disable=SC2206
HARNESS_JVM=(${HARNESS_JVM:--Xms1g -Xmx3g -XX:+UseG1GC})
HARNESS_JAVA="${HARNESS_JAVA:-java}"
# Several nodes share the machine: a smaller heap each.
NODE_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC -XX:+UseStringDeduplication)

# scripts/cluster.sh on this run's ports, with the benchmark's JVM flags and rate limits.
cluster() {
  PARLEY_CLUSTER_DIR="${PARLEY_CLUSTER_DIR:?}" PARLEY_PROXY_PORT="$PORT" \
      PARLEY_NODE_PORTS="$(( PORT + 1 )) $(( PORT + 2 )) $(( PORT + 3 ))" PARLEY_REDIS_PORT="$REDIS_PORT" \
      SERVER_JAR="$SERVER_JAR" NODE_JAVA_OPTS="${NODE_JVM[*]}" PARLEY_RATE_PER_SEC=100000 PARLEY_BURST=100000 \
      PARLEY_HISTORY_SIZE=1000 scripts/cluster.sh "$@"
}

# `bench/run.sh node restart|kill N`: what the rolling-restart scenarios run between measurements.
if [[ "$MODE" == node ]]; then
  shift
  cluster "$@"
  exit $?
fi

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
  echo "harness:     $HARNESS_JAVA ${HARNESS_JVM[*]} -jar $HARNESS_JAR <scenario> --url $URL ..."
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

# What the scenarios run against, set before each group of them: one node in memory (single),
# one node on Redis (single-redis), NODES nodes on Redis reached directly (nodes), or
# scripts/cluster.sh's Redis, three nodes and HAProxy (proxy3).
TOPOLOGY=single
SERVER_PID=""
REDIS_PID=""
NODE_PIDS=()
NODES=3
SAMPLERS=()

await_http() { # $1 = URL, $2 = pid that must stay alive, $3 = log to point at
  for _ in $(seq 1 150); do
    curl -fsS "$1" > /dev/null 2>&1 && return 0
    kill -0 "$2" 2> /dev/null || break
    sleep 0.2
  done
  echo "bench: $1 did not come up; see $3" >&2
  exit 3
}

start_redis() { # $1 = scenario directory
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$1/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    (exec 3<> "/dev/tcp/127.0.0.1/$REDIS_PORT") 2> /dev/null && return 0
    sleep 0.2
  done
  echo "bench: redis-server did not come up; see $1/redis.log" >&2
  exit 3
}

start_server() { # $1 = scenario directory
  case "$TOPOLOGY" in
    single|single-redis|durable)
      local redis=()
      if [[ "$TOPOLOGY" == single-redis ]]; then
        start_redis "$1"
        redis=(--redis-uri "$REDIS_URI")
      elif [[ "$TOPOLOGY" == durable ]]; then
        new_database
        redis=(--database-url "$DATABASE_URL")
      fi
      if [[ "${REFERENCE:-0}" == 1 ]]; then
        [[ -d bench/reference/node_modules ]] || npm install --prefix bench/reference --no-audit --no-fund > /dev/null
        node bench/reference/server.js --port "$PORT" > "$1/server.log" 2>&1 &
        SERVER_PID=$!
        await_http "http://127.0.0.1:${PORT}/healthz" "$SERVER_PID" "$1/server.log"
      else
        "$SERVER_JAVA" "${SERVER_JVM[@]}" "-Xlog:gc,safepoint:file=$1/gc.log:uptime,level,tags" $(jfr_flags "$1/server.jfr") \
            -jar "$SERVER_JAR" "${SERVER_OPTS[@]}" --port "$PORT" "${redis[@]}" > "$1/server.log" 2>&1 &
        SERVER_PID=$!
        await_http "http://127.0.0.1:${PORT}/readyz" "$SERVER_PID" "$1/server.log"
      fi
      ;;
    nodes)
      start_redis "$1"
      NODE_PIDS=()
      for (( n = 0; n < NODES; n++ )); do
        java "${NODE_JVM[@]}" -jar "$SERVER_JAR" "${SERVER_OPTS[@]}" --port $(( PORT + n )) --redis-uri "$REDIS_URI" \
            > "$1/node$(( n + 1 )).log" 2>&1 &
        NODE_PIDS+=($!)
        await_http "http://127.0.0.1:$(( PORT + n ))/readyz" "$!" "$1/node$(( n + 1 )).log"
      done
      ;;
    proxy3)
      PARLEY_CLUSTER_DIR="$1/cluster" cluster start || exit 3
      ;;
  esac
  if [[ -n "$REDIS_PID" ]]; then
    local named=("redis=$REDIS_PID") n=1
    [[ -n "$SERVER_PID" ]] && named+=("server=$SERVER_PID")
    for pid in "${NODE_PIDS[@]}"; do named+=("node$n=$pid"); n=$(( n + 1 )); done
    bench/cluster-costs.py sample "$1/costs.jsonl" "$REDIS_PORT" "${named[@]}" &
    SAMPLERS+=($!)
  fi
  if [[ "$MODE" == moderate ]]; then
    local counted=() n=1
    [[ -n "$SERVER_PID" ]] && counted+=("server=$SERVER_PID")
    for pid in "${NODE_PIDS[@]}"; do counted+=("node$n=$pid"); n=$(( n + 1 )); done
    [[ -n "$REDIS_PID" ]] && counted+=("redis=$REDIS_PID")
    bench/delivery-costs.py sample "$1" "${counted[@]}" &
    SAMPLERS+=($!)
  fi
}

node_url() { # $1 = node index from 0
  echo "ws://127.0.0.1:$(( PORT + $1 ))/ws"
}

# The harness's --url for the topology.
urls() {
  case "$TOPOLOGY" in
    nodes)
      local all=() n
      for (( n = 0; n < NODES; n++ )); do all+=("$(node_url "$n")"); done
      (IFS=,; echo "${all[*]}")
      ;;
    *) echo "$URL" ;;
  esac
}

jfr_flags() { # $1 = recording file; nothing unless PROFILE=1
  # each thread's allocated bytes every second, for bench/allocation.py; DebugNonSafepoints, or the
  # samples name frames the JIT inlined wrongly (a frame write's samples showed a handshake's header check)
  [[ "${PROFILE:-0}" == 1 ]] && echo "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
      "-XX:StartFlightRecording=filename=$1,settings=profile,dumponexit=true,jdk.ThreadAllocationStatistics#period=1s,jdk.ExecutionSample#period=2ms"
}

# PostgreSQL for the durable mode, as test-support's PostgresServer starts it: initdb in PG_DIR, the
# socket there too, fsync on; as the postgres user when we are root (PostgreSQL refuses root).
PG_DIR=""
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start_postgres() { # $1 = directory
  PG_DIR="$(pwd)/$1"
  mkdir -p "$PG_DIR"
  [[ "$(id -u)" == 0 ]] && chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U parley > "$PG_DIR/initdb.log" 2>&1 &&
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=on ${PG_OPTS:-}" start > /dev/null ||
    { echo "bench: PostgreSQL did not start; see $PG_DIR" >&2; exit 3; }
  echo "postgres:    $("$PG_BIN/postgres" --version), fsync on, ${PG_OPTS:-default settings}, port $PG_PORT" | tee -a "$RUN_DIR/environment.txt"
}
stop_postgres() {
  [[ -n "$PG_DIR" ]] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null
  PG_DIR=""
}
psql_parley() { # the rest: psql's options
  psql -h 127.0.0.1 -p "$PG_PORT" -U parley -v ON_ERROR_STOP=1 -X "$@"
}
new_database() { # every durable scenario starts from an empty database
  psql_parley -d postgres -q -c 'set client_min_messages = warning' -c 'drop database if exists parley' -c 'create database parley' || exit 3
  PG_CPU_START=$(postgres_cpu_ticks)
  PG_WAL_START=$(psql_parley -d postgres -Atc 'select wal_bytes from pg_stat_wal')
}
postgres_cpu_ticks() { # user + system clock ticks of every process named postgres
  local total=0 line fields
  for stat in /proc/[0-9]*/stat; do
    { read -r line < "$stat"; } 2> /dev/null || continue
    [[ "$line" == *"(postgres) "* ]] || continue
    read -ra fields <<< "${line##*) }"
    total=$(( total + fields[11] + fields[12] ))
  done
  echo "$total"
}

stop_pid() { # $1 = pid
  kill -TERM "$1" 2> /dev/null
  wait "$1" 2> /dev/null
}

stop_server() {
  for pid in "${SAMPLERS[@]}"; do stop_pid "$pid"; done
  SAMPLERS=()
  [[ -n "$SERVER_PID" ]] && stop_pid "$SERVER_PID"
  SERVER_PID=""
  for pid in "${HARNESS_PIDS[@]}"; do stop_pid "$pid"; done
  HARNESS_PIDS=()
  for pid in "${NODE_PIDS[@]}"; do stop_pid "$pid"; done
  NODE_PIDS=()
  [[ -n "${CLUSTER_DIR:-}" ]] && PARLEY_CLUSTER_DIR="$CLUSTER_DIR" cluster stop
  CLUSTER_DIR=""
  [[ -n "$REDIS_PID" ]] && stop_pid "$REDIS_PID"
  REDIS_PID=""
  for pid in "${REDIS_CLUSTER_PIDS[@]}"; do stop_pid "$pid"; done
  REDIS_CLUSTER_PIDS=()
}
HOOK_BACKEND_PID=""
stop_hook_backend() {
  [[ -n "$HOOK_BACKEND_PID" ]] && stop_pid "$HOOK_BACKEND_PID"
  HOOK_BACKEND_PID=""
}
trap 'stop_server; stop_postgres; stop_hook_backend' EXIT

WORST=0
# The harness, the same way every time: $1 = the directory of its GC log (and JFR profile), rest = its arguments.
harness() {
  local dir="$1"
  shift
  "$HARNESS_JAVA" "${HARNESS_JVM[@]}" "-Xlog:gc,safepoint:file=$dir/harness-gc.log:uptime,level,tags" \
      $(jfr_flags "$dir/harness.jfr") -jar "$HARNESS_JAR" "$@" ${HARNESS_ARGS:-}
}

# Makes scenario $1's directory (SCENARIO_DIR), prints $2, waits for a quiet machine and starts the
# server; fails when ONLY leaves the scenario out.
begin_scenario() {
  [[ "$1" =~ ${ONLY:-.} ]] || return 1
  SCENARIO_DIR="$RUN_DIR/$1"
  mkdir -p "$SCENARIO_DIR"
  echo
  echo "=== $1: $2"
  wait_quiet "$SCENARIO_DIR"
  start_server "$SCENARIO_DIR"
}

scenario() { # $1 = name, $2 = harness subcommand, rest = its options
  local name="$1" command="$2"
  shift 2
  begin_scenario "$name" "$command $*" || return 0
  local dir="$SCENARIO_DIR"
  [[ "$TOPOLOGY" == proxy3 ]] && CLUSTER_DIR="$dir/cluster"
  local pid=()
  [[ -n "$SERVER_PID" ]] && pid=(--server-pid "$SERVER_PID")
  harness "$dir" "$command" --url "$(urls)" --report "$dir" "${pid[@]}" "$@" 2>&1 | tee "$dir/harness.log"
  local code=${PIPESTATUS[0]}
  (( code > WORST )) && WORST=$code
  [[ "$TOPOLOGY" == durable ]] && store_metrics "$dir"
  stop_server
  [[ -f "$dir/costs.jsonl" && -f "$dir/report.json" ]] && bench/cluster-costs.py report "$dir" | tee "$dir/costs.txt"
  [[ -f "$dir/counts.jsonl" && -f "$dir/report.json" ]] && bench/delivery-costs.py report "$dir" | tee "$dir/counts.txt"
}

# One harness process per node, at once (each process holds only its own node's sessions, under
# the descriptor limit): $1 = name, $2 = harness subcommand, rest = its options. Reports go to
# <name>/node<N>/, one per node, each with that node's heap per session.
scenario_per_node() {
  local name="$1" command="$2"
  shift 2
  begin_scenario "$name" "$command $* (one harness per node)" || return 0
  local dir="$SCENARIO_DIR" harnesses=() n
  for (( n = 0; n < NODES; n++ )); do
    local node_dir="$dir/node$(( n + 1 ))"
    mkdir -p "$node_dir"
    harness "$node_dir" "$command" --url "$(node_url "$n")" --report "$node_dir" --server-pid "${NODE_PIDS[$n]}" "$@" \
        > "$node_dir/harness.log" 2>&1 &
    harnesses+=($!)
  done
  for pid in "${harnesses[@]}"; do
    wait "$pid"
    local code=$?
    (( code > WORST )) && WORST=$code
  done
  for (( n = 1; n <= NODES; n++ )); do
    echo "node$n: $(grep -E 'sessions|server heap' "$dir/node$n/harness.log" | tr -s ' ' | paste -sd';')"
  done | tee "$dir/nodes.txt"
  stop_server
}

# What the store did in a durable scenario, before its server stops: $1 = scenario directory.
store_metrics() {
  {
    curl -fsS "http://127.0.0.1:${PORT}/metrics" | grep -E '^parley_database_(transactions|events)_total' |
        awk '{ v[$1] = $2; print } END { if (v["parley_database_transactions_total"] > 0)
            printf "events per transaction: %.1f\n", v["parley_database_events_total"] / v["parley_database_transactions_total"] }'
    psql_parley -d parley -Atc "select 'stored events: ' || count(*) || ', bytes per event (room_events with its indexes): '
        || (pg_total_relation_size('room_events') / greatest(count(*), 1)) from room_events"
    local stored ticks
    stored=$(psql_parley -d parley -Atc 'select count(*) from room_events')
    ticks=$(( $(postgres_cpu_ticks) - PG_CPU_START ))
    (( stored > 0 )) && echo "PostgreSQL CPU per stored event (all its processes, since the scenario's database was made):" \
        "$(( ticks * 1000000 / $(getconf CLK_TCK) / stored )) µs;" \
        "WAL per stored event: $(psql_parley -d postgres -Atc "select round((wal_bytes - $PG_WAL_START) / $stored) from pg_stat_wal") bytes"
  } | tee "$1/store.txt"
}

# A room of DURABLE_EVENTS events written by COPY (not through the protocol), then history and
# search pages over WebSocket, disk bytes per event, and the retention's deletion of the oldest
# million (batches of 1000 consecutive offsets, each its own transaction, as Retention does).
durable_history() { # $1 = scenario name
  local events="${DURABLE_EVENTS:-10000000}" room=big
  TOPOLOGY=durable begin_scenario "$1" "a room of $events events: history, search, bytes, retention" || return 0
  local dir="$SCENARIO_DIR" started
  started=$(date +%s)
  # 50 to 70 bytes of text with the words "lorem" (every message) and w0..w99 (one in 100), a nonce.
  # The load goes through GIN's pending list, as a bulk load should (and as it did before migration
  # 2.1 turned the list off for the writer's inserts); the vacuum merges it, then it is turned off.
  psql_parley -d parley -qc 'alter index room_events_tsv set (fastupdate = on)' &&
  psql_parley -d parley -qc "copy (select '$room', i, 'message', 'user' || (i % 100),
          'message ' || i || ' w' || (i % 100) || ' lorem ipsum dolor sit amet ' || md5(i::text),
          (extract(epoch from now()) * 1000)::bigint - ($events - i) * 10, substr(md5(i::text), 1, 22)
        from generate_series(1, $events) i) to stdout" |
    psql_parley -d parley -qc 'copy room_events (room, "offset", kind, sender, text, ts, nonce) from stdin' &&
    psql_parley -d parley -qc "insert into rooms (room, top) values ('$room', $events)" -c 'vacuum analyze room_events' \
        -c 'alter index room_events_tsv set (fastupdate = off)' ||
    { echo "bench: loading $events events failed" >&2; WORST=1; stop_server; return; }
  echo "loaded $events events with COPY and vacuumed in $(( $(date +%s) - started ))s" | tee "$dir/store.txt"
  psql_parley -d parley -Atc "select 'disk: room_events ' || pg_total_relation_size('room_events') || ' bytes in all, '
      || (pg_total_relation_size('room_events') / $events) || ' per event (table ' || (pg_relation_size('room_events') / $events)
      || ', primary key ' || (pg_relation_size('room_events_pkey') / $events) || ', nonce index '
      || (pg_relation_size('room_events_nonce') / $events) || ', tsv index ' || (pg_relation_size('room_events_tsv') / $events)
      || ', TOAST and the rest ' || ((pg_total_relation_size('room_events') - pg_relation_size('room_events')
      - pg_indexes_size('room_events')) / $events) || ')'" | tee -a "$dir/store.txt"
  node $(node -e 'process.exit(typeof WebSocket == "function" ? 1 : 0)' && echo --experimental-websocket) \
      bench/history-p99.mjs "$URL" "$room" "$events" "${DURABLE_REQUESTS:-2000}" 1 "$dir/pages.json" 2>&1 |
      grep -v ExperimentalWarning | tee "$dir/pages.txt"
  local code=${PIPESTATUS[0]}
  (( code > WORST )) && WORST=$code
  # At most RETENTION_SECONDS (default 120): a large backlog slows batch by batch (docs/benchmarks.md).
  started=$(date +%s%N)
  PGOPTIONS="-c statement_timeout=${RETENTION_SECONDS:-120}s" psql_parley -d parley -qc "do \$\$ declare oldest bigint; done bigint := 0; begin
        for k in 1..1000 loop
          select \"offset\" into oldest from room_events where room = '$room' and \"offset\" >= done order by \"offset\" limit 1;
          delete from room_events where room = '$room' and \"offset\" >= oldest and \"offset\" < oldest + 1000 and ts < 9223372036854775807;
          done := oldest + 1000;
          commit;
        end loop; end \$\$"
  echo "retention: $(psql_parley -d parley -Atc "select min(\"offset\") - 1 from room_events where room = '$room'") of the oldest" \
      "1,000,000 deleted in batches of 1000, each its own transaction, in $(( ($(date +%s%N) - started) / 1000000 )) ms" |
    tee -a "$dir/store.txt"
  stop_server
}

# The most sessions one process may hold: the descriptor limit, less what the JVMs use themselves.
MAX_SESSIONS=$(( FD_LIMIT - 400 ))
(( MAX_SESSIONS > 100000 )) && MAX_SESSIONS=100000

welcome_p99() { # $1 = scenario name; TOPOLOGY says which server
  begin_scenario "$1" "welcome of a user with read state in 200 rooms" || return 0
  local dir="$SCENARIO_DIR"
  node $(node -e 'process.exit(typeof WebSocket == "function" ? 1 : 0)' && echo --experimental-websocket) \
      bench/welcome-p99.mjs "$URL" 200 "${WELCOME_CONNECTS:-500}" "$dir/welcome.json" 2>&1 |
      grep -v ExperimentalWarning | tee "$dir/welcome.txt"
  local code=${PIPESTATUS[0]}
  (( code > WORST )) && WORST=$code
  stop_server
}

large_rooms() {
  scenario 08-idle-10k-100rooms connect --clients 10000 --rooms 100 --duration 5
  scenario 09-idle-max-100rooms connect --clients "$MAX_SESSIONS" --rooms 100 --duration 5
  scenario 10-fill-10k-room connect --clients 10000 --rooms 1 --duration 2
  scenario 11-broadcast-2k-4rooms-50k broadcast --clients 2000 --rooms 4 --senders 40 --rate 2.5 --size 100 \
      --warmup 5 --duration 20
  scenario 12-broadcast-2k-4rooms-100k broadcast --clients 2000 --rooms 4 --senders 40 --rate 5 --size 100 \
      --warmup 5 --duration 20
}

# shellcheck source=bench/scale.sh
source bench/scale.sh

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
  cluster)
    # One load, three topologies: what Redis costs one node, and what three nodes on Redis deliver.
    load=(broadcast --clients 2000 --rooms 20 --senders 200 --rate 1 --size 100 --warmup 10 --duration 30)
    TOPOLOGY=single scenario c1-memory-1node "${load[@]}"
    TOPOLOGY=single-redis scenario c2-redis-1node "${load[@]}"
    TOPOLOGY=nodes scenario c3-redis-3nodes "${load[@]}"
    # The search's steps: SEARCH_FROM messages/s per sender, times SEARCH_FACTOR each step.
    search=(broadcast --clients 2000 --rooms 20 --senders 200 --rate "${SEARCH_FROM:-1}" --size 100 --warmup 5
        --duration 10 --max-deliveries-search --p99-bound-ms 50 --search-factor "${SEARCH_FACTOR:-1.5}"
        --search-max-steps 8)
    TOPOLOGY=single scenario c4-max-memory-1node "${search[@]}"
    TOPOLOGY=nodes scenario c5-max-redis-3nodes "${search[@]}"
    # Sessions beyond one process: 4 nodes of 15,000 idle sessions, 600 rooms of 100 members across them.
    NODES=4 TOPOLOGY=nodes scenario_per_node c6-idle-60k-4nodes connect --clients 15000 --rooms 600 --duration 5
    ;;
  rolling-restart)
    # 2,000 clients in 20 rooms of 100, 200 senders at 1/s: 20,000 deliveries/s through HAProxy.
    load=(--clients 2000 --rooms 20 --senders 200 --rate 1 --size 100 --warmup 10 --settle-timeout 120
        --drain-timeout 60 --restart-pause 10 --restart-timeout 180)
    TOPOLOGY=proxy3 scenario r1-rolling-restart rolling-restart "${load[@]}" --duration 150 \
        --restart "PARLEY_CLUSTER_DIR=$RUN_DIR/r1-rolling-restart/cluster $0 node restart 1" \
        --restart "PARLEY_CLUSTER_DIR=$RUN_DIR/r1-rolling-restart/cluster $0 node restart 2" \
        --restart "PARLEY_CLUSTER_DIR=$RUN_DIR/r1-rolling-restart/cluster $0 node restart 3"
    TOPOLOGY=proxy3 scenario r2-kill-one rolling-restart "${load[@]}" --duration 60 \
        --restart "PARLEY_CLUSTER_DIR=$RUN_DIR/r2-kill-one/cluster $0 node kill 2"
    ;;
  durable)
    start_postgres "$RUN_DIR/postgres"
    # The quick mode's search for the most deliveries/s (05-max-deliveries), without and with the
    # database, two steps further (to 160,000/s) so that the search's cap is not what stops it.
    search=(broadcast --clients 200 --rooms 4 --senders 20 --rate 5 --size 100 --warmup 1 --duration 3
        --max-deliveries-search --p99-bound-ms 50 --search-factor 2 --search-max-steps 6)
    TOPOLOGY=single scenario d1-max-memory "${search[@]}"
    TOPOLOGY=durable scenario d2-max-durable "${search[@]}"
    # Stored events: 1000 rooms of one member (DURABLE_SENDERS), each member sending 20/s
    # (DURABLE_RATE; 20,000 events/s); the harness times each send to its ack (the index's "ack p99").
    senders="${DURABLE_SENDERS:-1000}"
    stored=(broadcast --clients "$senders" --rooms "$senders" --senders "$senders" --rate "${DURABLE_RATE:-20}"
        --size 100 --warmup "${DURABLE_WARMUP:-3}" --duration "${DURABLE_DURATION:-10}")
    TOPOLOGY=single scenario d3-stored-memory "${stored[@]}"
    TOPOLOGY=durable scenario d4-stored-durable "${stored[@]}"
    durable_history d5-history-10m
    stop_postgres
    ;;
  life)
    # A history of 10,000 room events, so that the storm's reactions find the recent messages they
    # react to (with the default 100, a storm of 1,000/s pushes a message out within 0.1 s).
    SERVER_OPTS+=(--history-size 10000)
    room=(broadcast --clients 1002 --rooms 1 --senders 2 --rate 10 --size 100 --warmup 5 --duration 20)
    storm=(--storm-rate "${STORM_RATE:-1000}" --storm-members 1000)
    TOPOLOGY=single scenario l1-room-alone "${room[@]}"
    TOPOLOGY=single scenario l2-message-storm "${room[@]}" --storm messages "${storm[@]}"
    TOPOLOGY=single scenario l3-reaction-storm "${room[@]}" --storm reactions "${storm[@]}"
    TOPOLOGY=single welcome_p99 l4-welcome-memory
    start_postgres "$RUN_DIR/postgres"
    TOPOLOGY=durable welcome_p99 l5-welcome-durable
    stop_postgres
    ;;
  hooks)
    # The same load without and with the publish hook; the index's "ack p99" is the cost on the sender.
    load=(broadcast --clients 200 --rooms 200 --senders 200 --rate "${HOOK_RATE:-10}" --size 100 --warmup 20 --duration 30)
    TOPOLOGY=single scenario h1-no-hook "${load[@]}"
    hook_port=$(( PORT + 30 ))
    node bench/hook-backend.mjs --port "$hook_port" > "$RUN_DIR/hook-backend.log" 2>&1 &
    HOOK_BACKEND_PID=$!
    await_http "http://127.0.0.1:${hook_port}/" "$HOOK_BACKEND_PID" "$RUN_DIR/hook-backend.log"
    SERVER_OPTS+=(--hook-secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
        --publish-hook-url "http://127.0.0.1:${hook_port}/publish")
    TOPOLOGY=single scenario h2-publish-hook "${load[@]}"
    stop_hook_backend
    ;;
  moderate)
    # Issue 20's everyday load: 2,000 clients in 4 rooms of 500 and 40 senders, at 2.5 messages/s
    # each (50,000 deliveries/s) and 1/s (20,000/s); Parley and the Node `ws` reference take turns,
    # MODERATE_ROUNDS times (default 1), then every room across three nodes on Redis (Parley only).
    # The warm-up is longer than the large mode's 5 s: the JIT compiles the fan-out path after the joins, and
    # with 5 s its compiler threads took a fifth of the server's CPU in the measured window. And it is longer
    # than Parley's 25 s heartbeat: the harness's JIT recompiles its WebSocket codec for the first pings (the
    # Node reference sends none), which put 35-140 ms seconds into windows that began before them.
    load=(broadcast --clients 2000 --rooms 4 --senders 40 --size 100 --warmup "${WARMUP:-30}" --duration 20)
    for (( round = 1; round <= ${MODERATE_ROUNDS:-1}; round++ )); do
      TOPOLOGY=single scenario "m1-parley-50k-$round" "${load[@]}" --rate 2.5
      REFERENCE=1 TOPOLOGY=single scenario "m2-ws-50k-$round" "${load[@]}" --rate 2.5
      TOPOLOGY=single scenario "m3-parley-20k-$round" "${load[@]}" --rate 1
      REFERENCE=1 TOPOLOGY=single scenario "m4-ws-20k-$round" "${load[@]}" --rate 1
    done
    TOPOLOGY=nodes scenario m5-parley-3nodes-redis-50k "${load[@]}" --rate 2.5
    bench/delivery-costs.py table "$RUN_DIR" | tee "$RUN_DIR/moderate.md"
    ;;
  scale)
    scale_mode
    ;;
  *)
    echo "usage: bench/run.sh [standard|quick|large|cluster|rolling-restart|durable|life|hooks|scale|moderate]" >&2
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
