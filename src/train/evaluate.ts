/** Sample-weighted mean metrics over a set of samples, one batch at a time. */
import * as tf from '@tensorflow/tfjs';
import { batches, type DataSplit } from '../data/index.js';
import type { LabelEncoding } from '../model/losses.js';
import type { Logs } from './callbacks/types.js';

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
 * Evaluates `model` on the samples at `indices` (Keras `evaluate`: means weighted by samples).
 * @returns metric values by name (`loss`, `accuracy`, ...), each prefixed with `prefix`.
 */
export function evaluate(model: tf.LayersModel, split: DataSplit, indices: Uint32Array, feed: Feed, prefix = ''): Logs {
  const sums = new Map<string, number>();
  let seen = 0;
  for (const { xs, ys } of batches(split, indices, { batchSize: feed.batchSize, sampleShape: feed.sampleShape, normalize: feed.normalize })) {
    const y = encodeLabels(ys, feed);
    const result = model.evaluate(xs, y, { batchSize: xs.shape[0] });
    const scalars = Array.isArray(result) ? result : [result];
    const n = xs.shape[0];
    model.metricsNames.forEach((name, i) => sums.set(name, (sums.get(name) ?? 0) + scalars[i]!.dataSync()[0]! * n));
    seen += n;
    tf.dispose([xs, ys, y, ...scalars]);
  }
  return Object.fromEntries([...sums].map(([name, sum]) => [`${prefix}${name}`, sum / seen]));
}
