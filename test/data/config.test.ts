import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { runCli, writeFiles } from '../helpers.js';

const model = 'model: {input_shape: [2, 3, 1], layers: [{type: Flatten}, {type: Dense, units: 4, activation: softmax}]}\ntrain: {loss: sparse_categorical_crossentropy}\n';
const idx = 'dataset: idx, train_images: a.gz, train_labels: b.gz, test_images: c.gz, test_labels: d.gz';

test('data schema: defaults are filled (normalize, validation_split, validation)', () => {
  const dir = writeFiles({ 'e.yaml': `name: t\ndata: {dataset: mnist}\n${model}` });
  const { data } = loadExperiment(join(dir, 'e.yaml')).experiment;
  assert.deepEqual(data, { dataset: 'mnist', normalize: true, validation_split: 0, validation: 'none' });
});

test('data schema: idx needs its four paths; validation: test excludes validation_split; split < 1', async () => {
  const dir = writeFiles({
    'a.yaml': `name: t\ndata: {dataset: idx, train_images: a}\n${model}`,
    'b.yaml': `name: t\ndata: {dataset: mnist, validation: test, validation_split: 0.1}\n${model}`,
    'c.yaml': `name: t\ndata: {dataset: mnist, validation_split: 1}\n${model}`,
  });
  const a = await runCli(['validate', join(dir, 'a.yaml')]);
  assert.equal(a.code, 2);
  for (const key of ['train_labels', 'test_images', 'test_labels']) assert.match(a.stderr, new RegExp(`missing required key "${key}" in "data"`));
  assert.doesNotMatch(a.stderr, /"train_images"/);
  const b = await runCli(['validate', join(dir, 'b.yaml')]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /"validation_split" cannot be 0.1/);
  const c = await runCli(['validate', join(dir, 'c.yaml')]);
  assert.match(c.stderr, /"validation_split" must be < 1/);
});

test('model checks: idx skips the class-count and input-shape checks, mnist keeps them', async () => {
  const dir = writeFiles({ 'idx.yaml': `name: t\ndata: {${idx}}\n${model}`, 'mnist.yaml': `name: t\ndata: {dataset: mnist}\n${model}` });
  const ok = await runCli(['validate', join(dir, 'idx.yaml')]);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await runCli(['validate', join(dir, 'mnist.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /does not match dataset "mnist"/);
  assert.match(bad.stderr, /outputs 4 values, but dataset "mnist" has 10 classes/);
});
