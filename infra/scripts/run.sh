#!/usr/bin/env bash
# `make run`: the whole system on one machine. Starts moto (DynamoDB and S3, in memory) on
# 127.0.0.1:$MOTO_PORT, or on a free port when that one is taken, builds swz-local and
# serves every function's routes on 127.0.0.1:$PORT (default 8080) until Ctrl-C, which
# stops both the server and moto.
#
# The build is a debug build: it shares its artifacts with `make test` and takes a fraction
# of a release build's time on two cores, and the password hashing that would be slow
# unoptimised is optimised in the dev profile anyway. RELEASE=1 builds with --release.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
export PORT="${PORT:-8080}"

port_in_use() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
finally:
    s.close()
sys.exit(1)
PY
}

command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup first" >&2; exit 1; }
ensure_moto

profile_flag=()
profile_dir=debug
if [ "${RELEASE:-0}" = 1 ]; then profile_flag=(--release); profile_dir=release; fi
echo "building swz-local (${profile_dir})..."
cargo build "${profile_flag[@]}" -p swz-local --bin swz-local
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
server_bin="$target_dir/$profile_dir/swz-local"

if port_in_use "$MOTO_PORT"; then
  busy="$MOTO_PORT"
  MOTO_PORT="$(free_port)"
  echo "port $busy is taken; moto uses $MOTO_PORT instead"
fi
export MOTO_PORT

SERVER_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # The server shuts down gracefully on SIGINT (its Ctrl-C handler); give it a few
    # seconds before insisting.
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  stop_moto
  echo "stopped the server and moto"
}
trap cleanup EXIT
# Ctrl-C or a kill is how this server is meant to stop: not a failure.
trap 'exit 0' INT TERM

start_moto
echo "moto is running on $AWS_ENDPOINT_URL (log: ${MOTO_LOG:-/tmp/swz-moto-$MOTO_PORT.log})"

# Started in the background so that this script keeps its traps: a Ctrl-C or a kill of
# this script reaches `wait`, and cleanup stops both processes.
"$server_bin" &
SERVER_PID=$!
set +e
wait "$SERVER_PID"
status=$?
set -e
SERVER_PID=""
exit "$status"
