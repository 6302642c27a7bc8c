#!/usr/bin/env bash
# Debian's chromium for the site's browser tests (driven by playwright-core; no browser download).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
CHROMIUM="${NORMLAB_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then info "browser: $CHROMIUM"; exit 0; fi
if [ "$(id -u)" = 0 ] && need apt-get; then
  step "browser: apt-get install chromium (for the site's browser tests)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || die "apt could not install chromium" "install Debian's chromium, or point NORMLAB_CHROMIUM at a Chromium binary"
  fi
else
  die "no Chromium at $CHROMIUM for the browser tests" "install it (Debian: sudo apt-get install chromium) or set NORMLAB_CHROMIUM"
fi
