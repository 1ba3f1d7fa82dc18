/** What the backend tests share: running a function on one backend, and comparing float arrays. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/** Runs `fn` on `backend` (in a tidy) and returns its outputs as plain arrays. */
export async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  return values;
}

/**
 * Asserts that `actual` equals `expected` within `tolerance` times the larger of 1 and the
 * largest |expected| (a NaN anywhere fails).
 */
export function assertClose(actual: Float32Array, expected: Float32Array | Float64Array, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance * scale, `${what}: max abs difference ${worst} > ${tolerance * scale}`);
}
