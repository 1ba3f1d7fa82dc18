/*
 * acc + a * b on four float32 lanes, the multiply-add at the heart of the convolution kernels.
 *
 * Built with -mrelaxed-simd (clang 16 or later: the final opcodes of the WebAssembly relaxed
 * SIMD proposal), it is f32x4.relaxed_madd, which V8 (Node 22 and later) compiles to one fused
 * multiply-add (vfmadd on x86-64 with FMA, fmla on arm64): one rounding instead of two, so
 * results differ from the plain build in the last bits. Otherwise it is a multiply then an add,
 * the order of XNNPACK's kernels, equal to tfjs-backend-wasm's to the bit.
 */
#ifndef TFEXP_MADD_H
#define TFEXP_MADD_H
#include <wasm_simd128.h>

#ifdef __wasm_relaxed_simd__
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

#endif
