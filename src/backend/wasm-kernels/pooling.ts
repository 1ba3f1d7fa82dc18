/** MaxPoolGrad for wasm on tfexp's SIMD kernel (the package's loops per element, ~5x slower). */
import * as tf from '@tensorflow/tfjs';
import { maxPoolGrad as simdMaxPoolGrad } from '../simd/max-pool-grad.js';
import { address, checkShape, pool, withOutputs, type KernelFn, type TensorInfo } from './common.js';

/**
 * dx for MaxPool: inputs dy [B, oh, ow, c] and x [B, H, W, c]; output [B, H, W, c],
 * float32. Each dy value goes to the first maximum of its window (tfjs-backend-cpu's
 * rule). Without the SIMD module, the package's kernel.
 */
export function maxPoolGrad(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input: x } = inputs as { dy: TensorInfo; input: TensorInfo };
    const simd = pool(backend);
    if (simd === undefined) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number], attrs.filterSize as [number, number], attrs.strides as [number, number],
      1, attrs.pad as 'same', attrs.dimRoundingMode as undefined,
    );
    checkShape('MaxPoolGrad dy', dy, info.outShape);
    const out = backend.makeOutput(x.shape, 'float32');
    return withOutputs(backend, out, [], () => simdMaxPoolGrad(simd, address(backend, x), address(backend, dy), address(backend, out), info));
  };
}
