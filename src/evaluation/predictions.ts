/**
 * The tfjs edge of evaluation: the model's outputs as probabilities, and one evaluation pass that
 * gives both Keras's `evaluate` metrics and evaluation.json from the same batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '../config/index.js';
import type { DataSplit } from '../data/index.js';
import type { Logs } from '../train/callbacks/types.js';
import { evaluate, type Feed } from '../train/evaluate.js';
import { EvaluationBuilder, type Evaluation, type EvaluationSplit } from './evaluation.js';

/**
 * How to turn the model's outputs into class probabilities for a loss: with `from_logits: true`
 * the model ends in logits, so softmax them (sigmoid for binary_crossentropy, whose outputs are
 * independent); otherwise the outputs are used as they are (a softmax layer's probabilities).
 * @returns a function from outputs [batch, classes] to probabilities [batch, classes], float32.
 */
export function outputProbabilities(loss: Pick<LossConfig, 'type' | 'from_logits'>): (outputs: tf.Tensor) => tf.Tensor {
  if (!loss.from_logits) return (outputs) => outputs;
  return loss.type === 'binary_crossentropy' ? (outputs) => tf.sigmoid(outputs) : (outputs) => tf.softmax(outputs);
}

export interface ClassifierEvaluationOptions {
  readonly split: EvaluationSplit;
  /** K names in label order (`classNamesOf`). */
  readonly classNames: readonly string[];
  /** The experiment's loss: says whether outputs are logits. */
  readonly loss: Pick<LossConfig, 'type' | 'from_logits'>;
  /** How many misclassified samples to keep (0: none). Default: DEFAULT_MISCLASSIFIED (64). */
  readonly misclassified?: number;
  /** Progress: batches done (from 1), batches in all, running means (as `evaluate`'s). */
  readonly onBatch?: (batch: number, batches: number, logs: Logs) => void;
}

/**
 * Evaluates `model` on the samples at `indices` of `data` and gathers evaluation.json from the
 * same batches: `evaluate`'s loss and metrics (exactly as the runner's test evaluation), and each
 * batch's predictions (`model.predict` on the same input tensors), counted into the confusion
 * matrix and the misclassified ranking and then dropped.
 * @param data images [count, height, width, channels] uint8 and labels; `indices` which of them.
 * @param feed batch size, sample shape [height, width, channels], normalisation, label encoding.
 * @returns `logs` ({loss, accuracy, ...}) and the evaluation; its `misclassified[].index` are
 *   positions in `data`.
 * @throws RangeError when a label is not one of the K classes (checkLabels catches that before).
 */
export async function evaluateClassifier(
  model: tf.LayersModel,
  data: DataSplit,
  indices: Uint32Array,
  feed: Feed,
  options: ClassifierEvaluationOptions,
): Promise<{ logs: Logs; evaluation: Evaluation }> {
  const builder = new EvaluationBuilder(feed.numClasses, options.misclassified);
  const logs = await evaluate(model, data, indices, feed, '', options.onBatch, {
    transform: outputProbabilities(options.loss),
    deliver: (outputs, samples) => builder.add(outputs, Array.from(samples, (i) => data.labels[i]!), samples),
  });
  return { logs, evaluation: builder.finish(options.split, options.classNames, logs.loss ?? Number.NaN) };
}
