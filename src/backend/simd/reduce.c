/*
 * Sums over leading axes (tf.sum(x, [0, ..., k-1]) on a row-major tensor), float32,
 * WASM SIMD128: x viewed as [rows, cols], out[c] = sum over r of x[r, c].
 * This is the gradient of a bias add (dy summed over [batch, height, width]), which
 * tfjs-backend-wasm computes by transposing dy first.
 *
 * Computes columns [col_begin, col_end) only (threads split the columns). Rows are
 * summed in blocks of BLOCK_ROWS into a block total that is then added to the running
 * total: for the 50,000-row sums a 28x28 batch of 64 gives, the float32 rounding error
 * grows with about 256 + rows / 256 additions instead of rows (a plain running sum).
 */
#include <wasm_simd128.h>

#define BLOCK_ROWS 256

__attribute__((export_name("sum_leading_axes")))
void sum_leading_axes(const float *x, float *out, int rows, int cols, int col_begin, int col_end) {
  int c = col_begin;
  for (; c + 16 <= col_end; c += 16) { /* four vectors of columns per pass over the rows */
    v128_t t0 = wasm_f32x4_splat(0.0f), t1 = t0, t2 = t0, t3 = t0;
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      const int r1 = r0 + BLOCK_ROWS < rows ? r0 + BLOCK_ROWS : rows;
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      const float *p = x + r0 * cols + c;
      for (int r = r0; r < r1; r++, p += cols) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
      }
      t0 = wasm_f32x4_add(t0, s0); t1 = wasm_f32x4_add(t1, s1);
      t2 = wasm_f32x4_add(t2, s2); t3 = wasm_f32x4_add(t3, s3);
    }
    wasm_v128_store(out + c, t0); wasm_v128_store(out + c + 4, t1);
    wasm_v128_store(out + c + 8, t2); wasm_v128_store(out + c + 12, t3);
  }
  for (; c < col_end; c++) {
    float total = 0.0f;
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      const int r1 = r0 + BLOCK_ROWS < rows ? r0 + BLOCK_ROWS : rows;
      float s = 0.0f;
      for (int r = r0; r < r1; r++) s += x[r * cols + c];
      total += s;
    }
    out[c] = total;
  }
}
