import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperimentData } from '../../src/data/index.js';
import { checkLabels } from '../../src/data/labels.js';
import { loadDataset, loadIdxDataset, type LoadedDataset } from '../../src/data/load.js';
import { encodeIdx } from '../../src/data/idx.js';
import { DataError, InternalError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { tempDir } from '../helpers.js';
import { npzBytes, writeIdxDataset } from './fixtures.js';

const LAYER = 'layer 2 (dense, Dense)';

/** Labels 0..9 (i % 10) with the given values written over the first positions. */
function labelsWith(n: number, extra: readonly number[]): Uint8Array {
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  labels.set(extra, 0);
  return labels;
}

/** An idx dataset (dataset kind `idx`) whose train labels hold 42 x3 and 255 x1, test labels 42 x1. */
function idxWithStrayLabels(): { dir: string; data: LoadedDataset } {
  const dir = tempDir();
  writeIdxDataset(dir, 20, 10, false, {
    trainLabels: encodeIdx([20], labelsWith(20, [42, 255, 42, 42])),
    testLabels: encodeIdx([10], labelsWith(10, [42])),
  });
  const at = (name: string) => join(dir, name);
  const data = loadIdxDataset(
    { trainImages: at('train-images-idx3-ubyte'), trainLabels: at('train-labels-idx1-ubyte'), testImages: at('t10k-images-idx3-ubyte'), testLabels: at('t10k-labels-idx1-ubyte') },
    dir,
  );
  return { dir, data };
}

test('checkLabels: idx labels 42 and 255 against 10 units: values, counts, file per split, the fix; exit 2', () => {
  const { dir, data } = idxWithStrayLabels();
  assert.equal(data.numClasses, 256); // what idx infers: nothing stops training without the check
  const error = checkLabels(data, 10, LAYER);
  assert.ok(error instanceof DataError);
  assert.equal(error.exitCode, 2);
  const train = join(dir, 'train-labels-idx1-ubyte');
  const test = join(dir, 't10k-labels-idx1-ubyte');
  assert.equal(error.file, train);
  assert.equal(
    error.message,
    [
      `labels 42 (3 samples) and 255 (1 sample) in train labels ${train} are outside 0..9 for the 10 units of ${LAYER}.`,
      `label 42 (1 sample) in test labels ${test} is outside 0..9 for the 10 units of ${LAYER}.`,
      "Labels are class indices into the model's output, so they must lie in 0..9. Set units: 256 on the final Dense layer if these are real classes, or fix the labels.",
    ].join('\n'),
  );
  // The same data fits a model with 256 units, and the fix is computed from the largest label.
  assert.equal(checkLabels(data, 256, LAYER), null);
  assert.match(checkLabels(data, 255, LAYER)!.message, /label 255 \(1 sample\) in train labels .* is outside 0\.\.254 for the 255 units .*Set units: 256 /s);
  const only255 = checkLabels(data, 43, LAYER)!.message.split('\n'); // 42 fits 43 units; the test split fits
  assert.equal(only255.length, 2);
  assert.ok(only255[0]!.startsWith(`label 255 (1 sample) in train labels ${train} is outside 0..42`), only255[0]);
});

test('checkLabels: only the test split out of range names only the test file; labels that fit give null', () => {
  const dir = tempDir();
  writeIdxDataset(dir, 10, 5, true, { testLabels: encodeIdx([5], Uint8Array.of(0, 1, 12, 3, 12)) });
  const data = loadIdxDataset(
    {
      trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
      testImages: join(dir, 't10k-images-idx3-ubyte.gz'),
      testLabels: join(dir, 't10k-labels-idx1-ubyte.gz'),
    },
    dir,
  );
  const error = checkLabels(data, 10, LAYER)!;
  assert.equal(error.file, join(dir, 't10k-labels-idx1-ubyte.gz'));
  assert.equal(error.message.split('\n').length, 2);
  assert.ok(error.message.startsWith(`label 12 (2 samples) in test labels ${join(dir, 't10k-labels-idx1-ubyte.gz')} is outside 0..9`), error.message);
  assert.match(error.message, /Set units: 13 on the final Dense layer/);
  assert.equal(checkLabels(data, 13, LAYER), null);
});

test('checkLabels: every dataset kind (mnist IDX, mnist .npz, fashion-mnist IDX, idx from an experiment) names its labels file', async () => {
  // A model with 5 units cannot output the labels 5..9 that the fixtures hold (i % 10).
  const root = tempDir();
  writeIdxDataset(join(root, 'mnist'), 12, 10, true);
  writeIdxDataset(join(root, 'fashion-mnist'), 12, 10, false);
  const npzRoot = tempDir();
  mkdirSync(join(npzRoot, 'mnist'));
  writeFileSync(join(npzRoot, 'mnist', 'mnist.npz'), npzBytes(12, 10));
  const expDir = tempDir();
  writeIdxDataset(join(expDir, 'files'), 12, 10, true);
  const experiment = join(expDir, 'e.yaml');
  const files = {
    dataset: 'idx',
    train_images: 'files/train-images-idx3-ubyte.gz',
    train_labels: 'files/train-labels-idx1-ubyte.gz',
    test_images: 'files/t10k-images-idx3-ubyte.gz',
    test_labels: 'files/t10k-labels-idx1-ubyte.gz',
  };
  const kinds: [LoadedDataset, string, string][] = [
    [await loadDataset('mnist', { dataDir: root, env: {}, checksums: {} }), join(root, 'mnist', 'train-labels-idx1-ubyte.gz'), join(root, 'mnist', 't10k-labels-idx1-ubyte.gz')],
    [await loadDataset('mnist', { dataDir: npzRoot, env: {}, checksums: {} }), `${join(npzRoot, 'mnist', 'mnist.npz')}:y_train.npy`, `${join(npzRoot, 'mnist', 'mnist.npz')}:y_test.npy`],
    [await loadDataset('fashion-mnist', { dataDir: root, env: {}, checksums: {} }), join(root, 'fashion-mnist', 'train-labels-idx1-ubyte'), join(root, 'fashion-mnist', 't10k-labels-idx1-ubyte')],
    [await loadExperimentData(files as never, experiment), join(expDir, 'files', 'train-labels-idx1-ubyte.gz'), join(expDir, 'files', 't10k-labels-idx1-ubyte.gz')],
  ];
  for (const [data, train, test] of kinds) {
    assert.equal(checkLabels(data, 10, LAYER), null, data.name);
    const error = checkLabels(data, 5, LAYER);
    assert.ok(error instanceof DataError, data.name);
    assert.equal(error.file, train);
    // train 12 samples: labels 5..9 once each, except 0 and 1 twice (i % 10); test 10: 5..9 once each
    const trainLine = `labels 5 (1 sample), 6 (1 sample), 7 (1 sample), 8 (1 sample) and 9 (1 sample) in train labels ${train} are outside 0..4 for the 5 units of ${LAYER}.`;
    const testLine = `labels 5 (1 sample), 6 (1 sample), 7 (1 sample), 8 (1 sample) and 9 (1 sample) in test labels ${test} are outside 0..4 for the 5 units of ${LAYER}.`;
    assert.deepEqual(error.message.split('\n').slice(0, 2), [trainLine, testLine], data.name);
    assert.match(error.message, /Set units: 10 on the final Dense layer/);
  }
});

test('checkLabels: many distinct values are summed up after 7; splits built in memory are named by split', () => {
  const labels = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
  const split = { images: new Uint8Array(300), labels, count: 300 };
  const data = { ...idxWithStrayLabels().data, train: split, test: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 } };
  const error = checkLabels(data, 2, LAYER)!;
  // values 2..255 are outside: 2..43 occur twice (i % 256 for i < 300), the rest once
  assert.ok(
    error.message.startsWith(
      'labels 2 (2 samples), 3 (2 samples), 4 (2 samples), 5 (2 samples), 6 (2 samples), 7 (2 samples), 8 (2 samples) and 247 other values (282 samples) in the train split are outside 0..1',
    ),
    error.message,
  );
  assert.equal(error.message.split('\n').length, 2);
  assert.equal(error.file, data.source.dir);
  assert.equal(
    error.message,
    message.labelsOutsideModel(
      [{ split: 'train', file: undefined, outside: Array.from({ length: 254 }, (_, k) => ({ label: k + 2, count: k + 2 < 44 ? 2 : 1 })) }],
      2,
      LAYER,
      256,
    ),
  );
});

test('checkLabels: one pass, fast on a 6-million-label split; a non-positive class count is a tfexp bug', () => {
  const n = 6_000_000;
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  labels[n - 1] = 200;
  const big = { images: new Uint8Array(0), labels, count: n };
  const data = { ...idxWithStrayLabels().data, train: big, test: big };
  const start = performance.now();
  const error = checkLabels(data, 10, LAYER);
  const ms = performance.now() - start;
  assert.ok(error !== null && error.message.startsWith('label 200 (1 sample) in the train split'), error?.message);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  assert.throws(() => checkLabels(data, 0, LAYER), InternalError);
  assert.throws(() => checkLabels(data, 2.5, LAYER), InternalError);
});
