#!/usr/bin/env bash
# npm run lab: JupyterLab from the project's .venv on 127.0.0.1, opened on notebooks/.
#
# The notebooks' tslab kernel always starts in the project root (scripts/tslab-kernel.sh), so
# './lib/index' and 'results/...' resolve from there whatever folder the file browser shows.
#
# Environment: NORMLAB_LAB_PORT (default 8888), NORMLAB_LAB_TOKEN (default: a random token,
# printed in the URL below), NORMLAB_LAB_BROWSER=1 to let Jupyter open a browser.
# Extra arguments go to `jupyter lab` (e.g. `npm run lab -- --port 9999`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jupyter="$root/.venv/bin/jupyter"
if [ ! -x "$jupyter" ]; then
  echo "[lab] $jupyter is missing: run 'npm run setup' first (it creates .venv with JupyterLab and the tslab kernel)." >&2
  exit 1
fi
port="${NORMLAB_LAB_PORT:-8888}"
token="${NORMLAB_LAB_TOKEN:-$("$root/.venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')}"
browser_flag=(--no-browser)
[ "${NORMLAB_LAB_BROWSER:-0}" = "1" ] && browser_flag=()
# Jupyter refuses to run as root (containers, CI) unless told to.
[ "$(id -u)" = "0" ] && browser_flag+=(--allow-root)
echo "[lab] JupyterLab on http://127.0.0.1:$port/lab?token=$token"
echo "[lab] notebooks: $root/notebooks (kernel 'TypeScript' = tslab, working directory = project root); Ctrl-C stops the server"
cd "$root/notebooks"
exec "$jupyter" lab --ip=127.0.0.1 --port="$port" "${browser_flag[@]}" \
  --IdentityProvider.token="$token" --ServerApp.root_dir="$root/notebooks" "$@"
