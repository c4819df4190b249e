# `bench/run.sh scale`, sourced by bench/run.sh (its harness, await_http, stop_pid, RUN_DIR, PORT,
# SERVER_JAR, SERVER_OPTS): SESSIONS sessions on SCALE_NODES nodes on a Redis Cluster, the fill, the
# idle memory, a room message rate, what it costs each shard, then kill -9 of a master under load.
#
#   SESSIONS               sessions in all (100000); SESSIONS=6000 for a run a shared machine carries
#   SCALE_ROOMS            rooms; session i joins room i mod SCALE_ROOMS (1000)
#   ROOM_RATE              messages a second in each room, all its senders together (1)
#   SCALE_NODES            Parley nodes, on ports PORT.. (6)
#   SCALE_REDIS            cluster (3 masters, 3 replicas) or single (one redis-server, to compare)
#   SESSIONS_PER_HARNESS   most sessions one harness process holds (19000: 20,000 open files a process)
#   SCALE_CONCURRENCY      openings and joins in flight in each harness process (256)
#   SCALE_DURATION         measured seconds at ROOM_RATE (60), after 10 s of warm-up
#   FAILOVER               1 (default) runs the failover test after the scale run; 0 does not
#   FAILOVER_SESSIONS      its sessions, in the same rooms at the same rate (10000, at most SESSIONS)
#   SCALE_NODE_JVM, SCALE_HARNESS_JVM   each node's and each harness process's JVM flags
#   SCALE_SERVER_OPTS      more options for every node (e.g. "--redis-timeout-ms 5000")
#   REDIS_NODE_TIMEOUT_MS  the cluster's cluster-node-timeout: how soon a master counts as failed (5000)
#
# Writes <run>/scale-report.md (bench/scale-report.py), copied to bench/results/.

SESSIONS="${SESSIONS:-100000}"
SCALE_ROOMS="${SCALE_ROOMS:-1000}"
ROOM_RATE="${ROOM_RATE:-1}"
SCALE_NODES="${SCALE_NODES:-6}"
SCALE_REDIS="${SCALE_REDIS:-cluster}"
SESSIONS_PER_HARNESS="${SESSIONS_PER_HARNESS:-19000}"
SCALE_DURATION="${SCALE_DURATION:-60}"
SCALE_WARMUP=10
# Seconds the nodes are held without sessions, then with the idle sessions before the messages:
# what the sessions cost apart from the messages.
SCALE_IDLE=30
REDIS_NODE_TIMEOUT_MS="${REDIS_NODE_TIMEOUT_MS:-5000}"
# shellcheck disable=SC2206
SCALE_NODE_JVM=(${SCALE_NODE_JVM:--Xms1g -Xmx1g -XX:+UseG1GC -XX:+UseStringDeduplication})
# shellcheck disable=SC2206
SCALE_HARNESS_JVM=(${SCALE_HARNESS_JVM:--Xms256m -Xmx1536m -XX:+UseG1GC})
# The fill of 100,000 sessions on a 2-core machine takes minutes: the harnesses wait this long for
# the rooms to settle and for the go.
SCALE_SETTLE_S=1800

REDIS_CLUSTER_PORTS=()
REDIS_CLUSTER_PIDS=()
HARNESS_PIDS=()
AT_GO_PID=""

listening() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# The first port from $1 up whose cluster bus port (+10000) is free too.
free_redis_port() {
  local port="$1"
  while listening "$port" || listening $(( port + 10000 )); do port=$(( port + 1 )); done
  echo "$port"
}

# Six redis-server processes with --cluster-enabled, made one cluster of 3 masters and 3 replicas,
# in $1; returns once every node says cluster_state:ok.
start_redis_cluster() {
  local dir="$1" port=$(( PORT + 100 )) p
  REDIS_CLUSTER_PORTS=()
  REDIS_CLUSTER_PIDS=()
  for _ in 1 2 3 4 5 6; do
    port=$(free_redis_port "$port")
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" --cluster-enabled yes \
        --cluster-config-file nodes.conf --cluster-node-timeout "$REDIS_NODE_TIMEOUT_MS" --save "" --appendonly no \
        > "$dir/$port/redis.log" 2>&1 &
    REDIS_CLUSTER_PIDS+=($!)
    REDIS_CLUSTER_PORTS+=("$port")
    port=$(( port + 1 ))
  done
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    for _ in $(seq 1 50); do listening "$p" && break; sleep 0.2; done
  done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_CLUSTER_PORTS[@]}") --cluster-replicas 1 --cluster-yes \
      > "$dir/create.log" 2>&1 || { echo "bench: redis-cli --cluster create failed; see $dir/create.log" >&2; exit 3; }
  await_cluster_ok "${REDIS_CLUSTER_PORTS[@]}" || { echo "bench: the Redis Cluster never said cluster_state:ok" >&2; exit 3; }
}

# Waits (60 s at most) until every given port says cluster_state:ok.
await_cluster_ok() {
  local deadline=$(( SECONDS + 60 )) p ok
  while (( SECONDS < deadline )); do
    ok=1
    for p in "$@"; do
      redis-cli -p "$p" cluster info 2> /dev/null | grep -q '^cluster_state:ok' || { ok=0; break; }
    done
    (( ok )) && return 0
    sleep 0.2
  done
  return 1
}

# The ports of the cluster's masters now, as the node on $1 sees them.
redis_masters() {
  redis-cli -p "$1" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ && NF > 8 { split($2, a, "[:@]"); print a[2] }' | sort
}

# The server's options for the Redis of this run.
redis_options() {
  if [[ "$SCALE_REDIS" == cluster ]]; then
    local seeds=() p
    for p in "${REDIS_CLUSTER_PORTS[@]}"; do seeds+=("redis://127.0.0.1:$p"); done
    echo "--redis-cluster true --redis-uri $(IFS=,; echo "${seeds[*]}")"
  else
    echo "--redis-uri $REDIS_URI"
  fi
}

# One node after another (JVMs starting together on two cores time out on Redis); pids in NODE_PIDS.
start_scale_nodes() { # $1 = directory
  local n
  NODE_PIDS=()
  for (( n = 0; n < SCALE_NODES; n++ )); do
    # shellcheck disable=SC2046
    java "${SCALE_NODE_JVM[@]}" "-Xlog:gc,safepoint:file=$1/node$(( n + 1 ))-gc.log:uptime,level,tags" \
        -jar "$SERVER_JAR" "${SERVER_OPTS[@]}" --port $(( PORT + n )) $(redis_options) ${SCALE_SERVER_OPTS:-} \
        > "$1/node$(( n + 1 )).log" 2>&1 &
    NODE_PIDS+=($!)
    await_http "http://127.0.0.1:$(( PORT + n ))/readyz" "$!" "$1/node$(( n + 1 )).log"
  done
}

# Each node's sessions, live heap (after a full GC) and RSS, one line a node, into $1.
node_memory() {
  local n pid metrics
  printf 'node\tsessions\theap_bytes\trss_bytes\n' > "$1"
  for (( n = 0; n < SCALE_NODES; n++ )); do
    pid="${NODE_PIDS[$n]}"
    jcmd "$pid" GC.run > /dev/null 2>&1
    metrics=$(curl -fsS "http://127.0.0.1:$(( PORT + n ))/metrics")
    printf 'node%d\t%s\t%s\t%s\n' $(( n + 1 )) \
        "$(awk '/^parley_connections_active[ {]/ { s += $NF } END { printf "%d", s }' <<< "$metrics")" \
        "$(awk '/^jvm_memory_used_bytes\{.*area="heap"/ { s += $NF } END { printf "%d", s }' <<< "$metrics")" \
        "$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$pid/status")" >> "$1"
  done
}

# Each Redis process's used_memory and RSS, one line each, into $1.
redis_memory() {
  local p ports=("${REDIS_CLUSTER_PORTS[@]}")
  [[ "$SCALE_REDIS" == cluster ]] || ports=("$REDIS_PORT")
  printf 'port\trole\tused_memory\tused_memory_rss\tkeys\n' > "$1"
  for p in "${ports[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$p" "$(redis-cli -p "$p" role | head -1)" \
        "$(redis-cli -p "$p" info memory | awk -F: '/^used_memory:/ { print $2 + 0 }')" \
        "$(redis-cli -p "$p" info memory | awk -F: '/^used_memory_rss:/ { print $2 + 0 }')" \
        "$(redis-cli -p "$p" dbsize)" >> "$1"
  done
}

# The sampler of bench/cluster-costs.py over every Redis process (named by port) and node.
start_scale_sampler() { # $1 = file
  local named=() ports n
  if [[ "$SCALE_REDIS" == cluster ]]; then
    ports=$(IFS=,; echo "${REDIS_CLUSTER_PORTS[*]}")
    for n in "${!REDIS_CLUSTER_PORTS[@]}"; do named+=("redis${REDIS_CLUSTER_PORTS[$n]}=${REDIS_CLUSTER_PIDS[$n]}"); done
  else
    ports="$REDIS_PORT"
    named+=("redis$REDIS_PORT=$REDIS_PID")
  fi
  for n in "${!NODE_PIDS[@]}"; do named+=("node$(( n + 1 ))=${NODE_PIDS[$n]}"); done
  bench/cluster-costs.py sample "$1" "$ports" "${named[@]}" &
  SAMPLERS+=($!)
}

# All the node URLs, comma-separated: the harness spreads its sessions over them.
scale_urls() {
  local all=() n
  for (( n = 0; n < SCALE_NODES; n++ )); do all+=("ws://127.0.0.1:$(( PORT + n ))/ws"); done
  (IFS=,; echo "${all[*]}")
}

# Harness processes that hold $2 sessions between them in SCALE_ROOMS rooms, each room getting
# ROOM_RATE messages a second from one sender per process, measured for $3 s once all are ready;
# in $1/h<N>/. Leaves HARNESS_PIDS and writes $1/scale.env (counts and times for the report).
# Returns once the go file is written; $4, when given, runs at the go (in the background).
run_harnesses() {
  local dir="$1" sessions="$2" duration="$3" at_go="${4:-}" processes per first=0 p count run_id
  processes=$(( (sessions + SESSIONS_PER_HARNESS - 1) / SESSIONS_PER_HARNESS ))
  per=$(( sessions / processes ))
  run_id="s$(date +%s | tail -c 6)"
  HARNESS_PIDS=()
  local fill_start
  fill_start=$(date +%s.%N)
  for (( p = 1; p <= processes; p++ )); do
    count=$per
    (( p == processes )) && count=$(( sessions - first ))
    mkdir -p "$dir/h$p"
    harness "$dir/h$p" broadcast --url "$(scale_urls)" --report "$dir/h$p" \
        --clients "$count" --rooms "$SCALE_ROOMS" --senders "$SCALE_ROOMS" \
        --rate "$(awk -v r="$ROOM_RATE" -v p="$processes" 'BEGIN { printf "%.6f", r / p }')" --size 100 \
        --warmup "$SCALE_WARMUP" --duration "$duration" --settle-timeout "$SCALE_SETTLE_S" --drain-timeout 60 \
        --connect-concurrency "${SCALE_CONCURRENCY:-256}" --run-id "$run_id" --first-session "$first" --ready-file "$dir/h$p/ready" --go-file "$dir/go" \
        > "$dir/h$p/harness.log" 2>&1 &
    HARNESS_PIDS+=($!)
    first=$(( first + count ))
  done
  echo "$processes harness processes opening $sessions sessions over $SCALE_NODES nodes, $SCALE_ROOMS rooms"
  local deadline=$(( SECONDS + SCALE_SETTLE_S )) ready
  while (( SECONDS < deadline )); do
    ready=$(find "$dir" -maxdepth 2 -name ready | wc -l)
    (( ready == processes )) && break
    for p in "${HARNESS_PIDS[@]}"; do
      kill -0 "$p" 2> /dev/null || { echo "bench: a harness process ended before it was ready; see $dir/h*/harness.log" >&2; return 3; }
    done
    sleep 1
  done
  local all_ready
  all_ready=$(date +%s.%N)
  echo "every harness process ready after $(awk -v a="$fill_start" -v b="$all_ready" 'BEGIN { printf "%.1f", b - a }') s"
  node_memory "$dir/memory-idle.tsv"
  redis_memory "$dir/redis-idle.tsv"
  # The fill's Redis commands by latency and its errors, as each node counted them.
  for (( p = 0; p < SCALE_NODES; p++ )); do
    curl -fsS "http://127.0.0.1:$(( PORT + p ))/metrics" > "$dir/node$(( p + 1 ))-metrics.txt"
  done
  # What idle sessions cost Redis and the nodes (presence refreshes, timers), apart from the messages.
  local idle_start
  idle_start=$(date +%s.%N)
  sleep "$SCALE_IDLE"
  {
    echo "sessions=$sessions"
    echo "processes=$processes"
    echo "nodes=$SCALE_NODES"
    echo "rooms=$SCALE_ROOMS"
    echo "room_rate=$ROOM_RATE"
    echo "redis=$SCALE_REDIS"
    echo "concurrency=${SCALE_CONCURRENCY:-256}"
    echo "node_jvm=${SCALE_NODE_JVM[*]}"
    echo "harness_jvm=${SCALE_HARNESS_JVM[*]}"
    echo "node_options=${SERVER_OPTS[*]} $(redis_options | sed 's/--redis-uri .*/--redis-uri <seeds>/') ${SCALE_SERVER_OPTS:-}"
    echo "warmup=$SCALE_WARMUP"
    echo "duration=$duration"
    echo "fill_start=$fill_start"
    echo "all_ready=$all_ready"
    echo "idle_start=$idle_start"
    echo "idle_end=$(date +%s.%N)"
    echo "go=$(date +%s.%N)"
  } >> "$dir/scale.env"
  touch "$dir/go"
  AT_GO_PID=""
  if [[ -n "$at_go" ]]; then
    "$at_go" "$dir" &
    AT_GO_PID=$!
  fi
  return 0
}

await_harnesses() {
  local pid code
  for pid in "${HARNESS_PIDS[@]}"; do
    wait "$pid"
    code=$?
    (( code > WORST )) && WORST=$code
  done
  HARNESS_PIDS=()
}

# Whether the cluster, as the node on $1 sees it, again has three masters, none of them $2.
healed_without() {
  local masters
  redis-cli -p "$1" cluster info 2> /dev/null | grep -q '^cluster_state:ok' || return 1
  masters=$(redis_masters "$1")
  (( $(wc -l <<< "$masters") == 3 )) && ! grep -qx "$2" <<< "$masters"
}

# The failover under load: 15 s into the measured window, kill -9 of one master; when, and when the
# cluster had a master for every slot again, go to $1/failover.env; each node's /readyz is polled
# meanwhile (until 15 s after that) into $1/readyz.log.
kill_a_master() {
  local dir="$1" victim pid survivor n redis_back=0 stop_at
  sleep $(( SCALE_WARMUP + 15 ))
  victim=$(redis_masters "${REDIS_CLUSTER_PORTS[0]}" | head -1)
  for n in "${!REDIS_CLUSTER_PORTS[@]}"; do
    [[ "${REDIS_CLUSTER_PORTS[$n]}" == "$victim" ]] && pid="${REDIS_CLUSTER_PIDS[$n]}"
  done
  survivor=$(printf '%s\n' "${REDIS_CLUSTER_PORTS[@]}" | grep -vx "$victim" | head -1)
  { echo "victim=$victim"; echo "killed=$(date +%s.%N)"; } > "$dir/failover.env"
  kill -9 "$pid"
  stop_at=$(( SECONDS + 120 ))
  while (( SECONDS < stop_at )); do
    for (( n = 0; n < SCALE_NODES; n++ )); do
      echo "$(date +%s.%N) node$(( n + 1 )) $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
          "http://127.0.0.1:$(( PORT + n ))/readyz")"
    done >> "$dir/readyz.log"
    if (( ! redis_back )) && healed_without "$survivor" "$victim"; then
      redis_back=1
      echo "redis_back=$(date +%s.%N)" >> "$dir/failover.env"
      stop_at=$(( SECONDS + 15 ))
    fi
    sleep 0.2
  done
}

scale_mode() {
  HARNESS_JVM=("${SCALE_HARNESS_JVM[@]}")
  # begin_scenario starts no server for this topology: the mode starts its own.
  TOPOLOGY=none begin_scenario s1-scale "$SESSIONS sessions, $SCALE_NODES nodes, Redis $SCALE_REDIS, $SCALE_ROOMS rooms at $ROOM_RATE/s" ||
      return 0
  local dir="$SCENARIO_DIR"
  if [[ "$SCALE_REDIS" == cluster ]]; then
    start_redis_cluster "$dir/redis"
  else
    start_redis "$dir"
  fi
  start_scale_nodes "$dir"
  node_memory "$dir/memory-before.tsv"
  redis_memory "$dir/redis-before.tsv"
  start_scale_sampler "$dir/costs.jsonl"
  # What the nodes and Redis do without sessions: the baseline the idle sessions' cost is taken from.
  echo "baseline_start=$(date +%s.%N)" > "$dir/scale.env"
  sleep "$SCALE_IDLE"
  echo "baseline_end=$(date +%s.%N)" >> "$dir/scale.env"
  run_harnesses "$dir" "$SESSIONS" "$SCALE_DURATION" || { WORST=3; return; }
  await_harnesses
  bench/cluster-costs.py report "$dir" | tee "$dir/costs.txt"
  bench/cluster-costs.py model "$dir" | tee "$dir/model.txt"

  if [[ "${FAILOVER:-1}" == 1 && "$SCALE_REDIS" == cluster ]]; then
    local failover="$RUN_DIR/s2-failover" sessions="${FAILOVER_SESSIONS:-10000}"
    (( sessions > SESSIONS )) && sessions=$SESSIONS
    mkdir -p "$failover"
    echo
    echo "=== s2-failover: $sessions sessions at $ROOM_RATE/s a room, kill -9 of a master 15 s into the measurement"
    run_harnesses "$failover" "$sessions" 60 kill_a_master || { WORST=3; return; }
    await_harnesses
    wait "$AT_GO_PID"
  fi
  stop_server
  bench/scale-report.py "$RUN_DIR" > "$RUN_DIR/scale-report.md"
  mkdir -p bench/results
  cp "$RUN_DIR/scale-report.md" "bench/results/$(basename "$RUN_DIR").md"
  echo "report: $RUN_DIR/scale-report.md (and bench/results/$(basename "$RUN_DIR").md)"
}

