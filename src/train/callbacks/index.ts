/** The callbacks an experiment's `train` section asks for (filled in by the callbacks work). */
import type { TrainConfig } from '../../config/index.js';
import type { Callback } from './types.js';

export function buildCallbacks(_train: TrainConfig): Callback[] {
  return [];
}
