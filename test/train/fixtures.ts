/** A tiny learnable image dataset (IDX files) and an experiment that trains on it in about a second. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx } from '../../src/data/idx.js';
import { mulberry32 } from '../../src/data/random.js';
import { tempDir } from '../helpers.js';

const SIZE = 8;
export const CLASSES = 3;

/** `n` 8x8 images: class k lights up rows 2k..2k+2 (plus noise); labels cycle 0, 1, 2. */
function split(n: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const random = mulberry32(seed);
  const images = new Uint8Array(n * SIZE * SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % CLASSES;
    labels[i] = label;
    for (let p = 0; p < SIZE * SIZE; p++) {
      const row = Math.floor(p / SIZE);
      const lit = row >= 2 * label && row < 2 * label + 3;
      images[i * SIZE * SIZE + p] = Math.min(255, Math.floor((lit ? 160 : 0) + random() * 90));
    }
  }
  return { images, labels };
}

/**
 * Writes the dataset and an experiment using it into a new folder.
 * @param train extra YAML lines under `train:` (indented by two spaces).
 * @returns the experiment file's path.
 */
export function writeRunFixture(train = '', data = ''): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'));
  const tr = split(240, 1);
  const te = split(60, 2);
  writeFileSync(join(dir, 'data/train-images'), encodeIdx([240, SIZE, SIZE], tr.images));
  writeFileSync(join(dir, 'data/train-labels'), encodeIdx([240], tr.labels));
  writeFileSync(join(dir, 'data/test-images'), encodeIdx([60, SIZE, SIZE], te.images));
  writeFileSync(join(dir, 'data/test-labels'), encodeIdx([60], te.labels));
  const yaml = [
    'name: tiny',
    'seed: 7',
    'data:',
    '  dataset: idx',
    '  train_images: data/train-images',
    '  train_labels: data/train-labels',
    '  test_images: data/test-images',
    '  test_labels: data/test-labels',
    '  validation_split: 0.2',
    data,
    'model:',
    `  input_shape: [${SIZE}, ${SIZE}, 1]`,
    '  layers:',
    '    - {type: Conv2D, filters: 4, kernel_size: 3, padding: same, activation: relu}',
    '    - {type: MaxPooling2D}',
    '    - {type: Flatten}',
    '    - {type: Dropout, rate: 0.2}',
    `    - {type: Dense, units: ${CLASSES}, activation: softmax}`,
    'train:',
    '  optimizer: {type: adam, learning_rate: 0.01}',
    '  loss: sparse_categorical_crossentropy',
    '  epochs: 3',
    '  batch_size: 16',
    train,
  ].join('\n');
  writeFileSync(join(dir, 'tiny.yaml'), yaml);
  return join(dir, 'tiny.yaml');
}
