/** trainStep (trainOnBatch without its read-back) and ResultQueue (late, ordered read-back), on the cpu backend. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadExperiment } from '../../src/config/index.js';
import { mulberry32 } from '../../src/data/random.js';
import { compileExperiment } from '../../src/model/index.js';
import { ResultQueue, trainStep } from '../../src/train/step.js';
import { writeRunFixture } from './fixtures.js';

before(async () => {
  await tf.setBackend('cpu');
});

/** Two identical compiled models of the tiny fixture (same weights). */
function twins(): [tf.LayersModel, tf.LayersModel] {
  const loaded = loadExperiment(writeRunFixture(), ['train.optimizer={type: rmsprop, learning_rate: 0.01}']);
  const a = compileExperiment(loaded).model;
  const b = compileExperiment(loaded).model;
  b.setWeights(a.getWeights());
  return [a, b];
}

describe('trainStep', () => {
  it("gives trainOnBatch's losses and weights, bit for bit, over 3 steps", async () => {
    const [a, b] = twins();
    const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 3);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'float32');
    const realRandom = Math.random;
    try {
      for (let step = 0; step < 3; step++) {
        // The fixture has Dropout: both draw their masks from the same seeded Math.random.
        Math.random = mulberry32(step + 1);
        const expected = (await a.trainOnBatch(x, y)) as number[];
        Math.random = mulberry32(step + 1);
        const scalars = trainStep(b, x, y);
        const got = await Promise.all(scalars.map(async (s) => (await s.data())[0]));
        tf.dispose(scalars);
        assert.deepEqual(got, expected);
      }
    } finally {
      Math.random = realRandom;
    }
    const wa = await Promise.all(a.getWeights().map((w) => w.data()));
    const wb = await Promise.all(b.getWeights().map((w) => w.data()));
    assert.deepEqual(wb, wa);
  });
});

describe('ResultQueue', () => {
  const scalars = (i: number) => [tf.scalar(i), tf.scalar(i * 10)];

  it('delivers every batch once, in order, at most `lag` behind, and frees what it read', async () => {
    const before = tf.memory().numTensors;
    const delivered: [number, readonly number[]][] = [];
    const queue = new ResultQueue<number>(3, (batch, values) => delivered.push([batch, values]));
    for (let i = 1; i <= 10; i++) {
      await queue.push(scalars(i), i);
      assert.ok(queue.outstanding <= 3, `outstanding ${queue.outstanding}`);
      assert.ok(delivered.length >= i - 3);
    }
    await queue.drain();
    assert.deepEqual(delivered, Array.from({ length: 10 }, (_, k) => [k + 1, [k + 1, (k + 1) * 10]]));
    assert.equal(tf.memory().numTensors, before);
  });

  it('with lag 0, each batch is delivered before push returns', async () => {
    const delivered: number[] = [];
    const queue = new ResultQueue<number>(0, (batch) => delivered.push(batch));
    for (let i = 1; i <= 3; i++) {
      await queue.push(scalars(i), i);
      assert.deepEqual(delivered, Array.from({ length: i }, (_, k) => k + 1));
    }
  });

  it("a throwing deliver (TerminateOnNaN) rejects the push; the abandoned rest raise no unhandled rejection and leak nothing", async () => {
    const before = tf.memory().numTensors;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const queue = new ResultQueue<number>(4, (batch) => {
        if (batch === 2) throw new Error('loss became NaN at batch 2');
      });
      await assert.rejects(async () => {
        for (let i = 1; i <= 8; i++) await queue.push(scalars(i), i);
        await queue.drain();
      }, /loss became NaN at batch 2/);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
      assert.equal(tf.memory().numTensors, before);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
