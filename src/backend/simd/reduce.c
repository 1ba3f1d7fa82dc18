/*
 * Sums over leading axes (tf.sum(x, [0, ..., k-1]) on a row-major tensor), float32,
 * WASM SIMD128: x viewed as [rows, cols], out[c] = sum over r of x[r, c].
 * This is the gradient of a bias add (dy summed over [batch, height, width]), which
 * tfjs-backend-wasm computes by transposing dy first. relu_bias_grad, below, is the
 * same sum with ReLU's gradient applied to each element on the way.
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

/*
 * The gradient of a bias add followed by ReLU (a Conv2D layer's, y = relu(z + bias)), with dy and
 * y viewed as [rows, cols] (rows = batch * height * width, cols = channels):
 *
 *   dz[r, c] = dy[r, c] * step(y[r, c])      step(v) = 1 for v > 0, 0 for v <= 0, NaN for NaN
 *   db[c]    = sum over r of dz[r, c]
 *
 * (tfjs-core's fused-conv2d gradient, getFusedDyActivation and getFusedBiasGradient: a Step, a
 * Multiply and a Sum kernel, three passes) in one pass over dy and y. step is tfjs's Step kernel
 * with alpha 0; y > 0 exactly where z + bias > 0, so this is also ReLU's own gradient (Relu_grad).
 *
 * Computes rows [row_begin, row_end) only and writes their column sums to `partial` [cols]
 * (threads split the rows, each streaming contiguous memory, and the caller adds the partial
 * sums; split by columns, two threads would share each 128-byte pair of cache lines the
 * prefetcher fetches together). Rows are taken BLOCK_ROWS at a time, all columns of a block
 * (in passes of 16) before the next, so a block is read from memory once; each pass's block
 * sum is added to the running total in `partial`, as sum_leading_axes sums.
 */
static inline v128_t relu_grad(v128_t dy, v128_t y) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t step = wasm_v128_or(wasm_v128_and(wasm_f32x4_gt(y, wasm_f32x4_splat(0.0f)), one),
                                   wasm_v128_and(wasm_f32x4_ne(y, y), y)); /* y's own NaN bits where y is NaN */
  return wasm_f32x4_mul(dy, step);
}

__attribute__((export_name("relu_bias_grad")))
void relu_bias_grad(const float *dy, const float *y, float *dz, float *partial, int cols, int row_begin, int row_end) {
  for (int c = 0; c < cols; c++) partial[c] = 0.0f;
  for (int r0 = row_begin; r0 < row_end; r0 += BLOCK_ROWS) {
    const int r1 = r0 + BLOCK_ROWS < row_end ? r0 + BLOCK_ROWS : row_end;
    int c = 0;
    for (; c + 16 <= cols; c += 16) {
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      const int at = r0 * cols + c;
      const float *d = dy + at, *v = y + at;
      float *o = dz + at;
      for (int r = r0; r < r1; r++, d += cols, v += cols, o += cols) {
        const v128_t g0 = relu_grad(wasm_v128_load(d), wasm_v128_load(v));
        const v128_t g1 = relu_grad(wasm_v128_load(d + 4), wasm_v128_load(v + 4));
        const v128_t g2 = relu_grad(wasm_v128_load(d + 8), wasm_v128_load(v + 8));
        const v128_t g3 = relu_grad(wasm_v128_load(d + 12), wasm_v128_load(v + 12));
        wasm_v128_store(o, g0); wasm_v128_store(o + 4, g1);
        wasm_v128_store(o + 8, g2); wasm_v128_store(o + 12, g3);
        s0 = wasm_f32x4_add(s0, g0); s1 = wasm_f32x4_add(s1, g1);
        s2 = wasm_f32x4_add(s2, g2); s3 = wasm_f32x4_add(s3, g3);
      }
      float *t = partial + c;
      wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), s0));
      wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), s1));
      wasm_v128_store(t + 8, wasm_f32x4_add(wasm_v128_load(t + 8), s2));
      wasm_v128_store(t + 12, wasm_f32x4_add(wasm_v128_load(t + 12), s3));
    }
    for (; c < cols; c++) {
      float s = 0.0f;
      for (int r = r0; r < r1; r++) {
        const float v = y[r * cols + c];
        const float g = dy[r * cols + c] * (v > 0.0f ? 1.0f : v != v ? v : 0.0f);
        dz[r * cols + c] = g;
        s += g;
      }
      partial[c] += s;
    }
  }
}
