#!/bin/sh
# The WebAssembly SIMD ceiling of this machine: GFLOP/s of a loop of nothing but independent
# f32x4 multiply-adds (twelve chains a <- a * m + b, no memory access), on 1 thread and on
# THREADS threads at once (default: the machine's cores; they start together), as the kernels
# of src/backend/simd/ run them. With relaxed SIMD (Node 22+) each is one f32x4.relaxed_madd
# (an FMA); in the plain build a multiply, then an add. A multiply-add counts as 2 FLOPs, as
# GFLOP/s in `tfexp bench` does. Needs clang 19 (CLANG=...), as `npm run build:kernels`;
# without it, says so and exits 3 (not a pass), as bench:cli does without hyperfine.
set -eu
CLANG=${CLANG:-clang-19}
command -v "$CLANG" >/dev/null || { echo "fma-peak: $CLANG not found (Debian: apt-get install clang-19 lld-19)" >&2; exit 3; }
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
  /* a <- b + a * m: the accumulator is in the product, so no multiply can be hoisted out (it tends to 1) */
  for (int i = 0; i < n; i++) {
    a0 = MADD(b, a0, m); a1 = MADD(b, a1, m); a2 = MADD(b, a2, m); a3 = MADD(b, a3, m);
    a4 = MADD(b, a4, m); a5 = MADD(b, a5, m); a6 = MADD(b, a6, m); a7 = MADD(b, a7, m);
    a8 = MADD(b, a8, m); a9 = MADD(b, a9, m); a10 = MADD(b, a10, m); a11 = MADD(b, a11, m);
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
/** The module's loop, warmed up; `run()` gives GFLOP/s (12 chains x 4 lanes x 2 FLOPs an iteration). */
async function loop(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file));
  instance.exports.madds(1e7, 1);
  return () => {
    const start = performance.now();
    instance.exports.madds(N, 1);
    return (N * 12 * 4 * 2) / ((performance.now() - start) / 1000) / 1e9;
  };
}
if (!isMainThread) {
  // Ready, then wait for the start signal, so all threads run at once.
  const run = await loop(workerData.file);
  const go = new Int32Array(workerData.go);
  parentPort.postMessage('ready');
  Atomics.wait(go, 0, 0);
  parentPort.postMessage(run());
} else {
  const dir = process.argv[2];
  const threads = Number(process.env.THREADS || (os.availableParallelism?.() ?? os.cpus().length));
  const relaxed = WebAssembly.validate(readFileSync(`${dir}/relaxed.wasm`));
  for (const variant of relaxed ? ['plain', 'relaxed'] : ['plain']) {
    const file = `${dir}/${variant}.wasm`;
    const one = (await loop(file))();
    const go = new SharedArrayBuffer(4);
    const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { file, go } }));
    const message = (worker) => new Promise((resolve, reject) => {
      worker.once('message', resolve).once('error', reject).once('exit', (code) => reject(new Error(`a worker exited (code ${code})`)));
    });
    await Promise.all(workers.map(message)); // all ready
    const rates = workers.map(message);
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const sum = (await Promise.all(rates)).reduce((a, b) => a + b, 0);
    console.log(`${variant} SIMD (Node ${process.version}): 1 thread ${one.toFixed(1)} GFLOP/s, ${threads} threads at once ${sum.toFixed(1)} GFLOP/s`);
  }
}
JS
node "$dir/peak.mjs" "$dir"
