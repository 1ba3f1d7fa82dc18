/**
 * Sum for wasm over leading axes (a bias gradient: dy summed over [batch, height,
 * width]) on tfexp's SIMD kernel, in one pass; the package's kernel transposes dy first.
 */
import * as tf from '@tensorflow/tfjs';
import { sumLeadingAxes as simdSumLeadingAxes } from '../simd/reduce.js';
import { address, pool, withOutputs, type KernelFn, type TensorInfo } from './common.js';

/** Input x, attrs axis (number or list, negative allowed) and keepDims. Other reductions, dtypes, or no SIMD module: the package's kernel. */
export function sum(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, i) => axis === i);
    const simd = x.dtype === 'float32' && leading ? pool(backend) : undefined;
    if (simd === undefined) return fallback(args);
    const kept = x.shape.slice(axes.length);
    const out = backend.makeOutput(attrs.keepDims === true ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    const cols = tf.util.sizeFromShape(kept);
    return withOutputs(backend, out, [], () => simdSumLeadingAxes(simd, address(backend, x), address(backend, out), tf.util.sizeFromShape(x.shape) / cols, cols));
  };
}
