/*
 * Forward 2-D convolution, NHWC, float32, WASM SIMD128, on a packed filter:
 *
 *   y[b, oh, ow, co] = sum over kh, kw, ci of
 *       x[b, oh * stride_h - pad_top + kh, ow * stride_w - pad_left + kw, ci] * w[kh, kw, ci, co]
 *
 * (taps outside the image read zeros), plus bias[co] and an activation if asked. The
 * sum starts from the bias and runs over taps, then input channels, the order of
 * XNNPACK's convolution, so results equal tfjs-backend-wasm's to the bit.
 * tfexp uses it for forward convolutions (Conv2D, FusedConv2D; filter packed by
 * pack_filter) and for Conv2DBackpropInput at stride 1, a convolution of dy with the
 * filter flipped in space and with its channels swapped (pack_flipped_filter).
 *
 * Output pixels (b, oh, ow flattened) are taken four at a time with eight output
 * channels: a 4 x 8 tile of y in eight SIMD registers, while the taps and input
 * channels stream through; a tap outside the image points at `zeros` (in_c zeros),
 * as XNNPACK's indirection buffers do. Computes the flat output pixels
 * [pixel_begin, pixel_end) only (threads split them).
 *
 * Packed filter: wp[co_tile][tap][ci][8] with co = co_tile * 8 + lane, lanes past
 * out_c zero, so every tile loads whole vectors.
 */
#include <wasm_simd128.h>
#include "madd.h"

/* Address of tap (kh, kw)'s input pixel for output pixel q, or `zeros` outside the image. */
static inline const float *tap_row(const float *x, const float *zeros, int q, int out_image, int out_w,
                                   int in_h, int in_w, int in_c, int kh, int kw,
                                   int stride_h, int stride_w, int pad_top, int pad_left) {
  const int b = q / out_image, oh = q % out_image / out_w, ow = q % out_w;
  const int ih = oh * stride_h - pad_top + kh, iw = ow * stride_w - pad_left + kw;
  return ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? x + ((b * in_h + ih) * in_w + iw) * in_c : zeros;
}

/* Activations applied in the store (FusedConv2D's `activation`). */
#define ACTIVATION_LINEAR 0
#define ACTIVATION_RELU 1
#define ACTIVATION_RELU6 2

/* Loads the first `lanes` (1..8) floats at p into lo, hi (the rest zero) without reading past them. */
static inline void load_lanes(const float *p, int lanes, v128_t *lo, v128_t *hi) {
  if (lanes == 8) {
    *lo = wasm_v128_load(p);
    *hi = wasm_v128_load(p + 4);
    return;
  }
  *lo = wasm_f32x4_make(p[0], lanes > 1 ? p[1] : 0.0f, lanes > 2 ? p[2] : 0.0f, lanes > 3 ? p[3] : 0.0f);
  *hi = wasm_f32x4_make(lanes > 4 ? p[4] : 0.0f, lanes > 5 ? p[5] : 0.0f, lanes > 6 ? p[6] : 0.0f, 0.0f);
}

static inline v128_t activate(v128_t v, int activation) {
  if (activation == ACTIVATION_RELU) return wasm_f32x4_max(v, wasm_f32x4_splat(0.0f));
  if (activation == ACTIVATION_RELU6) return wasm_f32x4_min(wasm_f32x4_max(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(6.0f));
  return v;
}

/* Stores the first `lanes` (1..8) values of a row of the tile. */
static inline void store_row(float *out, v128_t lo, v128_t hi, int lanes) {
  if (lanes == 8) {
    wasm_v128_store(out, lo);
    wasm_v128_store(out + 4, hi);
    return;
  }
  if (lanes > 0) out[0] = wasm_f32x4_extract_lane(lo, 0);
  if (lanes > 1) out[1] = wasm_f32x4_extract_lane(lo, 1);
  if (lanes > 2) out[2] = wasm_f32x4_extract_lane(lo, 2);
  if (lanes > 3) out[3] = wasm_f32x4_extract_lane(lo, 3);
  if (lanes > 4) out[4] = wasm_f32x4_extract_lane(hi, 0);
  if (lanes > 5) out[5] = wasm_f32x4_extract_lane(hi, 1);
  if (lanes > 6) out[6] = wasm_f32x4_extract_lane(hi, 2);
}

__attribute__((export_name("conv2d_packed")))
void conv2d_packed(const float *x, const float *wp, float *y, const float *zeros,
                   int in_h, int in_w, int in_c, int out_h, int out_w, int out_c,
                   int filter_h, int filter_w, int stride_h, int stride_w, int pad_top, int pad_left,
                   int pixel_begin, int pixel_end, const float *bias, int activation) {
  const int taps = filter_h * filter_w;
  const int co_tiles = (out_c + 7) / 8;
  const int out_image = out_h * out_w;
  for (int ct = 0; ct < co_tiles; ct++) {
    const float *w_tile = wp + ct * taps * in_c * 8;
    const int lanes = out_c - ct * 8 < 8 ? out_c - ct * 8 : 8;
    v128_t b0 = wasm_f32x4_splat(0.0f), b1 = b0;
    if (bias) load_lanes(bias + ct * 8, lanes, &b0, &b1);
    for (int p = pixel_begin; p < pixel_end; p += 4) {
      const int count = pixel_end - p < 4 ? pixel_end - p : 4;
      /* a short tile repeats its last pixel and stores only `count` rows */
      const int q0 = p, q1 = p + (count > 1 ? 1 : 0), q2 = p + (count > 2 ? 2 : count - 1), q3 = p + count - 1;
      /* Starting from the bias (zero without one), as XNNPACK does: same sums, same bits. */
      v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      for (int kh = 0; kh < filter_h; kh++) {
        for (int kw = 0; kw < filter_w; kw++) {
#define ROW(q) tap_row(x, zeros, q, out_image, out_w, in_h, in_w, in_c, kh, kw, stride_h, stride_w, pad_top, pad_left)
          const float *r0 = ROW(q0), *r1 = ROW(q1), *r2 = ROW(q2), *r3 = ROW(q3);
#undef ROW
          const float *wv = w_tile + (kh * filter_w + kw) * in_c * 8;
          for (int ci = 0; ci < in_c; ci++, wv += 8) {
            const v128_t w0 = wasm_v128_load(wv), w1 = wasm_v128_load(wv + 4);
            const v128_t x0 = wasm_v128_load32_splat(r0 + ci), x1 = wasm_v128_load32_splat(r1 + ci);
            const v128_t x2 = wasm_v128_load32_splat(r2 + ci), x3 = wasm_v128_load32_splat(r3 + ci);
            a00 = MADD(a00, x0, w0); a01 = MADD(a01, x0, w1);
            a10 = MADD(a10, x1, w0); a11 = MADD(a11, x1, w1);
            a20 = MADD(a20, x2, w0); a21 = MADD(a21, x2, w1);
            a30 = MADD(a30, x3, w0); a31 = MADD(a31, x3, w1);
          }
        }
      }
      if (activation != ACTIVATION_LINEAR) {
        a00 = activate(a00, activation); a01 = activate(a01, activation);
        a10 = activate(a10, activation); a11 = activate(a11, activation);
        a20 = activate(a20, activation); a21 = activate(a21, activation);
        a30 = activate(a30, activation); a31 = activate(a31, activation);
      }
      float *out = y + p * out_c + ct * 8;
      store_row(out, a00, a01, lanes);
      if (count > 1) store_row(out + out_c, a10, a11, lanes);
      if (count > 2) store_row(out + 2 * out_c, a20, a21, lanes);
      if (count > 3) store_row(out + 3 * out_c, a30, a31, lanes);
    }
  }
}

/*
 * Packs w [filter_h, filter_w, ci, co] (a Conv2D filter) for conv2d_packed as the
 * filter of its input gradient: flipped in space, channels swapped,
 *   w'[i, j, o, c] = w[filter_h - 1 - i, filter_w - 1 - j, c, o],
 * into wp[c_tile][i * filter_w + j][o][8] (c = c_tile * 8 + lane; lanes past ci zero),
 * and clears `zeros` (co floats: conv2d_packed's reads outside the image).
 */
__attribute__((export_name("pack_flipped_filter")))
void pack_flipped_filter(const float *w, float *wp, int filter_h, int filter_w, int ci, int co, float *zeros) {
  for (int o = 0; o < co; o++) zeros[o] = 0.0f;
  const int taps = filter_h * filter_w;
  const int c_tiles = (ci + 7) / 8;
  for (int ct = 0; ct < c_tiles; ct++)
    for (int t = 0; t < taps; t++) {
      const int i = t / filter_w, j = t % filter_w;
      const float *src = w + ((filter_h - 1 - i) * filter_w + (filter_w - 1 - j)) * ci * co;
      float *dst = wp + (ct * taps + t) * co * 8;
      for (int o = 0; o < co; o++)
        for (int l = 0; l < 8; l++) {
          const int c = ct * 8 + l;
          dst[o * 8 + l] = c < ci ? src[c * co + o] : 0.0f;
        }
    }
}

/*
 * Packs w [filter_h, filter_w, ci, co] (a Conv2D filter) for conv2d_packed as is:
 * wp[co_tile][tap][c][8] = w[tap][c][co_tile * 8 + lane] (lanes past co zero),
 * and clears `zeros` (ci floats: conv2d_packed's reads outside the image).
 */
__attribute__((export_name("pack_filter")))
void pack_filter(const float *w, float *wp, int taps, int ci, int co, float *zeros) {
  for (int c = 0; c < ci; c++) zeros[c] = 0.0f;
  const int co_tiles = (co + 7) / 8;
  for (int ct = 0; ct < co_tiles; ct++)
    for (int t = 0; t < taps; t++)
      for (int c = 0; c < ci; c++) {
        const float *src = w + (t * ci + c) * co;
        float *dst = wp + ((ct * taps + t) * ci + c) * 8;
        for (int l = 0; l < 8; l++) dst[l] = ct * 8 + l < co ? src[ct * 8 + l] : 0.0f;
      }
}
