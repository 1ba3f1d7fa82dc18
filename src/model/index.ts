/**
 * The compiler: experiment -> plan -> checks -> tfjs model, in that order.
 * `planExperiment` (plan-experiment.ts) is pure and loads no tfjs;
 * `compileExperiment` also builds and compiles the tfjs model.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LoadedExperiment } from '../config/index.js';
import { buildModel } from './build.js';
import { buildLoss, type LabelEncoding } from './losses.js';
import { buildMetrics } from './metrics.js';
import { buildOptimizer } from './optimizers.js';
import { planExperiment } from './plan-experiment.js';
import type { ModelPlan } from './plan.js';

// Re-exported for callers that compile anyway; importing it from here loads tfjs.
export { planExperiment } from './plan-experiment.js';

/** A compiled experiment: the plan and the tfjs model, ready for `fit`. */
export interface CompiledExperiment {
  readonly plan: ModelPlan;
  readonly model: tf.Sequential;
  /** How `fit` must receive labels: class indices [batch] or one-hot [batch, classes]. */
  readonly labels: LabelEncoding;
}

/**
 * Plans, checks, builds and compiles the tfjs model (optimizer, loss, metrics).
 * @throws ConfigError as `planExperiment`; InternalError if tfjs disagrees with the plan.
 */
export function compileExperiment(loaded: LoadedExperiment): CompiledExperiment {
  const plan = planExperiment(loaded);
  const { train } = loaded.experiment;
  const model = buildModel(loaded.experiment, plan);
  const { loss, labels } = buildLoss(train.loss);
  model.compile({ optimizer: buildOptimizer(train.optimizer), loss, metrics: buildMetrics(train.metrics, train.loss, labels) });
  return { plan, model, labels };
}

export type { ModelPlan, PlannedLayer } from './plan.js';
