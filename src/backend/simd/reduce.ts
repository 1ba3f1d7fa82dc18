/** Sums over leading axes on tfexp's SIMD kernels (reduce.c): a plain sum, and one with ReLU's gradient on the way. */
import { split, type SimdPool } from './pool.js';

/** Columns per SIMD pass in the kernels; threads get whole passes. */
const PASS_COLUMNS = 16;

/**
 * out[c] = sum over r of x[r, c], x [rows, cols] float32 at heap byte offset `x`,
 * out [cols] float32 at `out` (overwritten). Threads split the columns (in passes
 * of 16); 16 columns or fewer run on one thread.
 */
export function sumLeadingAxes(pool: SimdPool, x: number, out: number, rows: number, cols: number): void {
  pool.run('sum_leading_axes', byColumns(pool, cols, (begin, end) => [x, out, rows, cols, begin, end]));
}

/** Rows per block in relu_bias_grad (reduce.c BLOCK_ROWS); threads get whole blocks. */
const BLOCK_ROWS = 256;

/** Floats of scratch reluBiasGrad needs: a partial column sum per thread. */
export function reluBiasGradScratch(pool: SimdPool, cols: number): number {
  return pool.threads * cols;
}

/**
 * The gradient of a bias add followed by ReLU in one pass (reduce.c relu_bias_grad): with dy
 * and y (the ReLU's output) viewed as [rows, cols], dz[r, c] = dy[r, c] * step(y[r, c]) (1 where
 * y > 0, 0 where y <= 0, NaN where y is NaN) and db[c] = sum over r of dz[r, c]. dy, y, dz
 * [rows, cols] and db [cols] are float32 at heap byte offsets; dz and db are overwritten;
 * `scratch` holds reluBiasGradScratch(pool, cols) floats (any content). Threads split the rows
 * in blocks of 256; their partial sums are added here, in thread order.
 */
export function reluBiasGrad(pool: SimdPool, dy: number, y: number, dz: number, db: number, scratch: number, rows: number, cols: number): void {
  const parts = split(Math.ceil(rows / BLOCK_ROWS), pool.threads).map(([begin, end], i) => [dy, y, dz, scratch + 4 * i * cols, cols, begin * BLOCK_ROWS, Math.min(end * BLOCK_ROWS, rows)]);
  pool.run('relu_bias_grad', parts);
  const heap = new Float32Array(pool.memory.buffer);
  for (let c = 0; c < cols; c++) {
    let total = heap[scratch / 4 + c]!;
    for (let part = 1; part < parts.length; part++) total = Math.fround(total + heap[scratch / 4 + part * cols + c]!);
    heap[db / 4 + c] = total;
  }
}

/** One kernel call per thread, each on a range [begin, end) of whole passes of columns. */
function byColumns(pool: SimdPool, cols: number, args: (begin: number, end: number) => number[]): number[][] {
  return split(Math.ceil(cols / PASS_COLUMNS), pool.threads).map(([begin, end]) => args(begin * PASS_COLUMNS, Math.min(end * PASS_COLUMNS, cols)));
}
