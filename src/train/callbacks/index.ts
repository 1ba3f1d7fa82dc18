/**
 * The callbacks an experiment asks for, built from its `train` section:
 *
 *   callbacks/
 *     types.ts             the protocol: Callback hooks and TrainingState
 *     schedule.ts          train.learning_rate_schedule
 *     terminate-on-nan.ts  train.terminate_on_nan
 *     reduce-lr.ts         train.reduce_lr_on_plateau
 *     early-stopping.ts    train.early_stopping
 *     monitor.ts           direction and lookup of a monitored metric
 *     checkpoint.ts        JSON encoding of callback state
 */
import type { TrainConfig } from '../../config/schema/train.js';
import { TrainingError } from '../../errors.js';
import * as message from '../../log/message.js';
import { EarlyStopping } from './early-stopping.js';
import { ReduceLROnPlateau } from './reduce-lr.js';
import { LearningRateSchedule } from './schedule.js';
import { TerminateOnNaN } from './terminate-on-nan.js';
import type { Callback } from './types.js';

/**
 * The callbacks for `train`, in the order the loop must call them: schedule,
 * terminate-on-NaN, reduce-LR, early stopping (the rate is set before anything
 * reads it; early stopping sees the epoch last). Absent sections add none.
 * @param train the resolved `train` section (defaults filled).
 * @throws TrainingError when both a schedule and reduce_lr_on_plateau are set:
 *   the schedule would overwrite every reduction. (Keras raises too: an
 *   optimizer built with a schedule has no settable learning rate.)
 */
export function buildCallbacks(train: TrainConfig): Callback[] {
  const callbacks: Callback[] = [];
  if (train.learning_rate_schedule !== undefined) {
    if (train.reduce_lr_on_plateau !== undefined) throw new TrainingError(message.SCHEDULE_WITH_REDUCE_LR);
    callbacks.push(new LearningRateSchedule(train.learning_rate_schedule, train.optimizer.learning_rate));
  }
  if (train.terminate_on_nan) callbacks.push(new TerminateOnNaN());
  if (train.reduce_lr_on_plateau !== undefined) callbacks.push(new ReduceLROnPlateau(train.reduce_lr_on_plateau));
  if (train.early_stopping !== undefined) callbacks.push(new EarlyStopping(train.early_stopping));
  return callbacks;
}

export type { Callback, Logs, TrainingState } from './types.js';
