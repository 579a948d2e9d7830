# Sourced by the other scripts: the local stack's settings, each overridable from the
# environment. The secrets here are for the local stack only; deployed, they come from
# the template's parameters.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
export MOTO_PORT="${MOTO_PORT:-5555}"
export TABLE_NAME="${TABLE_NAME:-swz-local}"
export BUCKET_NAME="${BUCKET_NAME:-swz-local-attachments}"
export JWT_SECRET="${JWT_SECRET:-local-development-secret-not-for-production-use}"
export DATA_KEY="${DATA_KEY:-bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ=}"
export S3_FORCE_PATH_STYLE=true
export RUST_LOG="${RUST_LOG:-info,aws_config=warn,aws_smithy_runtime=warn}"

# Installs moto's server when it is missing.
ensure_moto() {
  if ! python3 -c 'import moto.server, flask' >/dev/null 2>&1; then
    echo "installing moto[server] from PyPI..."
    python3 -m pip install --quiet 'moto[server]'
  fi
}

# Starts moto_server on 127.0.0.1:$MOTO_PORT in the background; sets MOTO_PID and the
# endpoint the SDK uses.
start_moto() {
  ensure_moto
  local log="${MOTO_LOG:-/tmp/swz-moto-$MOTO_PORT.log}"
  # Our launcher serialises requests: see the note at the top of moto_server.py.
  python3 "$(dirname "${BASH_SOURCE[0]}")/moto_server.py" -H 127.0.0.1 -p "$MOTO_PORT" >"$log" 2>&1 &
  MOTO_PID=$!
  export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
  for _ in $(seq 1 100); do
    if python3 - "$AWS_ENDPOINT_URL" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
PY
    then return 0; fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then echo "moto failed to start; see $log" >&2; return 1; fi
    sleep 0.2
  done
  echo "moto did not answer on $AWS_ENDPOINT_URL; see $log" >&2
  return 1
}

stop_moto() {
  if [ -n "${MOTO_PID:-}" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
