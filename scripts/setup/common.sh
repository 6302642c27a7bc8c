# Shared helpers for the setup steps. Sourced, not run.
# shellcheck shell=bash

NORMLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NORMLAB_CACHE="${NORMLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/normlab}"
STAMPS="$NORMLAB_ROOT/node_modules/.normlab"

# step "what": a visible heading for each thing setup does.
step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
# info "what": a detail under a step.
info() { printf '        %s\n' "$*"; }
# die "what went wrong" "how to fix it": stop setup with both parts.
die() {
  printf '\n\033[31m[setup] FAILED:\033[0m %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf '         How to fix: %s\n' "$2" >&2
  printf '         Then rerun the same command: setup resumes where it stopped.\n' >&2
  exit 1
}
# hash_of FILE...: a short content hash, for stamps that notice changed inputs.
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
# stamp_ok NAME VALUE: true when the stamp NAME holds VALUE.
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
# stamp_set NAME VALUE: record a finished step (written last, so an interrupted step reruns).
stamp_set() { mkdir -p "$STAMPS" && printf '%s' "$2" > "$STAMPS/$1.tmp" && mv "$STAMPS/$1.tmp" "$STAMPS/$1"; }
need() { command -v "$1" >/dev/null 2>&1; }
