/** Sample-weighted mean metrics over a set of samples, one batch at a time. */
import * as tf from '@tensorflow/tfjs';
import { batches, type DataSplit } from '../data/index.js';
import type { LabelEncoding } from '../model/losses.js';
import type { Logs } from './callbacks/types.js';
import { readbackLag, ResultQueue } from './step.js';

/** How batches are made from the in-memory data. */
export interface Feed {
  readonly sampleShape: readonly [number, number, number];
  readonly normalize: boolean;
  readonly batchSize: number;
  readonly labels: LabelEncoding;
  readonly numClasses: number;
}

/** Labels as the compiled loss expects them: class indices [batch] or one-hot [batch, classes]. */
export function encodeLabels(ys: tf.Tensor1D, feed: Feed): tf.Tensor {
  return feed.labels === 'index' ? ys : tf.oneHot(tf.cast(ys, 'int32'), feed.numClasses);
}

/**
 * Evaluates `model` on the samples at `indices` (Keras `evaluate`: means weighted by samples,
 * summed in batch order in float64). Results are read back asynchronously, up to
 * `readbackLag()` batches behind, so a GPU is not stalled once per batch.
 * @param onBatch called as each batch's results are read back, in batch order: batches done
 *   (from 1), batches in all, and the running means so far (prefixed) — for a progress bar.
 * @returns metric values by name (`loss`, `accuracy`, ...), each prefixed with `prefix`.
 */
export async function evaluate(
  model: tf.LayersModel,
  split: DataSplit,
  indices: Uint32Array,
  feed: Feed,
  prefix = '',
  onBatch?: (batch: number, batches: number, logs: Logs) => void,
): Promise<Logs> {
  const sums = new Map<string, number>();
  let seen = 0;
  let done = 0;
  const total = Math.ceil(indices.length / feed.batchSize);
  const means = (): Logs => Object.fromEntries([...sums].map(([name, sum]) => [`${prefix}${name}`, sum / seen]));
  const results = new ResultQueue<number>(readbackLag(), (n, values) => {
    model.metricsNames.forEach((name, i) => sums.set(name, (sums.get(name) ?? 0) + values[i]! * n));
    seen += n;
    done += 1;
    onBatch?.(done, total, means());
  });
  for (const { xs, ys } of batches(split, indices, { batchSize: feed.batchSize, sampleShape: feed.sampleShape, normalize: feed.normalize })) {
    const y = encodeLabels(ys, feed);
    const result = model.evaluate(xs, y, { batchSize: xs.shape[0] });
    const n = xs.shape[0];
    tf.dispose([xs, ys, y]);
    await results.push(Array.isArray(result) ? result : [result], n);
  }
  await results.drain();
  return means();
}
