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

/** Softmax crossentropy on logits (Keras from_logits=True), on one-hot targets [batch, classes]. */
const categoricalFromLogits: LossFn = (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, 0, NONE);

/** Sigmoid crossentropy on logits, averaged over the last axis as Keras does. */
const binaryFromLogits: LossFn = (yTrue, yPred) =>
  tf.tidy(() => tf.mean(tf.losses.sigmoidCrossEntropy(yTrue, yPred, undefined, 0, NONE), -1));

/**
 * How labels must be fed to `fit`: class indices [batch] (`index`), or one-hot
 * [batch, classes] (`one_hot`).
 */
export type LabelEncoding = 'index' | 'one_hot';

/** What `model.compile` needs for the loss, and the label encoding it expects. */
export interface LossSpec {
  /** A tfjs-layers loss identifier, or a per-sample loss function (for from_logits). */
  readonly loss: string | LossFn;
  readonly labels: LabelEncoding;
}

/**
 * The tfjs loss for a Keras loss config. Class-index labels are fed as they
 * are to sparse crossentropy and one-hot (Keras `to_categorical`) to every
 * other loss.
 *
 * Porting Note: tfjs-layers checks target shapes against the output unless
 * the loss is its own sparseCategoricalCrossentropy, so a custom sparse loss
 * on logits cannot take class indices. With from_logits, sparse crossentropy
 * is therefore computed as categorical crossentropy on one-hot labels (the
 * same value), and `labels` says to feed one-hot targets.
 * from_logits on non-crossentropy losses is rejected earlier by the model checks.
 */
export function buildLoss(config: LossConfig): LossSpec {
  const sparse = config.type === 'sparse_categorical_crossentropy';
  const labels: LabelEncoding = sparse && !config.from_logits ? 'index' : 'one_hot';
  if (config.from_logits && (sparse || config.type === 'categorical_crossentropy')) return { loss: categoricalFromLogits, labels };
  if (config.from_logits && config.type === 'binary_crossentropy') return { loss: binaryFromLogits, labels };
  return { loss: TFJS_LOSS[config.type], labels };
}
