/**
 * Keras metrics -> tfjs metric functions, named with their Keras names so
 * tfjs's history reports `accuracy` / `val_accuracy` (never `acc`).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig, MetricName } from '../config/index.js';
import type { LabelEncoding } from './losses.js';

export type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Keras's default k for top-k accuracy. */
export const TOP_K = 5;

/**
 * Top-k accuracy: 1 where the true class is among the k highest scores, else 0: [batch].
 * Ties count as in. `yTrue` is one-hot [batch, classes] or, when `indices`, class indices [batch].
 */
function topK(indices: boolean): MetricFn {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const classes = yPred.shape[yPred.shape.length - 1]!;
      const oneHot = indices ? tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes) : yTrue;
      const trueScore = tf.sum(tf.mul(yPred, oneHot), -1, true);
      const higher = tf.sum(tf.cast(tf.greater(yPred, trueScore), 'float32'), -1);
      return tf.cast(tf.less(higher, TOP_K), 'float32');
    });
}

/** Class accuracy for the label encoding: argmax(yPred) equals the label. */
const classAccuracy = (labels: LabelEncoding): MetricFn =>
  labels === 'index' ? tf.metrics.sparseCategoricalAccuracy : tf.metrics.categoricalAccuracy;

/** Which accuracy `accuracy` means, chosen by the loss as Keras does (compile_utils.get_metric_function). */
function accuracyFor(loss: LossConfig, labels: LabelEncoding): MetricFn {
  return loss.type === 'binary_crossentropy' ? tf.metrics.binaryAccuracy : classAccuracy(labels);
}

function named(name: string, fn: MetricFn): MetricFn {
  const wrapped: MetricFn = (yTrue, yPred) => fn(yTrue, yPred);
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

/**
 * Metric functions for `model.compile`, each named with its Keras name.
 * @param loss decides what plain `accuracy` measures.
 * @param labels how labels are fed (see `buildLoss`); the categorical
 *   accuracies measure the same thing on either encoding.
 */
export function buildMetrics(names: readonly MetricName[], loss: LossConfig, labels: LabelEncoding): MetricFn[] {
  return names.map((name) => {
    switch (name) {
      case 'accuracy':
        return named(name, accuracyFor(loss, labels));
      case 'sparse_categorical_accuracy':
      case 'categorical_accuracy':
        return named(name, classAccuracy(labels));
      case 'binary_accuracy':
        return named(name, tf.metrics.binaryAccuracy);
      case 'sparse_top_k_categorical_accuracy':
        return named(name, topK(labels === 'index'));
    }
  });
}
