/**
 * Sets the learning rate before every batch from `train.learning_rate_schedule`.
 * Original source: keras/src/optimizers/schedules/learning_rate_schedule.py
 * (ExponentialDecay, CosineDecay) and keras/src/callbacks/learning_rate_scheduler.py
 * (the per-epoch `step_decay`).
 *
 * Porting Notes:
 * - Keras evaluates a schedule inside the optimizer at `optimizer.iterations`;
 *   tfjs optimizers take a number, so this callback sets it before each batch
 *   from `state.step` (the steps done so far, i.e. the optimizer iteration).
 * - Computed in float64; Keras computes in float32 (differences ~1e-7 relative).
 * - `cosine_decay` has no warmup (`warmup_target`, `warmup_steps`).
 * - Stateless: the rate depends only on the step and epoch, which the loop
 *   restores on resume, so there is nothing to checkpoint.
 */
import type { LearningRateScheduleConfig } from '../../config/schema/callbacks.js';
import type { Callback, TrainingState } from './types.js';

/**
 * The learning rate a schedule gives.
 * @param schedule `train.learning_rate_schedule`, defaults filled.
 * @param initialRate the optimizer's `learning_rate` (schema `train.optimizer.learning_rate`).
 * @param step optimizer steps done before this batch (from 0).
 * @param epoch the epoch being run, from 1 (used by `step_decay` only).
 */
export function scheduledRate(schedule: LearningRateScheduleConfig, initialRate: number, step: number, epoch: number): number {
  switch (schedule.type) {
    case 'exponential_decay': {
      const periods = step / schedule.decay_steps;
      return initialRate * schedule.decay_rate ** (schedule.staircase ? Math.floor(periods) : periods);
    }
    case 'cosine_decay': {
      const fraction = Math.min(step, schedule.decay_steps) / schedule.decay_steps;
      const cosine = 0.5 * (1 + Math.cos(Math.PI * fraction));
      return initialRate * ((1 - schedule.alpha) * cosine + schedule.alpha);
    }
    case 'step_decay':
      return initialRate * schedule.factor ** Math.floor((epoch - 1) / schedule.every_epochs);
  }
}

export class LearningRateSchedule implements Callback {
  /**
   * @param schedule `train.learning_rate_schedule`, defaults filled.
   * @param initialRate the optimizer's `learning_rate` from the config (not the
   *   optimizer's current rate, which a resumed run may have decayed already).
   */
  constructor(
    private readonly schedule: LearningRateScheduleConfig,
    private readonly initialRate: number,
  ) {}

  onBatchBegin(_batch: number, state: TrainingState): void {
    state.setLearningRate(scheduledRate(this.schedule, this.initialRate, state.step, state.epoch));
  }
}
