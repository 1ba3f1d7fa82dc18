/**
 * Keras metrics -> tfjs metric functions, named with their Keras names so
 * tfjs's history reports `accuracy` / `val_accuracy` (never `acc`).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig, MetricName } from '../config/index.js';

export type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Keras's default k for top-k accuracy. */
export const TOP_K = 5;

/** 1 where the true class (an index) is among the k highest scores, else 0: [batch]. Ties count as in. */
function sparseTopK(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
    const trueScore = tf.sum(tf.mul(yPred, oneHot), -1, true);
    const higher = tf.sum(tf.cast(tf.greater(yPred, trueScore), 'float32'), -1);
    return tf.cast(tf.less(higher, TOP_K), 'float32');
  });
}

/** Which accuracy `accuracy` means, chosen by the loss as Keras does (compile_utils.get_metric_function). */
function accuracyFor(loss: LossConfig): MetricFn {
  switch (loss.type) {
    case 'sparse_categorical_crossentropy':
      return tf.metrics.sparseCategoricalAccuracy;
    case 'binary_crossentropy':
      return tf.metrics.binaryAccuracy;
    default:
      return tf.metrics.categoricalAccuracy;
  }
}

function named(name: string, fn: MetricFn): MetricFn {
  const wrapped: MetricFn = (yTrue, yPred) => fn(yTrue, yPred);
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

/**
 * Metric functions for `model.compile`, each named with its Keras name.
 * @param loss decides what plain `accuracy` measures.
 */
export function buildMetrics(names: readonly MetricName[], loss: LossConfig): MetricFn[] {
  return names.map((name) => {
    switch (name) {
      case 'accuracy':
        return named(name, accuracyFor(loss));
      case 'sparse_categorical_accuracy':
        return named(name, tf.metrics.sparseCategoricalAccuracy);
      case 'categorical_accuracy':
        return named(name, tf.metrics.categoricalAccuracy);
      case 'binary_accuracy':
        return named(name, tf.metrics.binaryAccuracy);
      case 'sparse_top_k_categorical_accuracy':
        return named(name, sparseTopK);
    }
  });
}
