#!/usr/bin/env bash
# Bootstraps everything normlab needs, skipping what is already there (a second run takes seconds):
#   npm packages → native TensorFlow backend → normlab's own kernels → Python venv with JupyterLab → tslab kernel → dataset.
# With --browser it also makes sure Debian's chromium is installed (the site's browser tests), with
# --cluster Debian's slurm-wlm and munge (the real Slurm test; root only), with --keras the Keras
# interop test's Python environment .venv-keras (tensorflow-cpu, tf_keras, the tfjs converter).
# Every step is safe to interrupt: rerunning resumes without manual cleanup.
set -euo pipefail
# shellcheck source=setup/common.sh
source "$(dirname "$0")/setup/common.sh"
cd "$NORMLAB_ROOT"

WANT_BROWSER=0
WANT_CLUSTER=0
WANT_KERAS=0
for arg in "$@"; do
  case "$arg" in
    --browser) WANT_BROWSER=1 ;;
    --cluster) WANT_CLUSTER=1 ;;
    --keras) WANT_KERAS=1 ;;
    *) die "unknown option '$arg'" "scripts/setup.sh takes: --browser, --cluster, --keras" ;;
  esac
done

# --- toolchain ---------------------------------------------------------------------------------
need node || die "Node.js is not installed" "install Node.js 20 or newer"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old" "install Node.js 20 or newer"
need npm || die "npm is not installed" "install npm (it ships with Node.js)"

# --- npm packages ------------------------------------------------------------------------------
lock_hash="$(hash_of package-lock.json)"
if [ -d node_modules ] && stamp_ok npm "$lock_hash"; then
  info "npm packages up to date"
else
  step "npm packages: npm ci (install scripts off; the native backend is set up next)"
  # --ignore-scripts: tfjs-node's own install script would try to download libtensorflow; the
  # next step decides how to get it. No other dependency needs its install script.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  stamp_set npm "$lock_hash"
fi

# --- native backend ----------------------------------------------------------------------------
bash scripts/setup/tfjs-native.sh

# --- normlab's compiled normalization kernels (never fails: without them the portable path runs) --
bash scripts/setup/normlab-kernels.sh

# --- Python environment and Jupyter ------------------------------------------------------------
bash scripts/setup/python-env.sh

# --- notebooks: git strips the outputs JupyterLab saves into them when it stages them ------------
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  info "$(.venv/bin/python scripts/notebooks.py install-filter)"
fi

# --- dataset -----------------------------------------------------------------------------------
bash scripts/setup/dataset.sh

# --- browser for the site's tests --------------------------------------------------------------
if [ "$WANT_BROWSER" = 1 ]; then bash scripts/setup/browser.sh; fi

# --- tf_keras and the tfjs converter for the Keras interop test ---------------------------------
if [ "$WANT_KERAS" = 1 ]; then bash scripts/setup/keras-env.sh; fi

# --- a single-node Slurm for the cluster test (root only: slurmd runs jobs as their users) ------
if [ "$WANT_CLUSTER" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then bash scripts/setup/cluster.sh; else info "cluster: not root, the real Slurm test will be skipped"; fi
fi
exit 0
