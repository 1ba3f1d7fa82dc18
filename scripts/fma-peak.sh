#!/bin/sh
# The WebAssembly SIMD ceiling of this machine: GFLOP/s of a loop of nothing but independent
# f32x4 multiply-adds (twelve accumulators, no memory access), on 1 thread and on THREADS
# threads at once (default: the machine's cores), as the kernels of src/backend/simd/ run them.
# With relaxed SIMD (Node 22+) each is one f32x4.relaxed_madd (an FMA); else a multiply and an
# add (two instructions, counted as 2 FLOPs per lane all the same). Needs clang 19 (CLANG=...),
# as `npm run build:kernels` does. A multiply-add counts as 2 FLOPs, as GFLOP/s in `tfexp bench`.
set -eu
CLANG=${CLANG:-clang-19}
command -v "$CLANG" >/dev/null || { echo "fma-peak: $CLANG not found (Debian: apt-get install clang-19 lld-19)"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/peak.c" <<'C'
#include <wasm_simd128.h>
#ifdef __wasm_relaxed_simd__
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((b), (c), (a))
#else
#define MADD(a, b, c) wasm_f32x4_add((a), wasm_f32x4_mul((b), (c)))
#endif
__attribute__((export_name("madds")))
float madds(int n, float s) {
  v128_t a0 = wasm_f32x4_splat(s), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  const v128_t m = wasm_f32x4_splat(0.999f), b = wasm_f32x4_splat(0.001f);
  for (int i = 0; i < n; i++) {
    a0 = MADD(a0, m, b); a1 = MADD(a1, m, b); a2 = MADD(a2, m, b); a3 = MADD(a3, m, b);
    a4 = MADD(a4, m, b); a5 = MADD(a5, m, b); a6 = MADD(a6, m, b); a7 = MADD(a7, m, b);
    a8 = MADD(a8, m, b); a9 = MADD(a9, m, b); a10 = MADD(a10, m, b); a11 = MADD(a11, m, b);
  }
  const v128_t t = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                                  wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
  return wasm_f32x4_extract_lane(wasm_f32x4_add(t, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11))), 0);
}
C
FLAGS="--target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry"
# shellcheck disable=SC2086
"$CLANG" $FLAGS -o "$dir/plain.wasm" "$dir/peak.c"
# shellcheck disable=SC2086
"$CLANG" $FLAGS -mrelaxed-simd -o "$dir/relaxed.wasm" "$dir/peak.c"
cat >"$dir/peak.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
const N = 2e8;
/** GFLOP/s of one thread running the module's loop (after a warm-up), 12 x 4 lanes x 2 FLOPs per iteration. */
async function gflops(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file));
  instance.exports.madds(1e7, 1);
  const start = performance.now();
  instance.exports.madds(N, 1);
  return (N * 12 * 4 * 2) / ((performance.now() - start) / 1000) / 1e9;
}
if (!isMainThread) parentPort.postMessage(await gflops(workerData));
else {
  const dir = process.argv[2];
  const threads = Number(process.env.THREADS ?? (os.availableParallelism?.() ?? os.cpus().length));
  const relaxed = WebAssembly.validate(readFileSync(`${dir}/relaxed.wasm`));
  for (const variant of relaxed ? ['plain', 'relaxed'] : ['plain']) {
    const file = `${dir}/${variant}.wasm`;
    const one = await gflops(file);
    const all = await Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => {
      new Worker(new URL(import.meta.url), { workerData: file }).once('message', resolve).once('error', reject);
    })));
    const sum = all.reduce((a, b) => a + b, 0);
    console.log(`${variant} SIMD (Node ${process.version}): 1 thread ${one.toFixed(1)} GFLOP/s, ${threads} threads ${sum.toFixed(1)} GFLOP/s`);
  }
}
JS
node "$dir/peak.mjs" "$dir"
