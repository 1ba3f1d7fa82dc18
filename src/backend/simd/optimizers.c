/*
 * Optimizer updates, float32, WASM SIMD128: one pass over a variable instead of the
 * ten element-wise tfjs ops (each a pass over memory) tfjs's optimizer runs.
 * Float arguments arrive as their IEEE-754 bits in an int (the pool passes int32s).
 */
#include <wasm_simd128.h>

static inline float from_bits(int bits) {
  union { int i; float f; } u = {bits};
  return u.f;
}

/*
 * RMSprop without centering, the formulas and operation order of tfjs-core's
 * RMSPropOptimizer (so results match it bit for bit where float32 allows):
 *   ms'  = ms * rho + (g * g) * one_minus_rho
 *   mom' = mom * momentum + (g * lr) / sqrt(ms' + epsilon)
 *   w'   = w - mom'
 * over elements [begin, end) of w, g, ms, mom; results go to w_out, ms_out, mom_out.
 */
__attribute__((export_name("rmsprop_update")))
void rmsprop_update(const float *w, const float *g, const float *ms, const float *mom,
                    float *w_out, float *ms_out, float *mom_out, int begin, int end,
                    int lr_bits, int rho_bits, int one_minus_rho_bits, int momentum_bits, int epsilon_bits) {
  const float lr = from_bits(lr_bits), rho = from_bits(rho_bits), one_minus_rho = from_bits(one_minus_rho_bits);
  const float momentum = from_bits(momentum_bits), epsilon = from_bits(epsilon_bits);
  const v128_t vlr = wasm_f32x4_splat(lr), vrho = wasm_f32x4_splat(rho), v1rho = wasm_f32x4_splat(one_minus_rho);
  const v128_t vmomentum = wasm_f32x4_splat(momentum), veps = wasm_f32x4_splat(epsilon);
  int i = begin;
  for (; i + 4 <= end; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t s = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(ms + i), vrho), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), v1rho));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(gi, vlr), wasm_f32x4_sqrt(wasm_f32x4_add(s, veps)));
    const v128_t m = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(mom + i), vmomentum), step);
    wasm_v128_store(ms_out + i, s);
    wasm_v128_store(mom_out + i, m);
    wasm_v128_store(w_out + i, wasm_f32x4_sub(wasm_v128_load(w + i), m));
  }
  for (; i < end; i++) {
    const float s = ms[i] * rho + (g[i] * g[i]) * one_minus_rho;
    const float m = mom[i] * momentum + (g[i] * lr) / __builtin_sqrtf(s + epsilon);
    ms_out[i] = s;
    mom_out[i] = m;
    w_out[i] = w[i] - m;
  }
}
