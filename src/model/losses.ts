/** Keras losses -> tfjs loss functions, with `from_logits` for the crossentropies. */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig, LossName } from '../config/index.js';

/** A per-sample loss: yTrue and yPred [batch, ...] -> [batch]. */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** tfjs-layers' string identifier of each Keras loss (tfjs-layers/src/losses.ts lossesMap). */
const TFJS_LOSS: Record<LossName, string> = {
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError',
  mean_absolute_percentage_error: 'meanAbsolutePercentageError',
  mean_squared_logarithmic_error: 'meanSquaredLogarithmicError',
  hinge: 'hinge',
  squared_hinge: 'squaredHinge',
  categorical_hinge: 'categoricalHinge',
  log_cosh: 'logcosh',
  kl_divergence: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosine_similarity: 'cosineProximity',
};

const NONE = tf.Reduction.NONE;

/** Crossentropies on logits, as Keras computes them with from_logits=True (numerically stable forms). */
const FROM_LOGITS: Partial<Record<LossName, LossFn>> = {
  sparse_categorical_crossentropy: (yTrue, yPred) =>
    tf.tidy(() => {
      const classes = yPred.shape[yPred.shape.length - 1]!;
      const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
      return tf.losses.softmaxCrossEntropy(oneHot, yPred, undefined, 0, NONE);
    }),
  categorical_crossentropy: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, 0, NONE),
  binary_crossentropy: (yTrue, yPred) =>
    tf.tidy(() => tf.mean(tf.losses.sigmoidCrossEntropy(yTrue, yPred, undefined, 0, NONE), -1)),
};

/**
 * The loss to pass to `model.compile`: a tfjs identifier string, or a function for `from_logits`.
 * `from_logits` on other losses is rejected earlier by the model checks.
 */
export function buildLoss(config: LossConfig): string | LossFn {
  if (config.from_logits) {
    const fn = FROM_LOGITS[config.type];
    if (fn !== undefined) return fn;
  }
  return TFJS_LOSS[config.type];
}
