import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { batches } from '../../src/data/batches.js';
import { mulberry32 } from '../../src/data/random.js';
import { splitIndices } from '../../src/data/split.js';
import { tinySplit } from './fixtures.js';

test('mulberry32: reference values for seed 42 (same on every run and platform)', () => {
  // Pinned outputs of the reference JavaScript implementation: a change here changes every split.
  const r = mulberry32(42);
  assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  assert.notEqual(mulberry32(43)(), 0.6011037519201636);
});

test('split: same seed same split; train and validation disjoint and together the limited set', () => {
  const a = splitIndices(1000, 200, { seed: 7, validationSplit: 0.2 });
  const b = splitIndices(1000, 200, { seed: 7, validationSplit: 0.2 });
  assert.deepEqual(a, b);
  assert.equal(a.train.length, 800);
  assert.equal(a.validation.length, 200);
  const all = new Set([...a.train, ...a.validation]);
  assert.equal(all.size, 1000);
  assert.notDeepEqual([...splitIndices(1000, 200, { seed: 8, validationSplit: 0.2 }).validation], [...a.validation]);
  // shuffled, not the last 200 as Keras would take
  assert.ok([...a.validation].some((i) => i < 800));
});

test('split: limits take the first N of the seeded shuffle, then the validation split', () => {
  const full = splitIndices(1000, 200, { seed: 7 });
  const limited = splitIndices(1000, 200, { seed: 7, trainLimit: 100, testLimit: 30, validationSplit: 0.1 });
  assert.equal(limited.train.length, 90);
  assert.equal(limited.validation.length, 10);
  assert.equal(limited.test.length, 30);
  assert.deepEqual([...limited.train, ...limited.validation], [...full.train.subarray(0, 100)]);
  assert.deepEqual([...limited.test], [...full.test.subarray(0, 30)]);
  assert.throws(() => splitIndices(10, 0, { seed: 1, validationSplit: 1 }), RangeError);
});

test('batches: float32 [batch, h, w, c] scaled to [0, 1], float32 labels, last batch smaller', () => {
  const split = { ...tinySplit(5), count: 5 };
  const got = [...batches(split, Uint32Array.of(4, 0, 2, 1, 3), { batchSize: 2, sampleShape: [2, 3, 1] })];
  assert.deepEqual(got.map((b) => b.xs.shape), [[2, 2, 3, 1], [2, 2, 3, 1], [1, 2, 3, 1]]);
  assert.equal(got[0]!.xs.dtype, 'float32');
  assert.equal(got[0]!.ys.dtype, 'float32');
  assert.deepEqual(Array.from(got[0]!.ys.dataSync()), [4, 0]);
  assert.ok(Math.abs(got[0]!.xs.dataSync()[0]! - 4 / 255) < 1e-7);
  got.forEach((b) => tf.dispose([b.xs, b.ys]));
  const raw = batches(split, Uint32Array.of(3), { batchSize: 8, sampleShape: [2, 3, 1], normalize: false }).next().value!;
  assert.equal(raw.xs.dataSync()[5], 3);
  tf.dispose([raw.xs, raw.ys]);
});

test('batches: tensor count stays flat over an epoch when each batch is disposed', () => {
  const split = { ...tinySplit(100), count: 100 };
  const before = tf.memory().numTensors;
  let seen = 0;
  for (const batch of batches(split, splitIndices(100, 0, { seed: 1 }).train, { batchSize: 8, sampleShape: [2, 3, 1] })) {
    assert.equal(tf.memory().numTensors, before + 2);
    tf.dispose([batch.xs, batch.ys]);
    seen++;
  }
  assert.equal(seen, 13);
  assert.equal(tf.memory().numTensors, before);
});
