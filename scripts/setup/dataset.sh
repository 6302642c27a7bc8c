#!/usr/bin/env bash
# Fashion-MNIST from Debian's dataset-fashion-mnist package, where apt is available and we are root.
# Elsewhere the loader downloads and verifies the official files on first use (lib/data).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
DIR=/usr/share/datasets/fashion-mnist
if [ -n "${FASHION_MNIST_DIR:-}" ]; then info "dataset: FASHION_MNIST_DIR=$FASHION_MNIST_DIR"; exit 0; fi
if [ -f "$DIR/train-images-idx3-ubyte.gz" ]; then info "dataset: Fashion-MNIST in $DIR"; exit 0; fi
if [ "$(id -u)" = 0 ] && need apt-get; then
  step "dataset: apt-get install dataset-fashion-mnist"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null \
      || info "apt could not install dataset-fashion-mnist: the loader will download the files on first use"
  fi
else
  info "dataset: not in $DIR; the loader downloads and verifies the official files on first use (or set FASHION_MNIST_DIR)"
fi
