#!/usr/bin/env bash
# The project's Python environment (.venv, git-ignored): JupyterLab, nbclient and plotly pinned in
# requirements.txt, and the tslab kernel registered inside it, pointing at this clone's own tslab.
# Nothing is installed globally.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
cd "$NORMLAB_ROOT"
VENV="$NORMLAB_ROOT/.venv"

PY="${NORMLAB_PYTHON:-python3}"
need "$PY" || die "no '$PY' on PATH: the notebooks need a Python 3.10+ environment for Jupyter" \
  "install Python 3.10+ (Debian: apt-get install python3 python3-venv), or set NORMLAB_PYTHON to one"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$("$PY" --version 2>&1) is too old for JupyterLab 4" "install Python 3.10+ or set NORMLAB_PYTHON"

want="$(hash_of requirements.txt)-$("$PY" --version 2>&1)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.normlab-stamp" 2>/dev/null)" = "$want" ]; then
  info "Python environment up to date (.venv)"
else
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    step "Python: creating the project environment .venv"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; die "'$PY -m venv' failed" \
      "install the venv module (Debian: apt-get install python3-venv)"; }
  fi
  step "Python: installing requirements.txt into .venv (JupyterLab, nbclient, plotly)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt 2> >(grep -v "is ignored: it is neither" >&2) \
    || die "pip could not install requirements.txt" "check that pip reaches PyPI; then rerun"
  printf '%s' "$want" > "$VENV/.normlab-stamp"
fi

# The kernel spec lives in .venv/share/jupyter/kernels/tslab and runs this clone's tslab through
# scripts/tslab-kernel.sh, which starts it in the project root (see there why).
kernel_dir="$VENV/share/jupyter/kernels/tslab"
tslab_bin="$NORMLAB_ROOT/node_modules/.bin/tslab"
kernel_cmd="$NORMLAB_ROOT/scripts/tslab-kernel.sh"
if [ -f "$kernel_dir/kernel.json" ] && grep -q "$kernel_cmd" "$kernel_dir/kernel.json"; then
  info "tslab kernel registered in .venv"
else
  step "Jupyter: registering the tslab kernel in .venv"
  "$tslab_bin" install --python="$VENV/bin/python" --sys-prefix --binary="$kernel_cmd" >/dev/null \
    || die "registering the tslab kernel failed" "check that node_modules/.bin/tslab exists (npm ci)"
fi
