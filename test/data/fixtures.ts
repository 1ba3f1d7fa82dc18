/** Tiny datasets written programmatically: IDX (raw or gzip) and Keras-style .npz bytes. */
import { zipSync } from 'fflate';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IDX_FILES } from '../../src/data/datasets.js';
import { encodeIdx } from '../../src/data/idx.js';
import { encodeNpy } from '../../src/data/npy.js';

/** `n` images of 2x3 pixels whose pixels all equal the image's index, and labels `i % 10`. */
export function tinySplit(n: number) {
  const images = new Uint8Array(n * 6);
  for (let i = 0; i < n; i++) images.fill(i, i * 6, i * 6 + 6);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images, labels };
}

/** Writes the four IDX files for `nTrain`/`nTest` samples into `dir`, gzip-compressed when `gz`. */
export function writeIdxDataset(dir: string, nTrain: number, nTest: number, gz: boolean, edit: Partial<Record<keyof typeof IDX_FILES, Uint8Array>> = {}) {
  mkdirSync(dir, { recursive: true });
  const train = tinySplit(nTrain);
  const test = tinySplit(nTest);
  const files = {
    trainImages: encodeIdx([nTrain, 2, 3], train.images),
    trainLabels: encodeIdx([nTrain], train.labels),
    testImages: encodeIdx([nTest, 2, 3], test.images),
    testLabels: encodeIdx([nTest], test.labels),
    ...edit,
  };
  for (const [key, bytes] of Object.entries(files)) {
    const name = IDX_FILES[key as keyof typeof IDX_FILES];
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
}

/** Keras-style .npz bytes (int64 labels, as numpy saves Python ints). */
export function npzBytes(nTrain: number, nTest: number): Uint8Array {
  const train = tinySplit(nTrain);
  const test = tinySplit(nTest);
  return zipSync({
    'x_train.npy': encodeNpy('|u1', [nTrain, 2, 3], train.images),
    'y_train.npy': encodeNpy('<i8', [nTrain], train.labels),
    'x_test.npy': encodeNpy('|u1', [nTest, 2, 3], test.images),
    'y_test.npy': encodeNpy('<i8', [nTest], test.labels),
  });
}
