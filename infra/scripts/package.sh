#!/usr/bin/env bash
# `make package`: `sam build` of template.yaml, one arm64 `bootstrap` per function in
# .aws-sam/build/<Function>/, cross-compiled by cargo-lambda with zig as the linker. Then
# `sam deploy --guided` (needs real AWS credentials) deploys what it built.
#
# Installs what is missing: aws-sam-cli, cargo-lambda and ziglang from PyPI (cargo-lambda
# finds zig through the ziglang package), and Rust's aarch64-unknown-linux-gnu standard
# library through rustup.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/tools.sh

ensure_py_tool sam aws-sam-cli
ensure_py_tool cargo-lambda cargo-lambda
if ! python3 -c 'import ziglang' >/dev/null 2>&1; then
  echo "installing ziglang from PyPI..."
  python3 -m pip install --quiet ziglang
fi
# cargo runs `cargo-lambda` as the subcommand `cargo lambda`: it must be on PATH.
export PATH="$PY_SCRIPTS:$PATH"

target=aarch64-unknown-linux-gnu
if command -v rustup >/dev/null; then
  if ! rustup target list --installed | grep -qx "$target"; then
    echo "adding the Rust target $target..."
    rustup target add "$target"
  fi
fi

export SAM_CLI_TELEMETRY=0
# sam build reads no credentials, but it wants a region.
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${AWS_REGION:-ap-east-1}}"
started=$SECONDS
"$PY_SCRIPTS/sam" build --template-file template.yaml "$@"

# Every function's artifact must be an aarch64 ELF executable named bootstrap.
python3 - <<'PY'
import pathlib, sys
built = sorted(pathlib.Path(".aws-sam/build").glob("*/bootstrap"))
bad = []
for path in built:
    head = path.read_bytes()[:20]
    # ELF magic, then e_machine (little-endian u16 at offset 18): 0xB7 is EM_AARCH64.
    if head[:4] != b"\x7fELF" or int.from_bytes(head[18:20], "little") != 0xB7:
        bad.append(str(path))
    print(f"  {path}  {path.stat().st_size // 1024} KiB")
if not built or bad:
    sys.exit(f"not an arm64 bootstrap: {bad or 'no bootstrap built'}")
print(f"{len(built)} arm64 bootstrap binaries")
PY
echo "packaged in $((SECONDS - started)) s; deploy with: sam deploy --guided"
