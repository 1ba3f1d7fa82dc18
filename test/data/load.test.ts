import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../../src/data/checksum.js';
import { encodeIdx } from '../../src/data/idx.js';
import { loadDataset } from '../../src/data/load.js';
import { DataError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { tempDir } from '../helpers.js';
import { npzBytes, writeIdxDataset } from './fixtures.js';

const isDataError = (check: (e: DataError) => boolean) => (e: unknown) => e instanceof DataError && e.exitCode === 2 && check(e);

test('load: IDX files, raw or gzip, from --data-dir; checksums unknown when no digest is known', async () => {
  for (const gz of [false, true]) {
    const root = tempDir();
    writeIdxDataset(join(root, 'mnist'), 5, 3, gz);
    const d = await loadDataset('mnist', { dataDir: root, env: {}, checksums: {} });
    assert.equal(d.train.count, 5);
    assert.equal(d.test.count, 3);
    assert.deepEqual(d.sampleShape, [2, 3, 1]);
    assert.deepEqual([...d.train.labels], [0, 1, 2, 3, 4]);
    assert.equal(d.train.images[4 * 6], 4);
    assert.equal(d.source.origin, '--data-dir');
    assert.deepEqual(d.source.files.map((f) => f.checksum), ['unknown', 'unknown', 'unknown', 'unknown']);
    assert.equal(d.source.files[0]!.path, join(root, 'mnist', gz ? 'train-images-idx3-ubyte.gz' : 'train-images-idx3-ubyte'));
  }
});

test('load: a Keras .npz with int64 labels, found through TFEXP_DATA_DIR after an empty --data-dir', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'mnist'));
  writeFileSync(join(root, 'mnist', 'mnist.npz'), npzBytes(4, 2));
  const bytes = npzBytes(4, 2);
  const d = await loadDataset('mnist', { dataDir: tempDir(), env: { TFEXP_DATA_DIR: root }, checksums: { 'mnist.npz': sha256(bytes) } });
  assert.equal(d.source.origin, 'TFEXP_DATA_DIR');
  assert.equal(d.source.format, 'npz');
  assert.deepEqual([...d.test.labels], [0, 1]);
  assert.equal(d.source.files[0]!.checksum, 'ok');
});

test('load: a known checksum that differs is a DataError naming the file and both digests', async () => {
  const root = tempDir();
  writeIdxDataset(join(root, 'mnist'), 5, 3, true);
  // The real MNIST digests: the fixture is not MNIST, so the content check fails.
  await assert.rejects(
    loadDataset('mnist', { dataDir: root, env: {} }),
    isDataError((e) => e.file === join(root, 'mnist', 'train-images-idx3-ubyte.gz') && e.message.includes('SHA-256 of the uncompressed content') && e.message.includes('ba891046e6505d7a')),
  );
});

test('load: mismatched counts, out-of-range labels and incomplete folders are DataErrors', async () => {
  const root = tempDir();
  writeIdxDataset(join(root, 'mnist'), 5, 3, false, { trainLabels: encodeIdx([4], Uint8Array.of(0, 1, 2, 3)) });
  const dir = join(root, 'mnist');
  await assert.rejects(
    loadDataset('mnist', { dataDir: root, env: {}, checksums: {} }),
    isDataError((e) => e.message === message.countMismatch(join(dir, 'train-images-idx3-ubyte'), 5, join(dir, 'train-labels-idx1-ubyte'), 4)),
  );
  writeIdxDataset(dir, 5, 3, false, { testLabels: encodeIdx([3], Uint8Array.of(0, 10, 2)) });
  await assert.rejects(
    loadDataset('mnist', { dataDir: root, env: {}, checksums: {} }),
    isDataError((e) => e.message === message.labelOutOfRange(join(dir, 't10k-labels-idx1-ubyte'), 1, 10, 10)),
  );
  const partial = tempDir();
  mkdirSync(join(partial, 'mnist'));
  writeFileSync(join(partial, 'mnist', 'train-images-idx3-ubyte.gz'), 'x');
  await assert.rejects(loadDataset('mnist', { dataDir: partial, env: {} }), isDataError((e) => e.message.includes('has train-images-idx3-ubyte but not train-labels-idx1-ubyte')));
});

test('load: the real MNIST from ../shared/data: 60,000/10,000, checksums ok, first label 5', async (t) => {
  const shared = fileURLToPath(new URL('../../../shared/data', import.meta.url));
  if (!existsSync(join(shared, 'mnist', 'train-images-idx3-ubyte.gz'))) return t.skip(`no MNIST at ${shared}`);
  const d = await loadDataset('mnist', { dataDir: shared, env: {} });
  assert.equal(d.train.count, 60_000);
  assert.equal(d.test.count, 10_000);
  assert.deepEqual(d.sampleShape, [28, 28, 1]);
  assert.equal(d.train.labels[0], 5);
  assert.deepEqual(d.source.files.map((f) => f.checksum), ['ok', 'ok', 'ok', 'ok']);
});
