#!/usr/bin/env bash
# `make test`: starts moto on a free port, runs every Rust test (unit and end-to-end),
# then stops moto.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
MOTO_PORT="$(free_port)"
export MOTO_PORT
trap stop_moto EXIT
start_moto
cargo test --no-fail-fast "${@:---workspace}"
