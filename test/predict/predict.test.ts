/**
 * tfexp predict: images in (PNG, JPEG, IDX), the run's saved model and preprocessing, the top
 * classes out; bad files named in one-line errors. A real-MNIST case skips without the data.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadDataset } from '../../src/data/load.js';
import { parseIdx } from '../../src/data/idx.js';
import type { Evaluation } from '../../src/evaluation/evaluation.js';
import * as message from '../../src/log/message.js';
import { formatPredictions } from '../../src/predict/format.js';
import { predictImages } from '../../src/predict/predict.js';
import { runExperiment } from '../../src/train/run.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };
const backend = { backend: 'wasm' as const, threads: 2 };
const cli = ['--backend', 'wasm', '--threads', '2'];

/** A grey PNG of `pixels` [height, width], enlarged `scale` times (nearest neighbour). */
async function writePng(file: string, pixels: Uint8Array, size: number, scale = 1): Promise<string> {
  await sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 1 } }).resize(size * scale, size * scale, { kernel: 'nearest' }).png().toFile(file);
  return file;
}

describe('tfexp predict on a model trained on the fixture', () => {
  let dir = '';
  let testImages = '';
  let images: Uint8Array;
  let labels: Uint8Array;
  let evaluation: Evaluation;
  /** A test sample the run's own evaluation classified correctly. */
  let known = 0;
  const files = tempDir();

  before(async () => {
    // A short run (one epoch, low rate), so some test samples are wrong: predict must agree with the run's evaluation on which.
    const file = writeRunFixture();
    dir = (await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['train.epochs=1', 'train.optimizer.learning_rate=0.002'] })).dir;
    testImages = join(file, '..', 'data/test-images');
    images = parseIdx(readFileSync(testImages), 'images').data;
    labels = parseIdx(readFileSync(join(file, '..', 'data/test-labels')), 'labels').data;
    evaluation = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8')) as Evaluation;
    const wrong = new Set(evaluation.misclassified.map((m) => m.index));
    known = [...labels.keys()].find((i) => !wrong.has(i) && labels[i] !== 0)!;
  });

  it('a PNG written from a test image gets its label as top 1, also enlarged 4x (resized back) and as JPEG', async () => {
    const pixels = images.subarray(known * 64, (known + 1) * 64);
    const png = await writePng(join(files, 'sample.png'), pixels, 8);
    const large = await writePng(join(files, 'large.png'), pixels, 8, 4);
    const jpeg = join(files, 'sample.jpg');
    await sharp(Buffer.from(pixels), { raw: { width: 8, height: 8, channels: 1 } }).jpeg({ quality: 100 }).toFile(jpeg);
    const predictions = await predictImages(dir, [png, large, jpeg], backend);
    assert.deepEqual(predictions.map((p) => p.file), [png, large, jpeg]);
    for (const p of predictions) {
      assert.equal(p.top.length, 3);
      assert.equal(p.top[0]!.label, labels[known], `${p.file}: ${JSON.stringify(p.top)}`);
      assert.equal(p.top[0]!.class, String(labels[known]));
      assert.ok(p.top[0]!.probability >= p.top[1]!.probability && p.top[1]!.probability >= p.top[2]!.probability);
      assert.ok(Math.abs(p.top.reduce((sum, c) => sum + c.probability, 0) - 1) < 1e-5, 'softmax probabilities');
    }
  });

  it('an IDX file predicts each of its images, agreeing with the run\'s evaluation on which are wrong and how sure', async () => {
    const predictions = await predictImages(dir, [testImages], { ...backend, top: 1 });
    assert.equal(predictions.length, 60);
    assert.deepEqual(predictions.map((p) => p.index), [...labels.keys()]);
    const wrong = predictions.filter((p) => p.top[0]!.label !== labels[p.index!]);
    assert.deepEqual(wrong.map((p) => p.index).sort((a, b) => a! - b!), evaluation.misclassified.map((m) => m.index).sort((a, b) => a - b));
    for (const m of evaluation.misclassified) {
      const p = predictions[m.index]!.top[0]!;
      assert.equal(p.label, m.predicted);
      assert.ok(Math.abs(p.probability - m.confidence) < 1e-5, `${p.probability} vs ${m.confidence}`);
    }
  });

  it('prints a table (one row per image, top k columns) or JSON', async () => {
    const png = await writePng(join(files, 'table.png'), images.subarray(known * 64, (known + 1) * 64), 8);
    const table = await runCli(['predict', dir, png, '--top', '2', ...cli]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^image +top 1 +top 2$/);
    assert.match(lines[1]!, new RegExp(`^${png.replace(/[.]/g, '\\.')} +${labels[known]} \\d\\.\\d{4} +\\d \\d\\.\\d{4}$`));
    assert.equal(lines.length, 2);
    const asJson = await runCli(['predict', dir, png, testImages, '--format', 'json', '--top', '9', ...cli]);
    assert.equal(asJson.code, 0, asJson.stderr);
    const parsed = JSON.parse(asJson.stdout) as { file: string; index?: number; top: { class: string; label: number; probability: number }[] }[];
    assert.equal(parsed.length, 61);
    assert.deepEqual(Object.keys(parsed[0]!), ['file', 'top']);
    assert.deepEqual(Object.keys(parsed[1]!), ['file', 'index', 'top']);
    assert.equal(parsed[0]!.top.length, 3, '--top above the class count gives every class');
    assert.equal(parsed[0]!.top[0]!.label, labels[known]);
    assert.equal(formatPredictions([{ file: 'a.idx', index: 2, top: [{ class: 'cat', label: 0, probability: 0.5 }] }], 'table'), 'image     top 1\na.idx[2]  cat 0.5000\n');
  });

  it('a missing, non-image, truncated or label file is exit 2 naming it, before any output', async () => {
    const garbage = join(files, 'notes.png');
    writeFileSync(garbage, 'these are notes, not pixels');
    const png = await writePng(join(files, 'whole.png'), images.subarray(0, 64), 8);
    const truncated = join(files, 'truncated.png');
    writeFileSync(truncated, readFileSync(png).subarray(0, 60));
    const missing = join(files, 'missing.png');
    const labelsFile = join(testImages, '..', 'test-labels');
    const cases: [string, string][] = [
      [missing, message.imageUnreadable(missing, 'no such file')],
      [garbage, message.imageUndecodable(garbage, 'Input buffer contains unsupported image format')],
      [labelsFile, message.idxNotImages(labelsFile, [60])],
    ];
    for (const [file, expected] of cases) assert.deepEqual(await runCli(['predict', dir, png, file, ...cli]), { code: 2, stdout: '', stderr: `${expected}\n` });
    const corrupt = await runCli(['predict', dir, truncated, ...cli]);
    assert.equal(corrupt.code, 2);
    assert.match(corrupt.stderr, new RegExp(`^${truncated.replace(/[.]/g, '\\.')}: not a readable image \\(.+\\)\\. tfexp predict takes PNG or JPEG images and IDX image files \\(\\.gz or raw\\)\\n$`));
    assert.deepEqual(await runCli(['predict', dir, png, '--top', '0']), { code: 2, stdout: '', stderr: `${message.badTop(0)}\n` });
    const notRun = tempDir();
    assert.deepEqual(await runCli(['predict', notRun, png]), { code: 2, stdout: '', stderr: `${message.notARunFor('predict', notRun)}\n` });
  });
});

describe('tfexp predict on real MNIST', () => {
  const shared = process.env.TFEXP_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));

  it('a short keras-convnet run reads known test digits from PNG files (7, 2, 1, 0, 4)', async (t) => {
    if (!existsSync(join(shared, 'mnist', 't10k-images-idx3-ubyte.gz'))) return t.skip(`no MNIST at ${shared}`);
    const sets = ['train.epochs=1', 'data.train_limit=6000', 'data.test_limit=500'];
    const { dir } = await runExperiment(join(REPO_ROOT, 'experiments/keras-convnet.yaml'), { ...quiet, runsDir: tempDir(), dataDir: shared, sets });
    const mnist = await loadDataset('mnist', { dataDir: shared, env: {} });
    const files = tempDir();
    const pngs = await Promise.all([0, 1, 2, 3, 4].map((i) => writePng(join(files, `mnist-${i}.png`), mnist.test.images.subarray(i * 784, (i + 1) * 784), 28)));
    const predictions = await predictImages(dir, pngs, { ...backend, top: 1 });
    assert.deepEqual(predictions.map((p) => p.top[0]!.class), ['7', '2', '1', '0', '4']);
  });
});
