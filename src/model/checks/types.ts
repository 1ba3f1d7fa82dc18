import type { LoadedExperiment } from '../../config/index.js';
import type { Problem } from '../../errors.js';
import type { ModelPlan } from '../plan.js';

/** A cross-field rule run after planning: returns the problems it finds (none when the rule holds). */
export type ModelCheck = (loaded: LoadedExperiment, plan: ModelPlan) => Problem[];
