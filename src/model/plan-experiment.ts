/**
 * The compiler's first two steps, experiment -> plan -> checks, without tfjs: what
 * `validate` and `render` need. Kept apart from `index.ts`, whose `compileExperiment`
 * builds the tfjs model, so importing this does not load tfjs (issue 13).
 */
import type { LoadedExperiment } from '../config/index.js';
import { checkModel } from './checks/index.js';
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
