#!/usr/bin/env bash
# Part of `make test`: template.yaml must pass cfn-lint and `sam validate --lint` with no
# finding. Both run offline: they need a region but no AWS credentials.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/env.sh
source infra/scripts/tools.sh

ensure_py_tool cfn-lint cfn-lint
ensure_py_tool sam aws-sam-cli
export SAM_CLI_TELEMETRY=0

"$PY_SCRIPTS/cfn-lint" template.yaml
echo "cfn-lint: template.yaml has no findings"
"$PY_SCRIPTS/sam" validate --lint --template template.yaml --region "$AWS_DEFAULT_REGION"
