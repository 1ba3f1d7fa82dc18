import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
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
  assert.match(stdout, /train: 10 samples, test: 4 samples; sample shape 2x3x1; 10 classes/);
  assert.match(stdout, /first training label: 0/);
  assert.match(stdout, / 3 3 +train +1 \(10\.0%\) +test +1/);
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
