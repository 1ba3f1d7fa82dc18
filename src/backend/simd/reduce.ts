/** Sums over leading axes on tfexp's SIMD kernel (reduce.c). */
import { split, type SimdPool } from './pool.js';

/** Columns per SIMD pass in the kernel; threads get whole passes. */
const PASS_COLUMNS = 16;

/**
 * out[c] = sum over r of x[r, c], x [rows, cols] float32 at heap byte offset `x`,
 * out [cols] float32 at `out` (overwritten). Threads split the columns (in passes
 * of 16); 16 columns or fewer run on one thread.
 */
export function sumLeadingAxes(pool: SimdPool, x: number, out: number, rows: number, cols: number): void {
  const passes = Math.ceil(cols / PASS_COLUMNS);
  const parts = split(passes, pool.threads).map(([begin, end]) => [x, out, rows, cols, begin * PASS_COLUMNS, Math.min(end * PASS_COLUMNS, cols)]);
  pool.run('sum_leading_axes', parts);
}
