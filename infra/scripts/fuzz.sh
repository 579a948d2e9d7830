#!/usr/bin/env bash
# Schemathesis against the local server, with a token of each role: no 5xx anywhere, and
# every answer matches the OpenAPI document the server serves. Expects moto to be running
# (test.sh starts it) and uses a table and bucket of its own, loaded with the demo data.
#
# FUZZ_EXAMPLES bounds the examples per operation (default 12) so that it finishes in a
# few minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
source infra/scripts/tools.sh
ensure_py_tool schemathesis "schemathesis>=4.32,<5"

: "${AWS_ENDPOINT_URL:?moto must be running: use make test}"
export TABLE_NAME="swz-fuzz-$$" BUCKET_NAME="swz-fuzz-$$"
export PORT="$(free_port)" RUST_LOG=warn
# The fuzzer sends wrong passwords on purpose; keep the demo logins usable.
export LOGIN_MAX_FAILURES=1000000

cargo build -q -p swz-local --bin swz-local
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
"$target_dir/debug/swz-local" >/tmp/swz-fuzz-server.log 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT

base="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "$base/api/health" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat /tmp/swz-fuzz-server.log; exit 1; }
  sleep 0.2
done

login() {
  python3 - "$base" "$1" <<'PY'
import json, sys, urllib.request
body = json.dumps({"username": sys.argv[2], "password": "Demo2026"}).encode()
req = urllib.request.Request(sys.argv[1] + "/api/auth/login", body, {"content-type": "application/json"})
print(json.load(urllib.request.urlopen(req))["token"])
PY
}

status=0
total_cases=0
for user in zj_admin xh_admin sunshine beishan sw_lihua; do
  token="$(login "$user")"
  echo "== schemathesis as $user"
  log="/tmp/swz-fuzz-$user.log"
  # Logging out or changing the password would end the token mid-run.
  if ! "$PY_SCRIPTS/schemathesis" run "$base/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --exclude-path /api/auth/logout --exclude-path /api/auth/password \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_EXAMPLES:-12}" \
    --workers 1 \
    --request-timeout 60 \
    --seed 2026 \
    --no-color >"$log" 2>&1; then
    status=1
    tail -n 80 "$log"
  fi
  cases="$(grep -Eo '[0-9]+ generated' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)"
  total_cases=$((total_cases + cases))
  grep -E ' generated|passed' "$log" | tail -n 2
done
echo "schemathesis: $total_cases test cases in all"
exit "$status"
