/**
 * tfexp's RMSprop (src/model/rmsprop.ts) against tfjs's own: on wasm it runs the
 * fused one-pass kernel (SIMD, or its plain-JavaScript fallback), elsewhere tfjs's
 * code. Both must give tfjs's numbers: the fused update uses the same float32
 * operations in the same order, so values are compared exactly.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { useSimdKernels } from '../../src/backend/wasm-kernels/index.js';
import { RMSPROP_UPDATE, RMSPropOptimizer } from '../../src/model/rmsprop.js';

before(async () => {
  assert.equal((await selectBackend({ request: 'wasm', threads: 2 })).name, 'wasm');
});

/** Three steps on two variables (one large enough to be split over threads), the learning rate changed before the last. */
async function train(optimizer: tf.RMSPropOptimizer): Promise<{ values: number[][]; weights: string[] }> {
  const a = tf.variable(tf.randomUniform([70000], -1, 1, 'float32', 1), true, `a${Math.random()}`);
  const b = tf.variable(tf.randomUniform([3, 5], -1, 1, 'float32', 2), true, `b${Math.random()}`);
  const target = tf.randomUniform([70000], -1, 1, 'float32', 3);
  for (let step = 0; step < 3; step++) {
    if (step === 2) (optimizer as unknown as { learningRate: number }).learningRate = 0.003;
    optimizer.minimize(() => tf.add(tf.sum(tf.square(tf.sub(a, target))), tf.sum(tf.mul(b, b))));
  }
  const values = [Array.from(await a.data()), Array.from(await b.data())];
  const weights = (await optimizer.getWeights()).map((w) => w.name.replace(/^[ab][0-9.e-]+/, 'var'));
  for (const w of (await optimizer.getWeights()).slice(1)) values.push(Array.from(await w.tensor.data()));
  optimizer.dispose();
  tf.dispose([a, b, target]);
  return { values, weights };
}

describe('RMSprop: tfexp fused update equals tfjs', () => {
  for (const momentum of [0, 0.9]) {
    for (const simd of [true, false]) {
      it(`momentum ${momentum}, ${simd ? 'SIMD kernel' : 'JavaScript fallback'}: same weights, slots and slot names after 3 steps`, async () => {
        useSimdKernels(simd);
        try {
          const ours = await train(new RMSPropOptimizer(0.01, 0.9, momentum, 1e-7));
          const theirs = await train(tf.train.rmsprop(0.01, 0.9, momentum, 1e-7));
          assert.deepEqual(ours.weights, theirs.weights);
          assert.deepEqual(ours.values, theirs.values);
        } finally {
          useSimdKernels(true);
        }
      });
    }
  }

  it('on wasm, a step runs the fused kernel once per variable and no element-wise Sqrt', async () => {
    const optimizer = new RMSPropOptimizer(0.01, 0.9, 0, 1e-7);
    const a = tf.variable(tf.ones([10]));
    const b = tf.variable(tf.ones([4]));
    const info = await tf.profile(() => {
      optimizer.minimize(() => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(b))));
    });
    assert.equal(info.kernels.filter((kernel) => kernel.name === RMSPROP_UPDATE).length, 2);
    assert.ok(!info.kernelNames.includes('Sqrt'));
    optimizer.dispose();
    tf.dispose([a, b]);
  });

  it('the kernel refuses slots of another shape (e.g. restored from another model)', () => {
    const [value, gradient, ms] = [tf.ones([4]), tf.ones([4]), tf.zeros([4])];
    const mom = tf.zeros([5]);
    assert.throws(() => tf.engine().runKernel(RMSPROP_UPDATE, { value, gradient, ms, mom }, { learningRate: 0.1, rho: 0.9, momentum: 0, epsilon: 1e-7 }), /mom: shape \[5\], expected \[4\]/);
    tf.dispose([value, gradient, ms, mom]);
  });

  it('centered RMSprop is tfjs code, unchanged', async () => {
    const ours = await train(new RMSPropOptimizer(0.01, 0.9, 0.5, 1e-7, true));
    const theirs = await train(tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true));
    assert.deepEqual(ours.values, theirs.values);
  });

  it('on a backend without the fused kernel (cpu), tfjs code', async () => {
    await tf.setBackend('cpu');
    try {
      const ours = await train(new RMSPropOptimizer(0.01, 0.9, 0, 1e-7));
      const theirs = await train(tf.train.rmsprop(0.01, 0.9, 0, 1e-7));
      assert.deepEqual(ours.values, theirs.values);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
