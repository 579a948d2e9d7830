#!/usr/bin/env bash
# `make test`: starts moto on a free port, runs every Rust test (unit, property and
# end-to-end), then schemathesis against the local server with a token of each role, then
# stops moto. With arguments (`test.sh -p swz-e2e -- isolation::`) it runs just that
# `cargo test` and skips schemathesis.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
MOTO_PORT="$(free_port)"
export MOTO_PORT
trap stop_moto EXIT
start_moto
if [ $# -gt 0 ]; then
  cargo test --no-fail-fast "$@"
  exit
fi
cargo test --workspace --no-fail-fast
# Schemathesis gates `make test`: a 5xx or an answer outside the documented schema fails it.
bash infra/scripts/fuzz.sh
