/** Cross-field checks that need the model plan, one small rule per file (after Ludwig's config_validation/checks.py). */
import type { LoadedExperiment } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import type { ModelPlan } from '../plan.js';
import { classNamesMatchOutput } from './class-names.js';
import { dilationTrainable } from './dilation.js';
import { inputShapeMatchesDataset } from './input-shape.js';
import { labelsMatchLoss, logitsMatchActivation } from './losses.js';
import { memoryFitsBackend } from './memory.js';
import { monitorsLogged } from './monitors.js';
import { normalizationTrainable } from './normalization.js';
import { outputMatchesClasses } from './output-classes.js';
import { oneLearningRatePolicy } from './schedules.js';
import { sweepPathsExist } from './sweep.js';
import type { ModelCheck } from './types.js';

export const MODEL_CHECKS: readonly ModelCheck[] = [inputShapeMatchesDataset, outputMatchesClasses, classNamesMatchOutput, logitsMatchActivation, labelsMatchLoss, dilationTrainable, normalizationTrainable, oneLearningRatePolicy, monitorsLogged, sweepPathsExist, memoryFitsBackend];

/**
 * Runs every model check.
 * @throws ConfigError listing every problem found.
 */
export function checkModel(loaded: LoadedExperiment, plan: ModelPlan): void {
  const problems = MODEL_CHECKS.flatMap((check) => check(loaded, plan));
  if (problems.length > 0) throw new ConfigError(problems);
}
