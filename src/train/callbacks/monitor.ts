/**
 * What EarlyStopping and ReduceLROnPlateau share: which way the monitored
 * metric improves, and reading it from an epoch's logs.
 * Original source: keras/src/callbacks/early_stopping.py (`_set_monitor_op`,
 * `get_monitor_value`) and reduce_lr_on_plateau.py (`_reset`).
 *
 * Porting Notes:
 * - `auto` picks `max` when the monitor name contains "acc", else `min`. That is
 *   ReduceLROnPlateau's rule; Keras 3's EarlyStopping asks the metric object for
 *   its direction instead. Every metric tfexp logs is a loss (down) or an
 *   accuracy (up, and named `*accuracy`), so both rules agree here.
 * - A missing monitor is an error here, not a warning: Keras then silently does
 *   nothing for the whole run.
 */
import type { MonitorMode } from '../../config/schema/callbacks.js';
import { closestMatch } from '../../config/suggest.js';
import { TrainingError } from '../../errors.js';
import * as message from '../../log/message.js';
import type { Logs } from './types.js';

/** Whether larger (`max`) or smaller (`min`) values of `monitor` are better. */
export function direction(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') ? 'max' : 'min';
}

/**
 * The value of `monitor` in an epoch's logs.
 * @param at the config path of the callback, for the message (`train.early_stopping`).
 * @throws TrainingError when the logs have no `monitor`, listing the metrics they have.
 */
export function monitoredValue(logs: Logs, monitor: string, at: string): number {
  const value = logs[monitor];
  if (value === undefined) {
    const available = Object.keys(logs);
    throw new TrainingError(message.monitorNotAvailable(at, monitor, closestMatch(monitor, available), available));
  }
  return value;
}
