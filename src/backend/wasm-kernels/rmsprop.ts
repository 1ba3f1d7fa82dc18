/** The fused RMSprop update kernel (src/model/rmsprop.ts) for wasm. */
import * as tf from '@tensorflow/tfjs';
import { rmspropUpdate as simdRmspropUpdate } from '../simd/optimizers.js';
import { InternalError } from '../../errors.js';
import { RMSPROP_UPDATE } from '../../model/rmsprop.js';
import { address, checkShape, pool, withOutputs, type MultiKernelFn, type TensorInfo } from './common.js';

/**
 * The fused RMSprop update (src/model/rmsprop.ts): inputs value, gradient, ms, mom
 * (float32, one shape); outputs [value', ms', mom']. SIMD kernel, or the same
 * formulas in float32 (Math.fround after each operation) without it.
 */
export const rmspropUpdate: MultiKernelFn = ({ inputs, backend, attrs }) => {
  const { value, gradient, ms, mom } = inputs as Record<'value' | 'gradient' | 'ms' | 'mom', TensorInfo>;
  for (const [name, info] of Object.entries({ value, gradient, ms, mom })) {
    checkShape(`${RMSPROP_UPDATE} ${name}`, info, value.shape);
    if (info.dtype !== 'float32') throw new InternalError(`${RMSPROP_UPDATE}: ${name} is ${info.dtype}, expected float32`);
  }
  const hyper = attrs as unknown as { learningRate: number; rho: number; momentum: number; epsilon: number };
  const outputs = [0, 1, 2].map(() => backend.makeOutput(value.shape, 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  const size = tf.util.sizeFromShape(value.shape);
  const simd = pool(backend);
  if (simd !== undefined) {
    const at = (info: TensorInfo) => address(backend, info);
    return withOutputs(backend, outputs, [], () =>
      simdRmspropUpdate(simd, { w: at(value), g: at(gradient), ms: at(ms), mom: at(mom) }, { w: at(outputs[0]), ms: at(outputs[1]), mom: at(outputs[2]) }, size, hyper),
    );
  }
  const [w, g, s, m] = [value, gradient, ms, mom].map((info) => backend.typedArrayFromHeap(info)) as Float32Array[];
  const [wOut, sOut, mOut] = outputs.map((info) => backend.typedArrayFromHeap(info)) as Float32Array[];
  const f = Math.fround;
  const [lr, rho, oneMinusRho, momentum, epsilon] = [hyper.learningRate, hyper.rho, 1 - hyper.rho, hyper.momentum, hyper.epsilon].map(f) as number[];
  for (let i = 0; i < size; i++) {
    const gi = g![i]!;
    const si = f(f(s![i]! * rho!) + f(f(gi * gi) * oneMinusRho!));
    const mi = f(f(m![i]! * momentum!) + f(f(gi * lr!) / f(Math.sqrt(f(si + epsilon!)))));
    sOut![i] = si;
    mOut![i] = mi;
    wOut![i] = f(w![i]! - mi);
  }
  return outputs;
};
