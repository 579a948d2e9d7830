# 社工站管理系统: the commands a developer, CI and a deployer use. Each target is a thin
# wrapper; the work is in infra/scripts/.

SHELL := /bin/bash

.PHONY: run test check-template package openapi fmt lint bench load

## run: the whole system on 127.0.0.1:$(PORT) (default 8080) against moto, with demo data
run:
	@bash infra/scripts/run.sh

## test: template checks (cfn-lint, sam validate --lint), then every Rust test against moto
test: check-template
	@bash infra/scripts/test.sh

## check-template: cfn-lint and `sam validate --lint` on template.yaml, offline
check-template:
	@bash infra/scripts/check-template.sh

## package: `sam build` → one arm64 bootstrap per function in .aws-sam/build/
package:
	@bash infra/scripts/package.sh

## openapi: regenerate the committed openapi.json from the code (an e2e test fails when
## they differ)
openapi:
	cargo run -q -p swz-local --bin swz-ops -- openapi > openapi.json

## fmt: rustfmt over the workspace
fmt:
	cargo fmt --all

## lint: clippy over every crate and target, warnings as errors
lint:
	cargo clippy --workspace --all-targets -- -D warnings

## bench: dashboard and activity-list cost (DynamoDB requests, items read, median latency)
## at 100 and 10,000 activities, against moto; not part of `make test`
bench:
	@bash infra/scripts/bench.sh

## load: 50 clients for 60 s over 10 stations against the local server (release build):
## throughput, p50/p99 latency, errors, counters vs recount; not part of `make test`
load:
	@bash infra/scripts/load.sh
