/** Sums over leading axes on tfexp's SIMD kernels (reduce.c): a plain sum, and with ReLU's gradient on the way. */
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

/**
 * The gradient of a bias add followed by ReLU in one pass (reduce.c relu_bias_grad): with dy
 * and y (the ReLU's output) viewed as [rows, cols], dz[r, c] = dy[r, c] * step(y[r, c]) (1 where
 * y > 0, 0 where y <= 0, NaN where y is NaN) and db[c] = sum over r of dz[r, c], summed as
 * sumLeadingAxes sums (so equal to it on dz to the bit). dy, y, dz [rows, cols] and db [cols]
 * are float32 at heap byte offsets; dz and db are overwritten. Threads split the columns as in
 * sumLeadingAxes.
 */
export function reluBiasGrad(pool: SimdPool, dy: number, y: number, dz: number, db: number, rows: number, cols: number): void {
  pool.run('relu_bias_grad', byColumns(pool, cols, (begin, end) => [dy, y, dz, db, rows, cols, begin, end]));
}

/** One kernel call per thread, each on a range [begin, end) of whole passes of columns. */
function byColumns(pool: SimdPool, cols: number, args: (begin: number, end: number) => number[]): number[][] {
  return split(Math.ceil(cols / PASS_COLUMNS), pool.threads).map(([begin, end]) => args(begin * PASS_COLUMNS, Math.min(end * PASS_COLUMNS, cols)));
}
