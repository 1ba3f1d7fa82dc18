import { closestMatch } from '../../config/suggest.js';
import * as message from '../../log/message.js';
import type { ModelCheck } from './types.js';

/**
 * The metrics a run will log: `loss`, each of `train.metrics`, and their `val_`
 * forms when there is validation (data.validation: test, or validation_split > 0).
 */
export function loggedMetrics(experiment: Parameters<ModelCheck>[0]['experiment']): string[] {
  const names = ['loss', ...experiment.train.metrics];
  const validated = experiment.data.validation === 'test' || experiment.data.validation_split > 0;
  return validated ? [...names, ...names.map((n) => `val_${n}`)] : names;
}

/** early_stopping.monitor and reduce_lr_on_plateau.monitor name metrics the run logs (else they would fail after the first epoch). */
export const monitorsLogged: ModelCheck = ({ experiment, locator }) => {
  const available = loggedMetrics(experiment);
  return (['early_stopping', 'reduce_lr_on_plateau'] as const).flatMap((key) => {
    const monitor = experiment.train[key]?.monitor;
    if (monitor === undefined || available.includes(monitor)) return [];
    return [{ at: locator.locate(['train', key, 'monitor']), message: message.monitorNotAvailable(`train.${key}`, monitor, closestMatch(monitor, available), available) }];
  });
};
