/*
 * Forward 2-D convolution, NHWC, float32, WASM SIMD128, on a packed filter:
 *
 *   y[b, oh, ow, co] = sum over kh, kw, ci of
 *       x[b, oh * stride_h - pad_top + kh, ow * stride_w - pad_left + kw, ci] * w[kh, kw, ci, co]
 *
 * over the taps inside the image (zero padding), plus bias[co] and an activation if asked.
 * The sum starts from the bias and runs over taps, then input channels, the order of
 * XNNPACK's convolution; a tap outside the image only adds zeros there (0 * w), so with
 * finite weights results equal tfjs-backend-wasm's to the bit, up to the sign of a zero (an
 * infinite or NaN weight makes XNNPACK's border pixels NaN, not this kernel's). tfexp uses
 * it for forward convolutions (Conv2D, FusedConv2D; filter packed by pack_filter) and for
 * Conv2DBackpropInput at stride 1, a
 * convolution of dy with the filter flipped in space and with its channels swapped
 * (pack_flipped_filter).
 *
 * Output pixels are taken four at a time with eight output channels: a 4 x 8 tile of y in
 * eight SIMD registers, while the taps and input channels stream through. Taps outside the
 * image are skipped, not multiplied by zeros: on the baseline's 7 x 7 and 3 x 3 images
 * they are 18% and 40% of all taps. For that, the four pixels of a tile always share
 * their taps inside the image: output rows with the same valid filter rows [kh_begin,
 * kh_end) form a row run (the top border rows, the inner rows, the bottom border rows),
 * columns likewise a column run, and a class (row run x column run) holds the pixels of
 * every image in those rows and columns, taken in order (image, row, column). Tiles are
 * numbered class by class, each class's last tile short if its pixel count is not a
 * multiple of 4; a call computes the tiles [tile_begin, tile_end), and conv2d_split
 * splits them over threads by cost (a border tile has fewer taps), or conv2d_shared lets
 * the threads take them in chunks as they go.
 *
 * Packed filter: wp[co_tile][tap][ci][8] with co = co_tile * 8 + lane, lanes past
 * out_c zero, so every tile loads whole vectors.
 */
#include <wasm_simd128.h>
#include "madd.h"

/* Filter rows (or columns) [*begin, *end) that land inside an input of `size` for output row `o`. */
static inline void valid_taps(int o, int stride, int pad, int filter, int size, int *begin, int *end) {
  const int at = o * stride - pad; /* input row of filter row 0 */
  *begin = at < 0 ? -at : 0;
  *end = size - at < filter ? size - at : filter;
  if (*end < *begin) *end = *begin;
}

/* One past the last output row from `o` whose valid filter rows equal o's (a run). */
static inline int run_end(int o, int out, int stride, int pad, int filter, int size) {
  int b0, e0, b, e;
  valid_taps(o, stride, pad, filter, size, &b0, &e0);
  for (o++; o < out; o++) {
    valid_taps(o, stride, pad, filter, size, &b, &e);
    if (b != b0 || e != e0) break;
  }
  return o;
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

typedef struct {
  const float *x;
  const float *wp;
  float *y;
  int in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
  const float *bias;
  int activation;
} conv_t;

/* A class: output rows [oh0, oh1) x columns [ow0, ow1) of every image, with valid taps [kh0, kh1) x [kw0, kw1). */
typedef struct {
  int oh0, oh1, ow0, ow1, kh0, kh1, kw0, kw1;
} class_t;

/* Input offset (floats) of filter tap (0, 0) for pixel p of class k, maybe outside the image; its y offset in *out_at. */
static inline int pixel_at(const conv_t *c, const class_t *k, int p, int *out_at) {
  const int cols = k->ow1 - k->ow0, image = (k->oh1 - k->oh0) * cols;
  const int b = p / image, oh = k->oh0 + p % image / cols, ow = k->ow0 + p % cols;
  *out_at = ((b * c->out_h + oh) * c->out_w + ow) * c->out_c;
  return ((b * c->in_h + oh * c->stride_h - c->pad_top) * c->in_w + ow * c->stride_w - c->pad_left) * c->in_c;
}

/*
 * Output channels [8 ct, 8 ct + 8) of tiles [t0, t1) of class k, which has `pixels` pixels
 * (tile i: pixels 4i .. 4i + 3, the last one repeated past the end and stored once).
 */
static void class_tiles(const conv_t *c, const class_t *k, int pixels, int t0, int t1, int ct) {
  const int lanes = c->out_c - ct * 8 < 8 ? c->out_c - ct * 8 : 8;
  const float *w_tile = c->wp + ct * c->filter_h * c->filter_w * c->in_c * 8;
  v128_t b0 = wasm_f32x4_splat(0.0f), b1 = b0;
  if (c->bias) load_lanes(c->bias + ct * 8, lanes, &b0, &b1);
  for (int t = t0; t < t1; t++) {
    const int p = 4 * t, count = pixels - p < 4 ? pixels - p : 4;
    int o0, o1, o2, o3;
    const int i0 = pixel_at(c, k, p, &o0);
    const int i1 = pixel_at(c, k, count > 1 ? p + 1 : p, &o1);
    const int i2 = pixel_at(c, k, count > 2 ? p + 2 : p + count - 1, &o2);
    const int i3 = pixel_at(c, k, p + count - 1, &o3);
    /* Starting from the bias (zero without one), as XNNPACK does: same sums, same bits. */
    v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
    for (int kh = k->kh0; kh < k->kh1; kh++) {
      for (int kw = k->kw0; kw < k->kw1; kw++) {
        const int tap = (kh * c->in_w + kw) * c->in_c;
        const float *r0 = c->x + (i0 + tap), *r1 = c->x + (i1 + tap), *r2 = c->x + (i2 + tap), *r3 = c->x + (i3 + tap);
        const float *wv = w_tile + (kh * c->filter_w + kw) * c->in_c * 8;
        for (int ci = 0; ci < c->in_c; ci++, wv += 8) {
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
    if (c->activation != ACTIVATION_LINEAR) {
      a00 = activate(a00, c->activation); a01 = activate(a01, c->activation);
      a10 = activate(a10, c->activation); a11 = activate(a11, c->activation);
      a20 = activate(a20, c->activation); a21 = activate(a21, c->activation);
      a30 = activate(a30, c->activation); a31 = activate(a31, c->activation);
    }
    store_row(c->y + o0 + ct * 8, a00, a01, lanes);
    if (count > 1) store_row(c->y + o1 + ct * 8, a10, a11, lanes);
    if (count > 2) store_row(c->y + o2 + ct * 8, a20, a21, lanes);
    if (count > 3) store_row(c->y + o3 + ct * 8, a30, a31, lanes);
  }
}

/*
 * Runs `body` once per class, in order, with `k` (class_t) and `pixels` (its pixel count) set.
 * Both conv2d_split and conv2d_packed number tiles by this walk.
 */
#define FOR_EACH_CLASS(batch, in_h, in_w, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left, k, pixels, body) \
  for (int oh0_ = 0, oh1_; oh0_ < (out_h); oh0_ = oh1_) {                                                                            \
    oh1_ = run_end(oh0_, (out_h), (stride_h), (pad_top), (filter_h), (in_h));                                                        \
    for (int ow0_ = 0, ow1_; ow0_ < (out_w); ow0_ = ow1_) {                                                                          \
      ow1_ = run_end(ow0_, (out_w), (stride_w), (pad_left), (filter_w), (in_w));                                                     \
      class_t k = {oh0_, oh1_, ow0_, ow1_, 0, 0, 0, 0};                                                                              \
      valid_taps(oh0_, (stride_h), (pad_top), (filter_h), (in_h), &k.kh0, &k.kh1);                                                   \
      valid_taps(ow0_, (stride_w), (pad_left), (filter_w), (in_w), &k.kw0, &k.kw1);                                                  \
      const int pixels = (batch) * (oh1_ - oh0_) * (ow1_ - ow0_);                                                                    \
      body                                                                                                                            \
    }                                                                                                                                 \
  }

/*
 * The first tile of part `part` (0..parts) when conv2d_packed's tiles are split into `parts`
 * runs of near-equal cost, a tile costing its valid taps plus one (its stores and
 * addressing); part == parts gives the number of tiles. Threads take parts 0..parts-1.
 */
__attribute__((export_name("conv2d_split")))
int conv2d_split(int batch, int in_h, int in_w, int out_h, int out_w, int filter_h, int filter_w,
                 int stride_h, int stride_w, int pad_top, int pad_left, int part, int parts) {
  long long total = 0;
  FOR_EACH_CLASS(batch, in_h, in_w, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left, k, pixels, {
    total += (long long)((pixels + 3) / 4) * ((k.kh1 - k.kh0) * (k.kw1 - k.kw0) + 1);
  })
  const long long target = total * part / parts;
  long long cost = 0;
  int first = 0;
  FOR_EACH_CLASS(batch, in_h, in_w, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left, k, pixels, {
    const int tiles = (pixels + 3) / 4;
    const int each = (k.kh1 - k.kh0) * (k.kw1 - k.kw0) + 1;
    if (cost + (long long)tiles * each >= target && part < parts) return first + (int)((target - cost + each - 1) / each);
    cost += (long long)tiles * each;
    first += tiles;
  })
  return first;
}

/*
 * x [batch, in_h, in_w, in_c], wp packed (see the header), y [batch, out_h, out_w, out_c],
 * bias [out_c] or 0; computes the tiles [tile_begin, tile_end) (numbered as in the header).
 */
__attribute__((export_name("conv2d_packed")))
void conv2d_packed(const float *x, const float *wp, float *y, int batch,
                   int in_h, int in_w, int in_c, int out_h, int out_w, int out_c,
                   int filter_h, int filter_w, int stride_h, int stride_w, int pad_top, int pad_left,
                   int tile_begin, int tile_end, const float *bias, int activation) {
  const conv_t c = {x, wp, y, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left, bias, activation};
  const int co_tiles = (out_c + 7) / 8;
  /* Output-channel tiles outermost: one tile's packed filter stays in cache for all pixels. */
  for (int ct = 0; ct < co_tiles; ct++) {
    int first = 0; /* number of the class's first tile */
    FOR_EACH_CLASS(batch, in_h, in_w, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left, k, pixels, {
      const int tiles = (pixels + 3) / 4;
      const int t0 = tile_begin > first ? tile_begin - first : 0;
      const int t1 = tile_end < first + tiles ? tile_end - first : tiles;
      if (t0 < t1) class_tiles(&c, &k, pixels, t0, t1, ct);
      first += tiles;
    })
  }
}

/*
 * conv2d_packed over all `tiles` tiles, shared by the `threads` threads that call it at once
 * through the counter *next (0 when the first of them starts): each thread takes
 * the next max(MIN_TILES, remaining / (2 * threads)) tiles until none remain (guided
 * self-scheduling, Polychronopoulos and Kuck 1987), so a thread that starts late or runs
 * slower (a colder cache, another thread on its core) takes fewer tiles and the threads end
 * within about one chunk of each other. Every output pixel is computed the same way whoever
 * takes it: the result does not depend on the split.
 */
#define MIN_TILES 64 /* 256 pixels; conv2d.ts shares only from 2 * MIN_TILES tiles per thread */
__attribute__((export_name("conv2d_shared")))
void conv2d_shared(const float *x, const float *wp, float *y, int batch,
                   int in_h, int in_w, int in_c, int out_h, int out_w, int out_c,
                   int filter_h, int filter_w, int stride_h, int stride_w, int pad_top, int pad_left,
                   int tiles, int *next, int threads, const float *bias, int activation) {
  if (threads < 1) threads = 1;
  int begin = __atomic_load_n(next, __ATOMIC_RELAXED);
  for (;;) {
    if (begin >= tiles) return;
    int chunk = (tiles - begin) / (2 * threads);
    if (chunk < MIN_TILES) chunk = MIN_TILES;
    const int end = chunk < tiles - begin ? begin + chunk : tiles;
    /* On failure `begin` becomes the counter's value: another thread took those tiles. */
    if (!__atomic_compare_exchange_n(next, &begin, end, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) continue;
    conv2d_packed(x, wp, y, batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w,
                  pad_top, pad_left, begin, end, bias, activation);
    begin = __atomic_load_n(next, __ATOMIC_RELAXED);
  }
}

/*
 * Packs w [filter_h, filter_w, ci, co] (a Conv2D filter) for conv2d_packed as the
 * filter of its input gradient: flipped in space, channels swapped,
 *   w'[i, j, o, c] = w[filter_h - 1 - i, filter_w - 1 - j, c, o],
 * into wp[c_tile][i * filter_w + j][o][8] (c = c_tile * 8 + lane; lanes past ci zero).
 */
__attribute__((export_name("pack_flipped_filter")))
void pack_flipped_filter(const float *w, float *wp, int filter_h, int filter_w, int ci, int co) {
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
 * wp[co_tile][tap][c][8] = w[tap][c][co_tile * 8 + lane] (lanes past co zero).
 */
__attribute__((export_name("pack_filter")))
void pack_filter(const float *w, float *wp, int taps, int ci, int co) {
  const int co_tiles = (co + 7) / 8;
  for (int ct = 0; ct < co_tiles; ct++)
    for (int t = 0; t < taps; t++)
      for (int c = 0; c < ci; c++) {
        const float *src = w + (t * ci + c) * co;
        float *dst = wp + ((ct * taps + t) * ci + c) * 8;
        for (int l = 0; l < 8; l++) dst[l] = ct * 8 + l < co ? src[ct * 8 + l] : 0.0f;
      }
}
