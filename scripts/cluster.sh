#!/usr/bin/env bash
# The topology of compose.yaml as plain processes on this machine: redis-server, three Parley
# nodes sharing it, and HAProxy in front with deploy/haproxy.cfg (the file compose.yaml uses).
#
#   scripts/cluster.sh start          start everything; returns once the proxy serves
#   scripts/cluster.sh stop           stop everything (nodes gracefully)
#   scripts/cluster.sh status         what runs, and each node's /readyz
#   scripts/cluster.sh restart N      SIGTERM node N (it drains), start it again, wait until it is back
#   scripts/cluster.sh kill N         SIGKILL node N, start it again, wait until it is back
#
# Build first: ./mvnw -B -q -DskipTests package -pl server -am
# Environment (defaults in brackets):
#   PARLEY_CLUSTER_DIR   pid and log files [target/cluster]
#   PARLEY_PROXY_PORT    the one port users connect to [8080]
#   PARLEY_NODE_PORTS    the three nodes' ports ["8081 8082 8083"]
#   PARLEY_REDIS_PORT    [6390]
#   SERVER_JAR           [server/target/parley-server.jar]
#   NODE_JAVA_OPTS       JVM options of each node [-Xmx512m]
#   PARLEY_*             every other server option (see README); unless given, this script sets the
#                        drain delay to 2000 ms, above HAProxy's 1 s check interval, and keeps presence
#                        on a stop (PARLEY_KEEP_PRESENCE_ON_STOP=true) as deploy/parley.env does
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${PARLEY_CLUSTER_DIR:-target/cluster}"
PROXY_PORT="${PARLEY_PROXY_PORT:-8080}"
read -r -a NODE_PORTS <<< "${PARLEY_NODE_PORTS:-8081 8082 8083}"
REDIS_PORT="${PARLEY_REDIS_PORT:-6390}"
SERVER_JAR="${SERVER_JAR:-server/target/parley-server.jar}"
read -r -a JAVA_OPTS <<< "${NODE_JAVA_OPTS:--Xmx512m}"
export PARLEY_DRAIN_DELAY_MS="${PARLEY_DRAIN_DELAY_MS:-2000}"
export PARLEY_SHUTDOWN_GRACE_MS="${PARLEY_SHUTDOWN_GRACE_MS:-5000}"
export PARLEY_KEEP_PRESENCE_ON_STOP="${PARLEY_KEEP_PRESENCE_ON_STOP:-true}"
# A JVM on a busy machine can take a while to start.
START_TIMEOUT_S=120
# HAProxy marks a node up after 2 good checks 1 s apart (deploy/haproxy.cfg).
PROXY_RISE_S=3

(( ${#NODE_PORTS[@]} == 3 )) || { echo "cluster: PARLEY_NODE_PORTS needs three ports" >&2; exit 2; }

pid_of() { [[ -f "$DIR/$1.pid" ]] && cat "$DIR/$1.pid"; }
running() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2> /dev/null; }

await() { # $1 = what, rest = a command that succeeds once it is up
  local what="$1" deadline=$(( SECONDS + START_TIMEOUT_S ))
  shift
  until "$@" > /dev/null 2>&1; do
    if (( SECONDS > deadline )); then
      echo "cluster: $what did not come up; see $DIR/$what.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

ready() { curl -fsS --max-time 2 "http://127.0.0.1:$1/readyz"; }
listens() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

start_redis() {
  running redis && return 0
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$DIR/redis.log" 2>&1 &
  echo $! > "$DIR/redis.pid"
  await redis listens "$REDIS_PORT"
}

start_node() { # $1 = 1..3
  local name="node$1" port="${NODE_PORTS[$(( $1 - 1 ))]}"
  running "$name" && return 0
  PARLEY_HOST=127.0.0.1 PARLEY_PORT="$port" PARLEY_REDIS_URI="redis://127.0.0.1:$REDIS_PORT" \
      java "${JAVA_OPTS[@]}" -jar "$SERVER_JAR" >> "$DIR/$name.log" 2>&1 &
  echo $! > "$DIR/$name.pid"
  await "$name" ready "$port"
}

start_proxy() {
  running haproxy && return 0
  PARLEY_PROXY_BIND="127.0.0.1:$PROXY_PORT" PARLEY_NODE1="127.0.0.1:${NODE_PORTS[0]}" \
      PARLEY_NODE2="127.0.0.1:${NODE_PORTS[1]}" PARLEY_NODE3="127.0.0.1:${NODE_PORTS[2]}" \
      haproxy -f deploy/haproxy.cfg >> "$DIR/haproxy.log" 2>&1 &
  echo $! > "$DIR/haproxy.pid"
  await haproxy ready "$PROXY_PORT"
}

stop_one() { # $1 = name, $2 = signal
  local pid
  pid=$(pid_of "$1") || return 0
  if kill -0 "$pid" 2> /dev/null; then
    kill "-$2" "$pid"
    local deadline=$(( SECONDS + START_TIMEOUT_S ))
    while kill -0 "$pid" 2> /dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    kill -0 "$pid" 2> /dev/null && { echo "cluster: $1 ($pid) did not stop" >&2; return 1; }
  fi
  rm -f "$DIR/$1.pid"
}

# What a node counted (Redis errors and latency among it) goes with it: a copy is kept before it stops.
save_metrics() { # $1 = node number
  curl -fsS --max-time 2 "http://127.0.0.1:${NODE_PORTS[$(( $1 - 1 ))]}/metrics" \
      > "$DIR/node$1-metrics-$(date -u +%H%M%S).txt" 2> /dev/null || true
}

bounce() { # $1 = node number, $2 = signal
  [[ "$1" =~ ^[123]$ ]] || { echo "cluster: no node '$1' (1, 2 or 3)" >&2; exit 2; }
  local started=$SECONDS
  save_metrics "$1"
  stop_one "node$1" "$2"
  start_node "$1"
  sleep "$PROXY_RISE_S"
  echo "node$1 back after $(( SECONDS - started )) s ($2)"
}

case "${1:-}" in
  start)
    [[ -f "$SERVER_JAR" ]] || { echo "cluster: $SERVER_JAR is missing; build first" >&2; exit 2; }
    mkdir -p "$DIR"
    trap 'echo "cluster: start failed; stopping what started" >&2; "$0" stop' ERR
    start_redis
    for n in 1 2 3; do start_node "$n"; done
    start_proxy
    trap - ERR
    echo "Parley cluster up: http://127.0.0.1:$PROXY_PORT/ (nodes ${NODE_PORTS[*]}, redis $REDIS_PORT, logs in $DIR)"
    ;;
  stop)
    status=0
    for n in 1 2 3; do save_metrics "$n"; done
    for name in haproxy node1 node2 node3 redis; do stop_one "$name" TERM || status=1; done
    exit "$status"
    ;;
  status)
    for name in redis node1 node2 node3 haproxy; do
      if running "$name"; then state="running (pid $(pid_of "$name"))"; else state="stopped"; fi
      if [[ "$name" == node* ]] && running "$name"; then
        state="$state, /readyz: $(ready "${NODE_PORTS[$(( ${name#node} - 1 ))]}" 2> /dev/null || echo 'not ready')"
      fi
      printf '%-8s %s\n' "$name" "$state"
    done
    ;;
  restart) bounce "${2:-}" TERM ;;
  kill) bounce "${2:-}" KILL ;;
  *)
    echo "usage: scripts/cluster.sh start|stop|status|restart N|kill N" >&2
    exit 2
    ;;
esac
