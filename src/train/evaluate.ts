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

/** Receives the model's outputs for each batch an evaluation feeds it (the confusion matrix, the misclassified samples). */
export interface OutputsObserver {
  /** Maps the outputs [batch, classes] to what `deliver` reads (softmax of logits); runs inside a tidy. Default: as they are. */
  readonly transform?: (outputs: tf.Tensor) => tf.Tensor;
  /**
   * Called in batch order, each batch once: its (transformed) outputs [n, classes] flattened in C
   * order, and which samples they are (n indices into the split).
   */
  readonly deliver: (outputs: readonly number[], samples: Uint32Array) => void;
}

/**
 * Evaluates `model` on the samples at `indices` (Keras `evaluate`: means weighted by samples,
 * summed in batch order in float64). Results are read back asynchronously, up to
 * `readbackLag()` batches behind, so a GPU is not stalled once per batch.
 * @param onBatch called as each batch's results are read back, in batch order: batches done
 *   (from 1), batches in all, and the running means so far (prefixed) — for a progress bar.
 * @param observer given each batch's outputs: `model.predict` on the same batch tensors
 *   (a second forward pass, in inference mode as `evaluate`'s), read back like the metrics.
 * @returns metric values by name (`loss`, `accuracy`, ...), each prefixed with `prefix`.
 */
export async function evaluate(
  model: tf.LayersModel,
  split: DataSplit,
  indices: Uint32Array,
  feed: Feed,
  prefix = '',
  onBatch?: (batch: number, batches: number, logs: Logs) => void,
  observer?: OutputsObserver,
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
  const outputs = observer && new ResultQueue<Uint32Array>(readbackLag(), (samples, values) => observer.deliver(values, samples));
  let start = 0;
  for (const { xs, ys } of batches(split, indices, { batchSize: feed.batchSize, sampleShape: feed.sampleShape, normalize: feed.normalize })) {
    const y = encodeLabels(ys, feed);
    const result = model.evaluate(xs, y, { batchSize: xs.shape[0] });
    const n = xs.shape[0];
    const predicted = outputs && tf.tidy(() => (observer.transform ?? ((t: tf.Tensor) => t))(model.predict(xs, { batchSize: n }) as tf.Tensor));
    tf.dispose([xs, ys, y]);
    await results.push(Array.isArray(result) ? result : [result], n);
    if (predicted !== undefined) await outputs!.push([predicted], indices.subarray(start, start + n));
    start += n;
  }
  await results.drain();
  await outputs?.drain();
  return means();
}
