/**
 * tfexp's SIMD kernels on the package's own single-threaded wasm build (what runs
 * when the threaded module cannot start): its heap is an unshared memory exported
 * by the module, so the kernels use kernels-unshared.wasm on the calling thread.
 * Its own file: the other backend tests replace `wasm` with the threaded build.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { kernelVariant } from '../../src/backend/simd/pool.js';
import { registerWasmTrainingKernels, simdKernelsOnActiveBackend, simdKernelState } from '../../src/backend/wasm-kernels/index.js';

test('single-threaded wasm build: the SIMD kernels run on one thread and match cpu', async () => {
  registerWasmTrainingKernels();
  const grads = () =>
    tf.tidy(() => {
      const x = tf.randomUniform([2, 6, 6, 4], -1, 1, 'float32', 1);
      const f = tf.randomUniform([3, 3, 4, 8], -1, 1, 'float32', 2);
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))))([x, f]);
      return [dx!.dataSync(), df!.dataSync()];
    });
  assert.ok(await tf.setBackend('wasm'));
  const wasm = grads();
  assert.deepEqual(simdKernelState(), { enabled: true, error: null });
  assert.deepEqual(simdKernelsOnActiveBackend(), { threads: 1, kernels: kernelVariant() });
  assert.ok(await tf.setBackend('cpu'));
  const cpu = grads();
  for (const [i, values] of wasm.entries()) {
    const scale = Math.max(1, ...Array.from(cpu[i]!, Math.abs));
    values.forEach((v, j) => assert.ok(Math.abs(v - cpu[i]![j]!) <= 1e-4 * scale, `output ${i}[${j}]: ${v} vs ${cpu[i]![j]}`));
  }
});
