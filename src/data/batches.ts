/**
 * Batches for tfjs: images stay in memory as uint8 and are converted one batch at a time, so only
 * the current batch exists as tensors (tf.memory().numTensors stays flat over an epoch).
 */
import * as tf from '@tensorflow/tfjs';
import type { DataSplit } from './load.js';

/** One batch; the consumer owns the tensors and must dispose them. */
export interface Batch {
  /** Shape [batch, height, width, channels], float32: pixel / 255 in [0, 1] when normalizing, else 0-255. */
  readonly xs: tf.Tensor4D;
  /** Shape [batch], float32 class indices, as tfjs's sparseCategoricalCrossentropy expects. */
  readonly ys: tf.Tensor1D;
}

export interface BatchOptions {
  /** Samples per batch; the last batch may be smaller. Schema `train.batch_size`. */
  readonly batchSize: number;
  /** One sample's shape [height, width, channels]. */
  readonly sampleShape: readonly [number, number, number];
  /** Divide pixels by 255. Default: true (schema `data.normalize`). */
  readonly normalize?: boolean;
}

/**
 * Copies the samples at `indices` into float32 arrays (no tensors): the pure half of batching.
 * @returns xs of length indices.length * h * w * c and ys of length indices.length.
 */
export function gatherBatch(split: DataSplit, indices: ArrayLike<number>, sampleSize: number, normalize: boolean): { xs: Float32Array; ys: Float32Array } {
  const xs = new Float32Array(indices.length * sampleSize);
  const ys = new Float32Array(indices.length);
  const scale = normalize ? 1 / 255 : 1;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    const from = i * sampleSize;
    for (let k = 0; k < sampleSize; k++) xs[b * sampleSize + k] = split.images[from + k]! * scale;
    ys[b] = split.labels[i]!;
  }
  return { xs, ys };
}

/**
 * Kernel name: uint8 pixels to float32 on the device. Inputs { packed: int32 [ceil(n / 4)], the
 * pixels four to a word, little-endian; table: float32 [256], pixel value -> input value },
 * attrs { shape: the output shape, n elements }. Backends that register it (webgpu) get
 * batches uploaded as bytes; the others get float32 made on the host.
 */
export const DECODE_PIXELS = 'TfexpDecodePixels';

/** float32 input values of the 256 pixel values, exactly as gatherBatch computes them. */
function pixelTable(normalize: boolean): Float32Array {
  const scale = normalize ? 1 / 255 : 1;
  return Float32Array.from({ length: 256 }, (_, pixel) => pixel * scale);
}

/**
 * The samples at `indices` as one float32 tensor [batch, height, width, channels], decoded on
 * the device from uint8 where the backend has DECODE_PIXELS (a quarter of the upload).
 */
function pixelsTensor(split: DataSplit, indices: ArrayLike<number>, shape: [number, number, number, number], normalize: boolean): tf.Tensor4D {
  const sampleSize = shape[1] * shape[2] * shape[3];
  const bytes = new Uint8Array(Math.ceil((indices.length * sampleSize) / 4) * 4);
  for (let b = 0; b < indices.length; b++) bytes.set(split.images.subarray(indices[b]! * sampleSize, (indices[b]! + 1) * sampleSize), b * sampleSize);
  // The table (1 KB) travels with every batch: nothing outlives the batch, whichever backend runs.
  const table = tf.tensor1d(pixelTable(normalize), 'float32');
  const packed = tf.tensor1d(new Int32Array(bytes.buffer), 'int32');
  try {
    return tf.engine().runKernel(DECODE_PIXELS, { packed, table }, { shape } as never) as tf.Tensor4D;
  } finally {
    tf.dispose([packed, table]);
  }
}

/**
 * Yields the samples at `indices`, in that order, as tensors, one batch at a time.
 * @param split the loaded images and labels.
 * @param indices which samples (e.g. from `splitIndices`); values must be < split.count.
 * @throws RangeError when batchSize is not a positive integer.
 */
export function* batches(split: DataSplit, indices: Uint32Array, options: BatchOptions): Generator<Batch> {
  const { batchSize, sampleShape } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const [h, w, c] = sampleShape;
  const sampleSize = h * w * c;
  for (let start = 0; start < indices.length; start += batchSize) {
    const chosen = indices.subarray(start, Math.min(indices.length, start + batchSize));
    if (tf.getKernel(DECODE_PIXELS, tf.getBackend()) !== undefined) {
      const ys = Float32Array.from(chosen, (i) => split.labels[i]!);
      yield { xs: pixelsTensor(split, chosen, [chosen.length, h, w, c], options.normalize ?? true), ys: tf.tensor1d(ys, 'float32') };
      continue;
    }
    const { xs, ys } = gatherBatch(split, chosen, sampleSize, options.normalize ?? true);
    yield { xs: tf.tensor4d(xs, [chosen.length, h, w, c], 'float32'), ys: tf.tensor1d(ys, 'float32') };
  }
}
