#!/usr/bin/env bash
# `make bench`: starts moto on a free port, loads a station with 100 activities and one
# with 10,000 through the in-process API, and reports for `GET /api/dashboard` and
# `GET /api/activities?limit=20` the DynamoDB requests and items read per call and the
# median latency at both sizes. A benchmark, not a test: `make test` does not run it.
#
# Options pass through to the binary: --small N, --large N, --samples N, --concurrency N.
# RELEASE=1 builds with --release (slower to build, faster to load).
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
# The load writes tens of thousands of items: keep the log to warnings.
export RUST_LOG="${BENCH_LOG:-warn}"
MOTO_PORT="$(free_port)"
export MOTO_PORT
trap stop_moto EXIT
start_moto
profile_flag=()
if [ "${RELEASE:-0}" = 1 ]; then profile_flag=(--release); fi
cargo run "${profile_flag[@]}" -q -p swz-bench --bin swz-bench -- "$@"
