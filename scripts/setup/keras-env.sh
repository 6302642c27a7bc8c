#!/usr/bin/env bash
# The Keras interop test's Python environment, .venv-keras (git-ignored): tensorflow-cpu, tf_keras
# and the official tfjs converter (tensorflowjs), pinned in requirements-keras.txt and
# requirements-keras-nodeps.txt (see there why two files). test/interop/keras-converter.test.ts
# runs the converter in it both ways. Run by scripts/setup.sh --keras (which `npm test` passes);
# a second run with unchanged requirement files only compares a stamp.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
cd "$NORMLAB_ROOT"
VENV="$NORMLAB_ROOT/.venv-keras"

PY="${NORMLAB_PYTHON:-python3}"
need "$PY" || die "no '$PY' on PATH: the Keras interop test needs Python 3.11" \
  "install Python 3.11, or set NORMLAB_PYTHON to one"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || die "$("$PY" --version 2>&1): the pinned tensorflow-cpu 2.21.0 wheel is for Python 3.11" \
    "set NORMLAB_PYTHON to a Python 3.11 interpreter"

want="$(hash_of requirements-keras.txt requirements-keras-nodeps.txt)-$("$PY" --version 2>&1)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.normlab-stamp" 2>/dev/null)" = "$want" ]; then
  info "Keras environment up to date (.venv-keras)"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  step "Keras: creating .venv-keras (tensorflow-cpu, tf_keras, tensorflowjs; a minute or two)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; die "'$PY -m venv' failed" \
    "install the venv module (Debian: apt-get install python3-venv)"; }
fi
pip_install() {
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@" \
    2> >(grep -v "is ignored: it is neither" >&2)
}
step "Keras: installing requirements-keras.txt into .venv-keras"
pip_install -r requirements-keras.txt \
  || die "pip could not install requirements-keras.txt" "check that pip reaches PyPI; then rerun"
pip_install --no-deps -r requirements-keras-nodeps.txt \
  || die "pip could not install requirements-keras-nodeps.txt" "check that pip reaches PyPI; then rerun"
"$VENV/bin/python" scripts/keras/tfjs_converter.py --check \
  || die "the Keras environment does not import" "rm -rf .venv-keras and rerun"
printf '%s' "$want" > "$VENV/.normlab-stamp"
