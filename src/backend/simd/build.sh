#!/bin/sh
# Builds tfexp's SIMD kernels (*.c here) into two WebAssembly modules that import
# the tfjs-backend-wasm heap as their memory:
#   kernels.wasm           shared memory (the threaded tfjs build; tfexp's threads run it)
#   kernels-unshared.wasm  plain memory (the single-threaded tfjs build)
# Needs clang 14, wasm-ld and llvm-objdump (Debian: apt-get install clang-14 lld-14 llvm-14; another
# clang: CLANG=clang OBJDUMP=llvm-objdump, but its bytes differ from the committed ones). The outputs are
# committed, so installing and running tfexp needs no compiler; `npm run build:kernels`
# rebuilds them and test/backend/simd.test.ts checks they match these sources.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
OBJDUMP=${OBJDUMP:-llvm-objdump-14}
command -v "$OBJDUMP" >/dev/null || { echo "error: $OBJDUMP not found (Debian: apt-get install llvm-14)" >&2; exit 1; }
FLAGS="--target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry,--import-memory,--max-memory=4294967296,--strip-all"
# shellcheck disable=SC2086
"$CLANG" $FLAGS -matomics -Wl,--shared-memory -o kernels.wasm ./*.c
# shellcheck disable=SC2086
"$CLANG" $FLAGS -o kernels-unshared.wasm ./*.c
# The modules share the tfjs heap, so they must not keep a stack in it (clang's
# shadow stack, for arrays or spilled structs, would overwrite tfjs tensors).
for module in kernels.wasm kernels-unshared.wasm; do
  if "$OBJDUMP" -d "$module" | grep -Eq 'global\.(get|set)'; then
    echo "error: $module uses a global (clang's shadow stack, in the shared heap); keep kernels free of stack memory" >&2
    exit 1
  fi
done
