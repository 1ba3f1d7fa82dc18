/*
 * MaxPool gradient (tf.raw_ops.MaxPoolGrad), NHWC, float32, WASM SIMD128:
 * each dy[b, oh, ow, c] is added to dx at the first maximum (row-major order over
 * the window, strict >) of x in its window, tfjs-backend-cpu's rule; windows whose
 * values are all NaN or -inf pass nothing. Four channels at a time, with the
 * running maximum and its flat index kept in SIMD registers.
 *
 * Computes images [b_begin, b_end) only (threads split the batch); dx for those
 * images is overwritten.
 */
#include <wasm_simd128.h>

__attribute__((export_name("max_pool_grad")))
void max_pool_grad(const float *x, const float *dy, float *dx,
                   int in_h, int in_w, int channels, int out_h, int out_w,
                   int filter_h, int filter_w, int stride_h, int stride_w, int pad_top, int pad_left,
                   int b_begin, int b_end) {
  const int image = in_h * in_w * channels;
  __builtin_memset(dx + b_begin * image, 0, (unsigned long)(b_end - b_begin) * image * sizeof(float));
  const int c_vec_end = channels / 4 * 4;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int b = b_begin; b < b_end; b++) {
    for (int oh = 0; oh < out_h; oh++) {
      const int h0 = oh * stride_h - pad_top;
      const int fh0 = h0 < 0 ? -h0 : 0, fh1 = h0 + filter_h > in_h ? in_h - h0 : filter_h;
      for (int ow = 0; ow < out_w; ow++) {
        const int w0 = ow * stride_w - pad_left;
        const int fw0 = w0 < 0 ? -w0 : 0, fw1 = w0 + filter_w > in_w ? in_w - w0 : filter_w;
        const float *g = dy + ((b * out_h + oh) * out_w + ow) * channels;
        for (int c = 0; c < c_vec_end; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t where = wasm_i32x4_splat(-1);
          for (int fh = fh0; fh < fh1; fh++) {
            for (int fw = fw0; fw < fw1; fw++) {
              const int at = ((b * in_h + h0 + fh) * in_w + w0 + fw) * channels + c;
              const v128_t v = wasm_v128_load(x + at);
              const v128_t greater = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, greater);
              where = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), lanes), where, greater);
            }
          }
          const int i0 = wasm_i32x4_extract_lane(where, 0), i1 = wasm_i32x4_extract_lane(where, 1);
          const int i2 = wasm_i32x4_extract_lane(where, 2), i3 = wasm_i32x4_extract_lane(where, 3);
          if (i0 >= 0) dx[i0] += g[c];
          if (i1 >= 0) dx[i1] += g[c + 1];
          if (i2 >= 0) dx[i2] += g[c + 2];
          if (i3 >= 0) dx[i3] += g[c + 3];
        }
        for (int c = c_vec_end; c < channels; c++) {
          float best = -__builtin_inff();
          int where = -1;
          for (int fh = fh0; fh < fh1; fh++) {
            for (int fw = fw0; fw < fw1; fw++) {
              const int at = ((b * in_h + h0 + fh) * in_w + w0 + fw) * channels + c;
              if (x[at] > best) { best = x[at]; where = at; }
            }
          }
          if (where >= 0) dx[where] += g[c];
        }
      }
    }
  }
}
