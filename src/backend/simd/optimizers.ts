/** Optimizer updates on tfexp's SIMD kernels (optimizers.c). */
import { split, type SimdPool } from './pool.js';

/** Hyperparameters of an RMSprop update (tfjs-core RMSPropOptimizer's names in Keras terms). */
export interface RmspropHyper {
  readonly learningRate: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
}

/** Elements below which one thread does the whole update (thread wake-up costs more). */
const MIN_PER_THREAD = 16384;

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** The IEEE-754 float32 bits of `value` as an int32 (how the pool passes floats). */
function float32Bits(value: number): number {
  asFloat[0] = value;
  return bits[0]!;
}

/**
 * One non-centered RMSprop step over `size` float32 elements, addresses in heap bytes:
 * reads w, g (gradient), ms (mean square), mom (moments); writes w', ms', mom' to
 * the three outputs (which must not alias the inputs). Same formulas and operation
 * order as tfjs-core's RMSPropOptimizer, so results equal it in float32.
 */
export function rmspropUpdate(
  pool: SimdPool, inputs: { w: number; g: number; ms: number; mom: number }, outputs: { w: number; ms: number; mom: number },
  size: number, hyper: RmspropHyper,
): void {
  const ways = Math.max(1, Math.min(pool.threads, Math.floor(size / MIN_PER_THREAD)));
  const constants = [hyper.learningRate, hyper.rho, 1 - hyper.rho, hyper.momentum, hyper.epsilon].map(float32Bits);
  const parts = split(size, ways).map(([begin, end]) => [inputs.w, inputs.g, inputs.ms, inputs.mom, outputs.w, outputs.ms, outputs.mom, begin, end, ...constants]);
  pool.run('rmsprop_update', parts);
}
