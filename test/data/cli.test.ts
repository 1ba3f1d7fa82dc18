import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatDataReport } from '../../src/cli/commands/data.js';
import { encodeIdx } from '../../src/data/idx.js';
import { loadDataset } from '../../src/data/load.js';
import * as message from '../../src/log/message.js';
import { runCli, tempDir } from '../helpers.js';
import { writeIdxDataset } from './fixtures.js';

test('tfexp data <experiment.yaml> with dataset idx: counts, shape, balance, pixel stats', async () => {
  const dir = tempDir();
  writeIdxDataset(join(dir, 'files'), 10, 4, true);
  const paths = 'train_images: files/train-images-idx3-ubyte.gz, train_labels: files/train-labels-idx1-ubyte.gz, test_images: files/t10k-images-idx3-ubyte.gz, test_labels: files/t10k-labels-idx1-ubyte.gz';
  writeFileSync(
    join(dir, 'e.yaml'),
    `name: t\ndata: {dataset: idx, ${paths}}\nmodel: {input_shape: [2, 3, 1], layers: [{type: Flatten}, {type: Dense, units: 10}]}\ntrain: {loss: sparse_categorical_crossentropy}\n`,
  );
  const { code, stdout, stderr } = await runCli(['data', join(dir, 'e.yaml')]);
  assert.equal(code, 0, stderr);
  assert.ok(stdout.startsWith(`idx: IDX files in ${join(dir, 'files')} (found via experiment)`), stdout); // the files' folder, not the YAML's
  assert.match(stdout, /checksum unknown/);
  assert.match(stdout, /train: 10 samples, test: 4 samples; sample shape 2x3x1; 10 classes present \(labels 0\.\.9\)\n/);
  assert.match(stdout, /first training label: 0/);
  assert.match(stdout, /\n +3 train +1 \(10\.0%\) +test +1\n/); // the label once: its class name is the label
  // pixels of image i all equal i: mean 4.5, population std sqrt(8.25)
  assert.match(stdout, /training pixels \(0-255\): mean 4\.50, std 2\.87/);
});

test('tfexp data: a wrong checksum exits 2 with the file named; an unknown name exits 2', async () => {
  const root = tempDir();
  writeIdxDataset(join(root, 'mnist'), 5, 3, false);
  const bad = await runCli(['data', 'mnist', '--data-dir', root]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /train-images-idx3-ubyte: SHA-256 of the file is [0-9a-f]{64}, expected ba891046/);
  const unknown = await runCli(['data', 'cifar10']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /"cifar10" is neither a dataset/);
  const file = await runCli(['data', join(root, 'mnist', 'train-labels-idx1-ubyte')]);
  assert.equal(file.code, 2);
  assert.match(file.stderr, /is a data file; tfexp data takes a dataset name .* For your own IDX files, write an experiment with data: \{dataset: idx/);
});

test('tfexp data mnist on the real files: 60,000/10,000, 28x28x1, checksums OK, mean 33.32, first label 5', async (t) => {
  const shared = fileURLToPath(new URL('../../../shared/data', import.meta.url));
  if (!existsSync(join(shared, 'mnist'))) return t.skip(`no MNIST at ${shared}`);
  const { code, stdout } = await runCli(['data', 'mnist', '--data-dir', shared]);
  assert.equal(code, 0);
  assert.equal(stdout.match(/checksum OK/g)?.length, 4);
  assert.match(stdout, /train: 60,000 samples, test: 10,000 samples; sample shape 28x28x1; 10 classes/);
  assert.match(stdout, /first training label: 5\n/);
  assert.match(stdout, /mean 33\.32, std 78\.57/);
});

/** Class-balance rows of a report: "  42 train       3 (15.0%)  test      1", or "   0 T-shirt/top  train ..." for named classes. */
const balanceRows = (report: string) => report.split('\n').filter((line) => /^ +\d+ (.* )?train +[\d,]+ \( *[\d.]+%\) +test +[\d,]+$/.test(line));

test('tfexp data <experiment.yaml>: stray idx labels 42 and 255 are 12 classes present, not 256; a warning says run would refuse them', async () => {
  const dir = tempDir();
  const train = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
  train.set([42, 255, 42, 42], 0);
  const test = Uint8Array.from({ length: 10 }, (_, i) => i % 10);
  test[0] = 42;
  writeIdxDataset(join(dir, 'files'), 20, 10, false, { trainLabels: encodeIdx([20], train), testLabels: encodeIdx([10], test) });
  const paths = 'train_images: files/train-images-idx3-ubyte, train_labels: files/train-labels-idx1-ubyte, test_images: files/t10k-images-idx3-ubyte, test_labels: files/t10k-labels-idx1-ubyte';
  const yaml = join(dir, 'e.yaml');
  writeFileSync(yaml, `name: t\ndata: {dataset: idx, ${paths}}\nmodel: {input_shape: [2, 3, 1], layers: [{type: Flatten}, {type: Dense, units: 10, activation: softmax}]}\ntrain: {loss: sparse_categorical_crossentropy}\n`);
  const { code, stdout, stderr } = await runCli(['data', yaml]);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stdout, /256 classes/);
  assert.match(stdout, /train: 20 samples, test: 10 samples; sample shape 2x3x1; 12 classes present \(labels 0\.\.9, 42, 255; range 0\.\.255\)\n/);
  const rows = balanceRows(stdout);
  assert.deepEqual(rows.map((r) => Number(r.trim().split(' ')[0])), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42, 255]); // present labels only
  assert.match(rows[10]!, /^ +42 train +3 \(15\.0%\) +test +1$/);
  assert.match(rows[11]!, /^ +255 train +1 \( 5\.0%\) +test +0$/);
  const trainFile = join(dir, 'files', 'train-labels-idx1-ubyte');
  assert.ok(stderr.startsWith(`warning: ${yaml}: tfexp run would refuse this data:\nlabels 42 (3 samples) and 255 (1 sample) in train labels ${trainFile} are outside 0..9 for the 10 units of layer 1 (dense, Dense).\n`), stderr);
  assert.match(stderr, /Set units: 256 on the final Dense layer/);

  // With 256 units the same data fits: no warning.
  writeFileSync(yaml, `name: t\ndata: {dataset: idx, ${paths}}\nmodel: {input_shape: [2, 3, 1], layers: [{type: Flatten}, {type: Dense, units: 256}]}\ntrain: {loss: sparse_categorical_crossentropy}\n`);
  const fits = await runCli(['data', yaml]);
  assert.equal(fits.code, 0, fits.stderr);
  assert.equal(fits.stderr, '');
});

test('data report: a built-in dataset missing one of its classes lists it with 0 and says "of mnist\'s 10"', async () => {
  const root = tempDir();
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i % 10 === 3 ? 4 : i % 10));
  writeIdxDataset(join(root, 'mnist'), 20, 10, true, { trainLabels: encodeIdx([20], labels(20)), testLabels: encodeIdx([10], labels(10)) });
  const report = formatDataReport(await loadDataset('mnist', { dataDir: root, env: {}, checksums: {} }));
  assert.match(report, /; 9 classes present \(labels 0\.\.2, 4\.\.9; range 0\.\.9\) of mnist's 10\n/);
  const rows = balanceRows(report);
  assert.equal(rows.length, 10);
  assert.match(rows[3]!, /^ +3 train +0 \( 0\.0%\) +test +0$/);
});

test('data messages: label runs are summed up past 8 runs and keep the last; classes present', () => {
  assert.equal(message.labelRuns([0, 1, 2, 5, 7, 8]), '0..2, 5, 7..8');
  const odd = Array.from({ length: 20 }, (_, i) => 2 * i);
  assert.equal(message.labelRuns(odd), '0, 2, 4, 6, 8, 10, 12, (+12 more), 38');
  assert.equal(message.classesPresent([], 'idx', undefined), 'no labels');
  assert.equal(message.classesPresent([0], 'idx', undefined), '1 class present (labels 0)');
  assert.equal(message.classesPresent([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'mnist', 10), '10 classes present (labels 0..9)');
  assert.equal(message.classesPresent(odd, 'idx', undefined), '20 classes present (labels 0, 2, 4, 6, 8, 10, 12, (+12 more), 38; range 0..38)');
});
