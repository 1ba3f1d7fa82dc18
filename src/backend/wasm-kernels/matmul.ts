/**
 * BatchMatMul with exactly one operand transposed, the two products of a Dense layer's
 * gradients, on tfexp's SIMD convolution kernels: a matrix product is a 1 x 1 convolution
 * whose pixels are the product's rows. Operands are matrices, or rank-3 with a batch of 1
 * (as tfjs-layers' Dense passes them).
 * - a^T b (the kernel gradient, x^T dy): a [K, M], b [K, N] -> [M, N] is a^T (the package's
 *   Transpose) as M one-pixel images of K channels convolved with the filter [1, 1, K, N] = b
 *   (the registered Conv2D, convolution.ts).
 * - a b^T (the input gradient, dy W^T): a [M, K], b [N, K] -> [M, N] is the input gradient
 *   of a 1 x 1 convolution of M one-pixel images with the filter [1, 1, N, K] = b, dy = a
 *   (the registered Conv2DBackpropInput).
 * (`npm run profile:step` lists them as "BatchMatMul > Conv2D" and so on.) The package
 * runs both about 3x slower at the baseline's Dense layer (64 x 2304 x 10, 2 threads: 1.24 and
 * 1.07 ms against 0.34-0.42 and 0.28-0.32 ms, 2026-12-02). Everything else (no or two
 * transposes, batches, int32, a missing SIMD module) goes to the package's kernel.
 */
import { dispose, kernel, pool, type KernelFn, type TensorInfo } from './common.js';

/** The same tensor data read as another shape with as many elements (as tfjs-backend-wasm's Reshape does). */
const view = (info: TensorInfo, shape: number[]): TensorInfo => ({ dataId: info.dataId, shape, dtype: info.dtype });

const ONE_BY_ONE = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };

/** [rows, columns] of a matrix, or of a rank-3 operand with a batch of 1; undefined otherwise. */
function matrix(info: TensorInfo): [number, number] | undefined {
  const { shape } = info;
  if (info.dtype !== 'float32' || (shape.length !== 2 && !(shape.length === 3 && shape[0] === 1)) || shape.some((n) => n === 0)) return undefined;
  return [shape[shape.length - 2]!, shape[shape.length - 1]!];
}

/**
 * BatchMatMul (inputs a, b; attrs transposeA, transposeB); float32 output [M, N], or [1, M, N]
 * for rank-3 operands.
 * @param fallback the package's BatchMatMul.
 */
export function batchMatMul(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const am = matrix(a);
    const bm = matrix(b);
    const usable = transposeA !== transposeB && am !== undefined && bm !== undefined && a.shape.length === b.shape.length &&
      (transposeA ? am[0] === bm[0] : am[1] === bm[1]);
    if (!usable || pool(backend) === undefined) return fallback(args);
    const [a1, a2] = am;
    const [b1, b2] = bm;
    const batch = a.shape.length === 3 ? [1] : [];
    if (transposeA) {
      // a [K, M], b [K, N]: a^T [M, K] as M one-pixel images of K channels, convolved with the filter [1, 1, K, N] = b.
      const at = kernel('Transpose')({ inputs: { x: view(a, [a1, a2]) }, backend, attrs: { perm: [1, 0] } });
      try {
        const out = kernel('Conv2D')({ inputs: { x: view(at, [a2, 1, 1, a1]), filter: view(b, [1, 1, b1, b2]) }, backend, attrs: ONE_BY_ONE });
        return view(out, [...batch, a2, b2]);
      } finally {
        dispose(backend, at);
      }
    }
    // a [M, K], b [N, K]: dx [M, 1, 1, N] of dy [M, 1, 1, K] and the filter [1, 1, N, K].
    const out = kernel('Conv2DBackpropInput')({
      inputs: { dy: view(a, [a1, 1, 1, a2]), filter: view(b, [1, 1, b1, b2]) },
      backend,
      attrs: { ...ONE_BY_ONE, inputShape: [a1, 1, 1, b1] },
    });
    return view(out, [...batch, a1, b1]);
  };
}
