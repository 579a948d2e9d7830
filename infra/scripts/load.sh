#!/usr/bin/env bash
# `make load`: a short load test. Starts moto on a free port, builds swz-local and swz-load
# in release mode, starts the server with its own table and bucket on a free port, waits
# for /api/health, then runs swz-load: 50 concurrent clients for 60 seconds over 10
# stations, reporting throughput, p50/p99 latency, errors and whether every station's
# counters equal a recount. Stops the server and moto on exit. Not part of `make test`.
#
# LOAD_SECONDS and LOAD_CLIENTS override the duration and the number of clients. The
# server's log goes to $LOAD_SERVER_LOG (default /tmp/swz-load-server-<port>.log).
# moto serves one request at a time (moto_server.py), so the numbers are bounded by moto.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
# Every request at info level would flood the log; warnings are what matter here.
export RUST_LOG="${LOAD_LOG:-warn}"
export TABLE_NAME="swz-load"
export BUCKET_NAME="swz-load-attachments"
MOTO_PORT="$(free_port)"
PORT="$(free_port)"
export MOTO_PORT PORT

echo "building swz-local and swz-load (release)..."
cargo build --release -p swz-local --bin swz-local --bin swz-load
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

SERVER_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # The server stops gracefully on SIGINT; insist after a few seconds.
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  stop_moto
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_moto
server_log="${LOAD_SERVER_LOG:-/tmp/swz-load-server-$PORT.log}"
echo "moto on $AWS_ENDPOINT_URL; starting swz-local on 127.0.0.1:$PORT (log: $server_log)"
"$target_dir/release/swz-local" >"$server_log" 2>&1 &
SERVER_PID=$!

# The server answers once the table is ready and the demo data is loaded.
health_ok() {
  python3 - "http://127.0.0.1:$PORT/api/health" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
PY
}
for _ in $(seq 1 600); do
  if health_ok; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "swz-local stopped before answering; see $server_log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! health_ok; then echo "swz-local did not answer /api/health; see $server_log" >&2; exit 1; fi

"$target_dir/release/swz-load"
