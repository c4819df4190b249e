#!/usr/bin/env bash
# Checks the Dockerfile without a Docker engine by running its own steps on this machine:
# the build stage's RUN command (with the Maven Wrapper, which pins the image's Maven 3.9.11),
# then the runtime stage's ENTRYPOINT with its ENV, polled with its HEALTHCHECK command, then a
# SIGTERM that must end the server with exit code 0. Paths under /src and /app map to this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
dockerfile=Dockerfile

build=$(sed -n 's/^RUN --mount=[^ ]* mvn /.\/mvnw /p' "$dockerfile")
[ -n "$build" ] || { echo "no Maven RUN line in $dockerfile" >&2; exit 1; }
echo "build:       $build"
eval "$build"

jar_in_image=$(sed -n 's/^COPY --from=build \/src\/\([^ ]*\) \([^ ]*\)$/\1 \2/p' "$dockerfile")
read -r jar image_path <<<"$jar_in_image"
[ -f "$jar" ] || { echo "the build did not produce $jar" >&2; exit 1; }

json_array() { sed -n "s/^$1 *\[\(.*\)\]$/\1/p" "$dockerfile" | sed 's/", *"/\n/g; s/^"//; s/"$//'; }
mapfile -t entrypoint < <(json_array ENTRYPOINT | sed "s#$image_path#$jar#")
mapfile -t healthcheck < <(sed -n '/^HEALTHCHECK/,/\]$/p' "$dockerfile" | tr -d '\\\n' | sed 's/.*CMD *\[\(.*\)\]/\1/' \
    | sed 's/", *"/\n/g; s/^"//; s/"$//' | sed "s#$image_path#$jar#")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "entrypoint:  ${entrypoint[*]} (PARLEY_PORT=$port)"
echo "healthcheck: ${healthcheck[*]}"

env PARLEY_HOST=127.0.0.1 PARLEY_PORT="$port" "${entrypoint[@]}" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if PARLEY_PORT="$port" "${healthcheck[@]}"; then healthy=1; break; fi
  sleep 0.5
done
[ "${healthy:-}" = 1 ] || { echo "never healthy" >&2; exit 1; }
echo "healthy on port $port"
kill -TERM "$server"
wait "$server" && echo "stopped with exit code 0"
