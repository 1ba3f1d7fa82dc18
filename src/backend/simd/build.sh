#!/bin/sh
# Builds tfexp's SIMD kernels (*.c here) into WebAssembly modules that import the
# tfjs-backend-wasm heap as their memory:
#   kernels.wasm                   shared memory (the threaded tfjs build; tfexp's threads run it)
#   kernels-unshared.wasm          plain memory (the single-threaded tfjs build)
#   kernels-relaxed.wasm           shared memory, relaxed SIMD (f32x4.relaxed_madd: a fused multiply-add)
#   kernels-relaxed-unshared.wasm  plain memory, relaxed SIMD
# pool.ts picks a relaxed module where the engine validates relaxed SIMD (V8 in Node 22+), else a plain one.
# Needs clang 14, wasm-ld and llvm-objdump for the plain modules (Debian: apt-get install clang-14 lld-14
# llvm-14), and clang 19 for the relaxed ones (clang-19 lld-19 llvm-19: clang 14 knows relaxed SIMD only
# by its early opcodes, which engines no longer accept). Another clang (CLANG=..., CLANG_RELAXED=...,
# OBJDUMP=...) gives other bytes than the committed ones. The outputs are committed, so installing and
# running tfexp needs no compiler; `npm run build:kernels` rebuilds them and test/backend/simd.test.ts
# checks they match these sources.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
CLANG_RELAXED=${CLANG_RELAXED:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-14}
OBJDUMP_RELAXED=${OBJDUMP_RELAXED:-llvm-objdump-19}
for tool in "$OBJDUMP" "$OBJDUMP_RELAXED"; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (Debian: apt-get install llvm-14 llvm-19)" >&2; exit 1; }
done
FLAGS="--target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry,--import-memory,--max-memory=4294967296,--strip-all"
# shellcheck disable=SC2086
"$CLANG" $FLAGS -matomics -Wl,--shared-memory -o kernels.wasm ./*.c
# shellcheck disable=SC2086
"$CLANG" $FLAGS -o kernels-unshared.wasm ./*.c
# shellcheck disable=SC2086
"$CLANG_RELAXED" $FLAGS -mrelaxed-simd -matomics -Wl,--shared-memory -o kernels-relaxed.wasm ./*.c
# shellcheck disable=SC2086
"$CLANG_RELAXED" $FLAGS -mrelaxed-simd -o kernels-relaxed-unshared.wasm ./*.c
# The modules share the tfjs heap, so they must not keep a stack in it (clang's
# shadow stack, for arrays or spilled structs, would overwrite tfjs tensors).
for module in kernels.wasm kernels-unshared.wasm kernels-relaxed.wasm kernels-relaxed-unshared.wasm; do
  case $module in *relaxed*) objdump=$OBJDUMP_RELAXED ;; *) objdump=$OBJDUMP ;; esac
  if "$objdump" -d "$module" | grep -Eq 'global\.(get|set)'; then
    echo "error: $module uses a global (clang's shadow stack, in the shared heap); keep kernels free of stack memory" >&2
    exit 1
  fi
done
