# Sourced by the scripts that need Python command-line tools from PyPI (cfn-lint, the SAM
# CLI, cargo-lambda): installs each one that is missing and names the folder its commands
# land in, so that nothing depends on PATH or on pyenv's shims being refreshed.
PY_SCRIPTS="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
export PY_SCRIPTS

# ensure_py_tool <command> <pip requirement>
ensure_py_tool() {
  if [ ! -x "$PY_SCRIPTS/$1" ]; then
    echo "installing $2 from PyPI..."
    python3 -m pip install --quiet "$2"
  fi
}
