/*
 * Conv2D filter gradient (tf.raw_ops.Conv2DBackpropFilter), NHWC, float32, WASM SIMD128.
 *
 *   dw[kh, kw, ci, co] = sum over b, oh, ow of
 *       x[b, oh * stride_h - pad_top + kh, ow * stride_w - pad_left + kw, ci] * dy[b, oh, ow, co]
 *
 * (taps outside the image contribute nothing: zero padding). Computes the filter
 * taps [tap_begin, tap_end) (tap = kh * filter_w + kw) and output channels
 * [co_begin, co_end) only, so threads can split the work without sharing output.
 * Blocks of images are sized by the caller to stay in L2; within a block, a
 * 4 (ci) x 8 (co) tile of dw is held in eight SIMD registers while the block's
 * pixels stream through (a rank-1 update per pixel: two loads of dy, four splat
 * loads of x), the same register tiling as XNNPACK's f32 GEMM 4x8 micro-kernels.
 * A tap's pixels are walked as three loop levels (images, rows, columns), merged
 * where they run on in memory and the longest innermost (window_t): on the
 * baseline's 3 x 3 and 7 x 7 images, rows of 2 to 7 pixels made the loop exits cost
 * 10-20% of the kernel's time. The order of the sum over pixels depends only on the
 * geometry, the block and the image groups (conv2d-backprop-filter.ts), never on timing.
 *
 * Pointers are byte offsets into the memory this module imports (the tfjs-backend-wasm
 * heap). The module has no data and uses no stack memory.
 */
#include <wasm_simd128.h>
#include "madd.h"

typedef struct {
  const float *x;
  const float *dy;
  float *dw;
  int in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w;
} conv_t;

/* First output index o with o * stride - pad + k >= 0, and one past the last with < size. */
static inline int range_begin(int pad, int k, int stride) {
  int first = pad - k;
  return first <= 0 ? 0 : (first + stride - 1) / stride;
}
static inline int range_end(int size, int pad, int k, int stride, int out) {
  int last = size - 1 + pad - k; /* o * stride <= last */
  if (last < 0) return 0;
  int end = last / stride + 1;
  return end < out ? end : out;
}

/* One loop level of a window's pixels: `count` steps of x_step floats in x and dy_step in dy. */
typedef struct {
  int count, x_step, dy_step;
} level_t;

/*
 * A tap's window: the pixels (image, row, column) whose tap lands inside the image, as three
 * loop levels from x_at / dy_at (float offsets of the first pixel), the longest innermost and
 * levels merged where memory runs on contiguously, so short rows (3 x 3 and 7 x 7 images) do
 * not pay a loop exit every few pixels.
 */
typedef struct {
  int x_at, dy_at;
  level_t outer, middle, inner;
  int empty;
} window_t;

/*
 * Runs the statement after it once per pixel of the window, with xp at x's tap for that
 * pixel, channel ci, and dp at dy's pixel, channel co.
 */
#define FOR_EACH_PIXEL(c, w, ci, co, xp, dp)                                                                    \
  for (int io = 0, im, xo = (w)->x_at + (ci), dyo = (w)->dy_at + (co); io < (w)->outer.count;                    \
       io++, xo += (w)->outer.x_step, dyo += (w)->outer.dy_step)                                                \
    for (im = 0; im < (w)->middle.count; im++)                                                                  \
      for (const float *xp = (c)->x + xo + im * (w)->middle.x_step, *dp = (c)->dy + dyo + im * (w)->middle.dy_step, \
                       *dp_end = dp + (w)->inner.count * (w)->inner.dy_step;                                    \
           dp != dp_end; xp += (w)->inner.x_step, dp += (w)->inner.dy_step)

/* Merges level b (inner) into a (outer) when a's step is b's whole span in both tensors. */
static inline int merge(level_t *a, const level_t *b) {
  if (a->x_step != b->count * b->x_step || a->dy_step != b->count * b->dy_step) return 0;
  a->count *= b->count;
  a->x_step = b->x_step;
  a->dy_step = b->dy_step;
  return 1;
}

static inline void swap(level_t *a, level_t *b) {
  const level_t t = *a;
  *a = *b;
  *b = t;
}

/*
 * The window of images [b0, b1), output rows [oh0, oh1) and columns [ow0, ow1), whose tap
 * is at input row oh * stride_h + ih_shift and column ow * stride_w + iw_shift.
 */
static window_t make_window(const conv_t *c, int b0, int b1, int oh0, int oh1, int ow0, int ow1, int ih_shift, int iw_shift) {
  const level_t one = {1, 0, 0};
  window_t w = {
    ((b0 * c->in_h + oh0 * c->stride_h + ih_shift) * c->in_w + ow0 * c->stride_w + iw_shift) * c->in_c,
    ((b0 * c->out_h + oh0) * c->out_w + ow0) * c->out_c,
    {b1 - b0, c->in_h * c->in_w * c->in_c, c->out_h * c->out_w * c->out_c},
    {oh1 - oh0, c->stride_h * c->in_w * c->in_c, c->out_w * c->out_c},
    {ow1 - ow0, c->stride_w * c->in_c, c->out_c},
    b0 >= b1 || oh0 >= oh1 || ow0 >= ow1,
  };
  if (merge(&w.middle, &w.inner)) { /* whole rows: images x (rows x columns) */
    w.inner = w.middle;
    w.middle = w.outer;
    w.outer = one;
    if (merge(&w.middle, &w.inner)) { /* whole images too: one run */
      w.inner = w.middle;
      w.middle = one;
    }
  } else if (merge(&w.outer, &w.middle)) { /* (images x rows) x columns */
    w.middle = w.outer;
    w.outer = one;
  }
  if (w.middle.count > w.inner.count) swap(&w.middle, &w.inner);
  if (w.outer.count > w.inner.count) swap(&w.outer, &w.inner);
  return w;
}

static void tile_4x8(const conv_t *c, const window_t *w, float *dw, int ci, int co, int accumulate) {
  const int ldw = c->out_c;
  v128_t a00, a01, a10, a11, a20, a21, a30, a31;
  if (accumulate) {
    a00 = wasm_v128_load(dw + 0 * ldw); a01 = wasm_v128_load(dw + 0 * ldw + 4);
    a10 = wasm_v128_load(dw + 1 * ldw); a11 = wasm_v128_load(dw + 1 * ldw + 4);
    a20 = wasm_v128_load(dw + 2 * ldw); a21 = wasm_v128_load(dw + 2 * ldw + 4);
    a30 = wasm_v128_load(dw + 3 * ldw); a31 = wasm_v128_load(dw + 3 * ldw + 4);
  } else {
    a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = wasm_f32x4_splat(0.0f);
  }
  FOR_EACH_PIXEL(c, w, ci, co, xp, dp) {
    const v128_t d0 = wasm_v128_load(dp);
    const v128_t d1 = wasm_v128_load(dp + 4);
    const v128_t x0 = wasm_v128_load32_splat(xp);
    const v128_t x1 = wasm_v128_load32_splat(xp + 1);
    const v128_t x2 = wasm_v128_load32_splat(xp + 2);
    const v128_t x3 = wasm_v128_load32_splat(xp + 3);
    a00 = MADD(a00, x0, d0); a01 = MADD(a01, x0, d1);
    a10 = MADD(a10, x1, d0); a11 = MADD(a11, x1, d1);
    a20 = MADD(a20, x2, d0); a21 = MADD(a21, x2, d1);
    a30 = MADD(a30, x3, d0); a31 = MADD(a31, x3, d1);
  }
  wasm_v128_store(dw + 0 * ldw, a00); wasm_v128_store(dw + 0 * ldw + 4, a01);
  wasm_v128_store(dw + 1 * ldw, a10); wasm_v128_store(dw + 1 * ldw + 4, a11);
  wasm_v128_store(dw + 2 * ldw, a20); wasm_v128_store(dw + 2 * ldw + 4, a21);
  wasm_v128_store(dw + 3 * ldw, a30); wasm_v128_store(dw + 3 * ldw + 4, a31);
}

/*
 * One input channel x 32 output channels (input-channel tail, e.g. a first layer on
 * grayscale): eight accumulators, enough to keep the multiply-adds in flight, where
 * tile_1x8's two wait on each other.
 */
static void tile_1x32(const conv_t *c, const window_t *w, float *dw, int ci, int co, int accumulate) {
  v128_t a[8];
  for (int i = 0; i < 8; i++) a[i] = accumulate ? wasm_v128_load(dw + 4 * i) : wasm_f32x4_splat(0.0f);
  FOR_EACH_PIXEL(c, w, ci, co, xp, dp) {
    const v128_t xv = wasm_v128_load32_splat(xp);
    for (int i = 0; i < 8; i++) a[i] = MADD(a[i], xv, wasm_v128_load(dp + 4 * i));
  }
  for (int i = 0; i < 8; i++) wasm_v128_store(dw + 4 * i, a[i]);
}

/* One input channel x 8 output channels (input-channel tail). */
static void tile_1x8(const conv_t *c, const window_t *w, float *dw, int ci, int co, int accumulate) {
  v128_t a0 = accumulate ? wasm_v128_load(dw) : wasm_f32x4_splat(0.0f);
  v128_t a1 = accumulate ? wasm_v128_load(dw + 4) : wasm_f32x4_splat(0.0f);
  FOR_EACH_PIXEL(c, w, ci, co, xp, dp) {
    const v128_t xv = wasm_f32x4_splat(*xp);
    a0 = MADD(a0, xv, wasm_v128_load(dp));
    a1 = MADD(a1, xv, wasm_v128_load(dp + 4));
  }
  wasm_v128_store(dw, a0);
  wasm_v128_store(dw + 4, a1);
}

/* One input channel x one output channel (output-channel tail when out_c is not a multiple of 8). */
static void tile_1x1(const conv_t *c, const window_t *w, float *dw, int ci, int co, int accumulate) {
  float a = accumulate ? *dw : 0.0f;
  FOR_EACH_PIXEL(c, w, ci, co, xp, dp) {
    a += *xp * *dp;
  }
  *dw = a;
}

/* All of dw's output channels [co_begin, co_end) for one tap and one block of images. */
static void tap_block(const conv_t *c, const window_t *w, float *tap, int co_begin, int co_end, int accumulate) {
  const int in_c = c->in_c, out_c = c->out_c;
  const int co_vec_end = co_begin + (co_end - co_begin) / 8 * 8;
  const int ci_vec_end = in_c / 4 * 4;
  if (w->empty) { /* the tap never lands inside the image */
    if (!accumulate)
      for (int ci = 0; ci < in_c; ci++)
        for (int co = co_begin; co < co_end; co++) tap[ci * out_c + co] = 0.0f;
    return;
  }
  for (int ci = 0; ci < ci_vec_end; ci += 4)
    for (int co = co_begin; co < co_vec_end; co += 8) tile_4x8(c, w, tap + ci * out_c + co, ci, co, accumulate);
  for (int ci = ci_vec_end; ci < in_c; ci++) {
    int co = co_begin;
    for (; co + 32 <= co_vec_end; co += 32) tile_1x32(c, w, tap + ci * out_c + co, ci, co, accumulate);
    for (; co < co_vec_end; co += 8) tile_1x8(c, w, tap + ci * out_c + co, ci, co, accumulate);
  }
  for (int ci = 0; ci < in_c; ci++)
    for (int co = co_vec_end; co < co_end; co++) tile_1x1(c, w, tap + ci * out_c + co, ci, co, accumulate);
}

/*
 * x [batch, in_h, in_w, in_c], dy [batch, out_h, out_w, out_c], dw [filter_h, filter_w, in_c, out_c];
 * writes dw[tap_begin..tap_end)[:][co_begin..co_end) (overwrites, no need to clear it first).
 * Images are taken images_per_block at a time (sized to stay in cache).
 */
__attribute__((export_name("conv2d_backprop_filter")))
void conv2d_backprop_filter(const float *x, const float *dy, float *dw,
                            int batch, int in_h, int in_w, int in_c,
                            int out_h, int out_w, int out_c,
                            int filter_w, int stride_h, int stride_w, int pad_top, int pad_left,
                            int tap_begin, int tap_end, int co_begin, int co_end,
                            int images_per_block) {
  const conv_t c = {x, dy, dw, in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w};
  for (int b0 = 0; b0 < batch; b0 += images_per_block) {
    const int b1 = b0 + images_per_block < batch ? b0 + images_per_block : batch;
    for (int t = tap_begin; t < tap_end; t++) {
      const int kh = t / filter_w, kw = t % filter_w;
      const window_t w = make_window(&c, b0, b1,
        range_begin(pad_top, kh, stride_h), range_end(in_h, pad_top, kh, stride_h, out_h),
        range_begin(pad_left, kw, stride_w), range_end(in_w, pad_left, kw, stride_w, out_w),
        kh - pad_top, kw - pad_left);
      tap_block(&c, &w, dw + t * in_c * out_c, co_begin, co_end, b0 > 0);
    }
  }
}

/*
 * out[i] += parts[0 * stride + i] + ... + parts[(count - 1) * stride + i] for i in
 * [begin, end): adds the partial filter gradients of threads that each took a share of
 * the images (conv2d-backprop-filter.ts), in thread order.
 */
__attribute__((export_name("add_partials")))
void add_partials(float *out, const float *parts, int count, int stride, int begin, int end) {
  int i = begin;
  for (; i + 4 <= end; i += 4) {
    v128_t sum = wasm_v128_load(out + i);
    for (int p = 0; p < count; p++) sum = wasm_f32x4_add(sum, wasm_v128_load(parts + p * stride + i));
    wasm_v128_store(out + i, sum);
  }
  for (; i < end; i++) {
    float sum = out[i];
    for (int p = 0; p < count; p++) sum += parts[p * stride + i];
    out[i] = sum;
  }
}
