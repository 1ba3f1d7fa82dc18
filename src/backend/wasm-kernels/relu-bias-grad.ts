/**
 * RELU_BIAS_GRAD for wasm (src/model/conv2d-bias-activation.ts): ReLU's gradient and the bias
 * gradient of a Conv2D layer in one pass over dy and y, on tfexp's SIMD kernel (reduce.c).
 */
import * as tf from '@tensorflow/tfjs';
import { InternalError } from '../../errors.js';
import { RELU_BIAS_GRAD } from '../../model/conv2d-bias-activation.js';
import { reluBiasGrad as simdReluBiasGrad, reluBiasGradScratch } from '../simd/reduce.js';
import { address, checkShape, kernel, makeOutputs, pool, withOutputs, type MultiKernelFn, type TensorInfo } from './common.js';

/**
 * Inputs dy and y (float32, one shape [..., channels], y a ReLU's output); outputs
 * [dz = dy * step(y) (dy's shape), db = dz summed over all axes but the last ([channels])].
 * Without the SIMD module: dz by a loop, db by the registered Sum kernel.
 * @throws InternalError for other dtypes, differing shapes, or a scalar.
 */
export const reluBiasGrad: MultiKernelFn = ({ inputs, backend }) => {
  const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
  checkShape(`${RELU_BIAS_GRAD} y`, y, dy.shape);
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.length === 0) {
    throw new InternalError(`${RELU_BIAS_GRAD}: dy ${dy.dtype} [${dy.shape}], y ${y.dtype}: expected float32 with a channel axis`);
  }
  const cols = dy.shape[dy.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(dy.shape) / cols;
  const simd = pool(backend);
  if (simd !== undefined) {
    const [dz, db, scratch] = makeOutputs(backend, [dy.shape, [cols], [reluBiasGradScratch(simd, cols)]]) as [TensorInfo, TensorInfo, TensorInfo];
    const at = (info: TensorInfo) => address(backend, info);
    return withOutputs(backend, [dz, db], [scratch], () => simdReluBiasGrad(simd, at(dy), at(y), at(dz), at(db), at(scratch), rows, cols));
  }
  const dz = backend.makeOutput(dy.shape, 'float32');
  const [d, v, out] = [dy, y, dz].map((info) => backend.typedArrayFromHeap(info)) as [Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < out.length; i++) out[i] = d[i]! * (v[i]! > 0 ? 1 : Number.isNaN(v[i]) ? Number.NaN : 0);
  const axis = dy.shape.slice(0, -1).map((_, i) => i);
  return [dz, kernel('Sum')({ inputs: { x: dz }, backend, attrs: { axis, keepDims: false } })];
};
