/**
 * Reproducible matrix products on webgpu. For a single matrix product with a long inner
 * dimension and few output tiles, tfjs-backend-webgpu 4.22 picks its split-K program
 * (kernels/BatchMatMul_impl.ts: batch 1, K >= 2000), which adds the partial sums of each
 * output element with atomics: on a GPU their order, and so the float32 result, varies
 * from run to run. The baseline's last Dense ([batch, 2304] x [2304, 10]) is such a product.
 *
 * tfexp wraps BatchMatMul and _FusedMatMul so those calls run the tiled MatMulPackedProgram
 * instead (no atomics; one fixed summation order). Other calls are untouched. Porting Note:
 * Conv2D's 1x1 fast path (a 1x1 Conv2D, SeparableConv2D's pointwise step) calls the same
 * implementation inside the kernel and is not covered: such a convolution over 2,000 or
 * more input channels on a single image may still use split-K.
 */
import * as tf from '@tensorflow/tfjs';

/** tfjs-backend-webgpu's MatMulProgramType.MatMulPackedProgram (webgpu_util.ts). */
const MATMUL_PACKED_PROGRAM = 3;
/** The flag that forces a program type; -1 lets tfjs choose (flags_webgpu.ts). */
const PROGRAM_TYPE_FLAG = 'WEBGPU_MATMUL_PROGRAM_TYPE';
/** Smallest inner dimension for which tfjs may choose split-K. */
const SPLIT_K_MIN_INNER = 2000;

const wrapped = new WeakSet<object>();

/** Registers the wrappers once for the webgpu backend (its kernels must be registered first). */
export function registerDeterministicMatMul(): void {
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'webgpu');
    if (original === undefined || wrapped.has(original.kernelFunc)) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeB } = args.attrs as { transposeB?: boolean };
      const inner = transposeB ? b.shape[b.shape.length - 1]! : b.shape[b.shape.length - 2]!;
      const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
      if (batch !== 1 || inner < SPLIT_K_MIN_INNER || tf.env().getNumber(PROGRAM_TYPE_FLAG) !== -1) return original.kernelFunc(args);
      tf.env().set(PROGRAM_TYPE_FLAG, MATMUL_PACKED_PROGRAM);
      try {
        return original.kernelFunc(args);
      } finally {
        tf.env().set(PROGRAM_TYPE_FLAG, -1);
      }
    };
    wrapped.add(kernelFunc);
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel({ ...original, kernelFunc });
  }
}
