#!/usr/bin/env bash
# Compiles normlab's own TensorFlow kernels (native/kernels: layer, instance, group, RMS norm and
# batch norm's training)
# into a Node.js module that registers them with the TensorFlow library tfjs-node loads.
#
# The module is cached in $NORMLAB_CACHE/kernels/<key>/, the key a hash of the sources, the
# TensorFlow version, the compiler and Node's N-API version, and copied to
# node_modules/.normlab/kernels/normlab_kernels.node, where lib/native/norm-kernels.ts looks.
# This step never fails setup: where the kernels cannot be built or loaded it says so in one line
# and removes the module, and normlab runs its portable path. NORMLAB_NATIVE_KERNELS=0 skips it.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

PKG="$NORMLAB_ROOT/node_modules/@tensorflow/tfjs-node"
SRC="$NORMLAB_ROOT/native/kernels"
OUT_DIR="$NORMLAB_ROOT/node_modules/.normlab/kernels"
OUT="$OUT_DIR/normlab_kernels.node"
LOG="$NORMLAB_CACHE/kernels-build.log"

skip() {
  rm -f "$OUT"
  info "normlab kernels: not built ($1); layer, instance, group and RMS norm run the portable path, batch norm TensorFlow's kernels"
  exit 0
}

[ "${NORMLAB_NATIVE_KERNELS:-}" = 0 ] && skip "NORMLAB_NATIVE_KERNELS=0"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || skip "they are built on Linux x86_64 only"
need g++ || skip "no C++ compiler: install g++"
[ -e "$PKG/deps/lib/libtensorflow_framework.so.2" ] || skip "tfjs-node's libtensorflow is not in $PKG/deps"
TF_LIB="$(cd "$(dirname "$(readlink -f "$PKG/deps/lib/libtensorflow_framework.so.2")")" && pwd)"
TF_INC="$(readlink -f "$PKG/deps/include")"

sources=("$SRC"/*.cc "$SRC"/*.h "$SRC"/*.inc "$0")
quick_key="$(hash_of "${sources[@]}")+$(g++ --version | head -1)+$(cat "$STAMPS/tfjs-native" 2>/dev/null || true)"
if [ -f "$OUT" ] && stamp_ok normlab-kernels "$quick_key"; then
  info "normlab kernels ready ($(cat "$OUT_DIR/about" 2>/dev/null || echo cached))"
  exit 0
fi

# The kernel headers (tensorflow/c/kernels.h, ops.h): an extraction made before setup kept them
# lacks them; take them from the cached wheel.
if [ ! -f "$TF_INC/tensorflow/c/kernels.h" ]; then
  wheel="$(ls "$NORMLAB_CACHE"/wheels/tensorflow_cpu-*.whl 2>/dev/null | head -1 || true)"
  [ -n "$wheel" ] && need python3 || skip "TensorFlow's kernel headers are missing and no tensorflow-cpu wheel is cached"
  python3 - "$wheel" "$TF_INC" <<'PY' || skip "could not extract TensorFlow's kernel headers from $(basename "$wheel")"
import os, re, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
prefix = "tensorflow/include/"
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    todo, seen = ["tensorflow/c/kernels.h", "tensorflow/c/ops.h"], set()
    while todo:
        h = todo.pop()
        if h in seen or prefix + h not in names:
            continue
        seen.add(h)
        todo.extend(include_re.findall(z.read(prefix + h).decode("utf-8", "replace")))
    for h in seen:
        target = os.path.join(out, h)
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target + ".tmp", "wb") as dst:
                dst.write(z.read(prefix + h))
            os.replace(target + ".tmp", target)
PY
fi

# Node's headers (node_api.h), where this Node installed them.
nodedir="$(dirname "$(dirname "$(command -v node)")")"
[ -f "$nodedir/include/node/node_api.h" ] || nodedir="$(node -p 'process.config.variables.node_prefix')"
[ -f "$nodedir/include/node/node_api.h" ] || skip "Node's headers (node_api.h) are not installed"

TF_VERSION="$(cd "$NORMLAB_ROOT" && TF_CPP_MIN_LOG_LEVEL=3 timeout 120 node -p "require('@tensorflow/tfjs-node').backend().binding.TF_Version" 2>/dev/null)" \
  || skip "tfjs-node does not load"
KEY="$(printf '%s\n' "$(hash_of "${sources[@]}")" "$TF_VERSION" "$(g++ --version | head -1)" "$(node -p process.versions.napi)" | sha256sum | cut -c1-16)"
CACHED="$NORMLAB_CACHE/kernels/$KEY/normlab_kernels.node"

if [ ! -f "$CACHED" ]; then
  step "normlab kernels: compiling layer/instance/group/RMS/batch norm for TensorFlow $TF_VERSION (baseline, AVX2, AVX-512)"
  build="$(mktemp -d)"
  common=(-std=c++17 -O3 -fPIC -fvisibility=hidden -Wall -I"$SRC" -I"$TF_INC" -I"$nodedir/include/node" -DNODE_GYP_MODULE_NAME=normlab_kernels)
  {
    # One translation unit per instruction set; norm_kernels.cc picks one at run time.
    g++ "${common[@]}" -c "$SRC/isa_baseline.cc" -o "$build/isa_baseline.o" &&
      g++ "${common[@]}" -mavx2 -mfma -c "$SRC/isa_avx2.cc" -o "$build/isa_avx2.o" &&
      g++ "${common[@]}" -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma -mprefer-vector-width=512 \
        -c "$SRC/isa_avx512.cc" -o "$build/isa_avx512.o" &&
      for f in norm_kernels ops addon; do g++ "${common[@]}" -c "$SRC/$f.cc" -o "$build/$f.o" || exit 1; done &&
      g++ -shared -o "$build/normlab_kernels.node" "$build"/*.o -pthread \
        -L"$TF_LIB" -l:libtensorflow_framework.so.2 -Wl,-rpath,"$TF_LIB"
  } >"$LOG" 2>&1 || { rm -rf "$build"; skip "the compiler failed, log: $LOG"; }
  mkdir -p "$(dirname "$CACHED")"
  cp "$build/normlab_kernels.node" "$CACHED.tmp" && mv "$CACHED.tmp" "$CACHED"
  rm -rf "$build"
fi

mkdir -p "$OUT_DIR"
cp "$CACHED" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
# Load it next to tfjs-node, as lib/native/norm-kernels.ts does, and record what it picked.
about="$(cd "$NORMLAB_ROOT" && TF_CPP_MIN_LOG_LEVEL=3 timeout 120 node -e "
  require('@tensorflow/tfjs-node');
  const k = require(process.argv[1]);
  console.log(k.isa + ', ' + k.threads + ' thread' + (k.threads === 1 ? '' : 's') + ', TensorFlow $TF_VERSION');" "$OUT" 2>>"$LOG")" \
  || skip "the compiled module does not load, log: $LOG"
printf '%s' "$about" >"$OUT_DIR/about"
stamp_set normlab-kernels "$quick_key"
info "normlab kernels ready ($about)"
