/**
 * The compiler: experiment -> plan -> checks -> tfjs model, in that order.
 * `planExperiment` is pure (no tfjs); `compileExperiment` also builds and
 * compiles the tfjs model.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LoadedExperiment } from '../config/index.js';
import { buildModel } from './build.js';
import { checkModel } from './checks/index.js';
import { buildLoss, type LabelEncoding } from './losses.js';
import { buildMetrics } from './metrics.js';
import { buildOptimizer } from './optimizers.js';
import { planModel, type ModelPlan } from './plan.js';

/**
 * Plans the model and runs every compiler check, without tfjs.
 * @throws ConfigError on shape problems (layer index, name, type and YAML location) and failed checks.
 */
export function planExperiment(loaded: LoadedExperiment): ModelPlan {
  const plan = planModel(loaded);
  checkModel(loaded, plan);
  return plan;
}

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
