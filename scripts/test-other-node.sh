#!/bin/sh
# The backend kernels, threaded wasm and a short real run on the other Node.js LTS than the
# machine's (`npm test` runs everything on the machine's own): Node 24 when the machine runs
# another version, else Node 22. The official binaries come from the npm registry
# (`npm pack node-linux-<arch>@<version>`, no other download) and are kept in the user's cache
# folder, so a second run on the same machine fetches nothing.
set -eu
cd "$(dirname "$0")/.."
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" = 24 ]; then version=${TFEXP_OTHER_NODE:-22.23.5}; else version=${TFEXP_OTHER_NODE:-24.22.3}; fi
case $(uname -m) in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "test:other-node: no Node.js package for $(uname -m)"; exit 0 ;; esac
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tfexp/node-$version-linux-$arch
if [ ! -x "$cache/bin/node" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$cache"
  tar xzf "$tmp"/node-linux-"$arch"-"$version".tgz -C "$cache" --strip-components=1
  rm -rf "$tmp"
fi
PATH="$cache/bin:$PATH"
export PATH
echo "test:other-node: Node $(node --version) from $cache"
exec node --import tsx --test --test-reporter=spec \
  test/backend/simd.test.ts test/backend/wasm-kernels.test.ts test/backend/fused-conv2d.test.ts test/backend/wasm-single.test.ts test/backend/training.test.ts \
  test/data/npz.test.ts test/train/run.test.ts
