#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node's native addon work, online or offline.
#
#   NORMLAB_TFJS_INSTALL=auto    (default) use the package's own download when its host answers,
#                                otherwise build from the tensorflow-cpu wheel on PyPI.
#   NORMLAB_TFJS_INSTALL=online  only the package's own install script (downloads libtensorflow).
#   NORMLAB_TFJS_INSTALL=offline only the wheel route: libtensorflow from the official
#                                tensorflow-cpu wheel (PyPI), addon compiled from the package's sources.
#   NORMLAB_ALLOW_CPU_BACKEND=1  do not fail when the native backend cannot be had (pure-JS, ~100x slower).
#
# The wheel, the extracted libraries and the compiled addon are cached in $NORMLAB_CACHE
# (default ~/.cache/normlab), so a second clone on this machine downloads and compiles nothing.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

TF_WHEEL_VERSION="${NORMLAB_TF_WHEEL_VERSION:-2.21.0}"
PKG="$NORMLAB_ROOT/node_modules/@tensorflow/tfjs-node"
MODE="${NORMLAB_TFJS_INSTALL:-auto}"

case "$MODE" in auto|online|offline) ;; *)
  die "NORMLAB_TFJS_INSTALL='$MODE' is not a known mode" "set NORMLAB_TFJS_INSTALL to one of: auto, online, offline" ;;
esac
[ -d "$PKG" ] || die "@tensorflow/tfjs-node is not installed in node_modules" "run 'npm ci --ignore-scripts' (setup does this) and rerun"

TFJS_VERSION="$(node -p "require('$PKG/package.json').version")"
NAPI="$(node -p process.versions.napi)"
# Where node-pre-gyp (and so tfjs-node at load time) expects the addon for this Node.
ADDON_DIR="$(dirname "$(cd "$NORMLAB_ROOT" && node -p "require('@mapbox/node-pre-gyp').find(require.resolve('@tensorflow/tfjs-node/package.json'))")")"
KEY="tfjs-node-$TFJS_VERSION+tf-$TF_WHEEL_VERSION+napi-$NAPI"

backend_works() {
  (cd "$NORMLAB_ROOT" && timeout 120 node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (tf.getBackend() !== 'tensorflow') process.exit(3);
    const v = tf.tensor1d([1, 2, 3]).sum().dataSync()[0];
    process.exit(v === 6 ? 0 : 4);" >/dev/null 2>&1)
}

if stamp_ok tfjs-native "$KEY" && backend_works; then
  info "native backend ready ($KEY)"
  exit 0
fi

try_online() {
  step "tfjs-node: trying the package's own install (downloads libtensorflow)"
  if [ "$MODE" = auto ]; then
    # Ask the download host first, briefly: in an offline lab this answers 'no' at once.
    if ! timeout 8 node -e "
      require('https').request('https://storage.googleapis.com/tensorflow/', {method: 'HEAD', timeout: 6000},
        () => process.exit(0)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1)).end();" 2>/dev/null; then
      info "libtensorflow's download host is unreachable: using the offline route"
      return 1
    fi
  fi
  (cd "$PKG" && timeout 900 node scripts/install.js) && backend_works
}

extract_wheel() {
  # Fills $NORMLAB_CACHE/libtensorflow/$TF_WHEEL_VERSION/{lib,include} from the wheel.
  local dest="$NORMLAB_CACHE/libtensorflow/$TF_WHEEL_VERSION"
  if [ -f "$dest/.complete" ]; then info "libtensorflow $TF_WHEEL_VERSION already extracted in $dest"; return; fi
  need python3 || die "python3 is needed to fetch the tensorflow-cpu wheel" "install Python 3.10+ (Debian: apt-get install python3 python3-venv)"
  local wheels="$NORMLAB_CACHE/wheels" wheel
  mkdir -p "$wheels"
  wheel="$(ls "$wheels"/tensorflow_cpu-"$TF_WHEEL_VERSION"-*manylinux*x86_64.whl 2>/dev/null | head -1 || true)"
  if [ -z "$wheel" ]; then
    step "tfjs-node: downloading the tensorflow-cpu $TF_WHEEL_VERSION wheel from PyPI (~270 MB, once per machine)"
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_27_x86_64 -d "$wheels" "tensorflow-cpu==$TF_WHEEL_VERSION" \
      || die "could not download tensorflow-cpu==$TF_WHEEL_VERSION from PyPI" \
             "check that pip reaches PyPI (pip config list), or put the wheel in $wheels"
    wheel="$(ls "$wheels"/tensorflow_cpu-"$TF_WHEEL_VERSION"-*.whl | head -1)"
  fi
  step "tfjs-node: extracting libtensorflow from $(basename "$wheel")"
  local tmp="$dest.partial"
  rm -rf "$tmp" && mkdir -p "$tmp"
  python3 - "$wheel" "$tmp" "$PKG/binding" <<'PY'
import sys, zipfile, os, re, shutil
# Keeps the two shared libraries and only the headers the addon and normlab's kernels reach: the
# include closure of the headers tfjs-node's binding sources include and of TensorFlow's C kernel
# API (c/kernels.h, c/ops.h; native/kernels), resolved inside the wheel's include tree (a few
# hundred KB of its 268 MB).
wheel, out, binding = sys.argv[1], sys.argv[2], sys.argv[3]
include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
roots = ["tensorflow/c/kernels.h", "tensorflow/c/ops.h"]
for f in os.listdir(binding):
    with open(os.path.join(binding, f), encoding="utf-8", errors="replace") as fh:
        roots += include_re.findall(fh.read())
prefix = "tensorflow/include/"
libs = ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"]
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    todo, seen = roots, set()
    while todo:
        h = todo.pop()
        if h in seen or prefix + h not in names:
            continue
        seen.add(h)
        text = z.read(prefix + h).decode("utf-8", "replace")
        todo.extend(include_re.findall(text))
    for h in seen:
        target = os.path.join(out, "include", h)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as dst:
            dst.write(z.read(prefix + h))
    for lib in libs:
        if lib not in names:
            sys.exit(f"the wheel lacks {lib}")
        target = os.path.join(out, "lib", os.path.basename(lib))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(lib) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
print(f"        kept {len(seen)} headers and {len(libs)} libraries")
PY
  [ -f "$tmp/include/tensorflow/c/c_api.h" ] || die "the wheel's include tree lacks tensorflow/c/c_api.h" "use a tensorflow-cpu wheel that ships its C API headers (NORMLAB_TF_WHEEL_VERSION)"
  ln -sf libtensorflow_cc.so.2 "$tmp/lib/libtensorflow.so"
  ln -sf libtensorflow_framework.so.2 "$tmp/lib/libtensorflow_framework.so"
  touch "$tmp/.complete"
  rm -rf "$dest" && mv "$tmp" "$dest"
}

link_deps() {
  # Points the package's deps/ at the cached libraries. deps/lib/libtensorflow.so.2.9.1 is the file
  # the package's install script checks: with it present, a later 'npm install' does not download.
  local src="$NORMLAB_CACHE/libtensorflow/$TF_WHEEL_VERSION"
  rm -rf "$PKG/deps" && mkdir -p "$PKG/deps/lib"
  ln -s "$src/include" "$PKG/deps/include"
  for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2 libtensorflow.so libtensorflow_framework.so; do
    ln -s "$src/lib/$f" "$PKG/deps/lib/$f"
  done
  ln -s libtensorflow_cc.so.2 "$PKG/deps/lib/libtensorflow.so.2.9.1"
  ln -s libtensorflow_framework.so.2 "$PKG/deps/lib/libtensorflow_framework.so.2.9.1"
}

build_addon() {
  local cached="$NORMLAB_CACHE/addons/$KEY/tfjs_binding.node"
  mkdir -p "$ADDON_DIR"
  if [ -f "$cached" ]; then
    info "using the cached addon $cached"
    cp "$cached" "$ADDON_DIR/tfjs_binding.node.tmp" && mv "$ADDON_DIR/tfjs_binding.node.tmp" "$ADDON_DIR/tfjs_binding.node"
    return
  fi
  need g++ || die "no C++ compiler: the tfjs-node addon is compiled from source" "install one (Debian: apt-get install g++ make python3)"
  need make || die "no 'make': the tfjs-node addon is compiled with node-gyp" "install it (Debian: apt-get install make)"
  step "tfjs-node: compiling the N-API addon from the package's sources (about a minute)"
  local gyp="$NORMLAB_ROOT/node_modules/.bin/node-pre-gyp"
  [ -x "$gyp" ] || die "node-pre-gyp is missing from node_modules" "rerun 'npm ci --ignore-scripts'"
  # Node's own headers, where this Node installed them, so node-gyp does not download them.
  local nodedir
  nodedir="$(dirname "$(dirname "$(command -v node)")")"
  [ -f "$nodedir/include/node/node_api.h" ] || nodedir="$(node -p 'process.config.variables.node_prefix')"
  if [ -f "$nodedir/include/node/node_api.h" ]; then export npm_config_nodedir="$nodedir"; info "Node headers: $nodedir/include/node"; fi
  (cd "$PKG" && "$gyp" install --build-from-source >"$NORMLAB_CACHE/addon-build.log" 2>&1) \
    || die "compiling the tfjs-node addon failed (log: $NORMLAB_CACHE/addon-build.log)" \
           "read the log; a missing compiler or Python is the usual cause"
  mkdir -p "$(dirname "$cached")"
  cp "$ADDON_DIR/tfjs_binding.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
}

try_offline() {
  step "tfjs-node: offline route (libtensorflow from the tensorflow-cpu wheel)"
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { info "the wheel route covers Linux x86_64 only"; return 1; }
  extract_wheel
  link_deps
  build_addon
  backend_works
}

mkdir -p "$NORMLAB_CACHE"
ok=0
if [ "$MODE" != offline ] && try_online; then ok=1; fi
if [ $ok = 0 ] && [ "$MODE" != online ] && try_offline; then ok=1; fi
if [ $ok = 1 ]; then
  stamp_set tfjs-native "$KEY"
  info "native backend ready: tf.getBackend() is 'tensorflow'"
  exit 0
fi
if [ "${NORMLAB_ALLOW_CPU_BACKEND:-}" = 1 ]; then
  printf '\033[33m[setup] WARNING:\033[0m the native backend is unavailable; NORMLAB_ALLOW_CPU_BACKEND=1 lets normlab run on the pure-JS cpu backend (about 100x slower).\n' >&2
  exit 0
fi
die "the native TensorFlow backend (@tensorflow/tfjs-node) could not be installed (mode: $MODE)" \
    "on Linux x86_64, NORMLAB_TFJS_INSTALL=offline needs only PyPI and a C++ compiler; see README 'Offline installs'. To run on the slow pure-JS backend anyway, set NORMLAB_ALLOW_CPU_BACKEND=1"
