/**
 * Reduces the learning rate when the monitored metric has stopped improving.
 * Original source: keras/src/callbacks/reduce_lr_on_plateau.py (Keras 3)
 *
 * Keras semantics kept: an epoch improves when it beats `best` by more than
 * `min_delta`; while in cooldown, each epoch decrements the cooldown counter
 * and resets `wait`, and non-improving epochs are not counted; after `patience`
 * counted epochs the rate becomes max(lr * factor, min_lr), unless it is
 * already at or below `min_lr` (compared in float32, as Keras does), and
 * cooldown starts.
 *
 * Porting Notes:
 * - Epochs count from 1 (Keras: 0), also in the console line.
 * - State is set up in the constructor, not reset in `onTrainBegin` (a reset
 *   would undo `loadState`; tfexp builds fresh callbacks per run).
 * - Keras adds `learning_rate` to the epoch logs; tfexp's logs are read-only here.
 * - A missing monitor throws a `TrainingError` (Keras warns and does nothing).
 */
import type { ReduceLROnPlateauConfig } from '../../config/schema/callbacks.js';
import * as message from '../../log/message.js';
import { encodeNumber, StateReader, type JsonNumber } from './checkpoint.js';
import { direction, monitoredValue } from './monitor.js';
import type { Callback, Logs, TrainingState } from './types.js';

const AT = 'train.reduce_lr_on_plateau';

/** What `saveState` returns (JSON). */
export interface ReduceLROnPlateauState {
  best: JsonNumber;
  wait: number;
  cooldown_counter: number;
}

export class ReduceLROnPlateau implements Callback {
  /** Best monitored value so far; +Infinity (min) or -Infinity (max) before the first epoch, as Keras. */
  private best: number;
  /** Counted epochs without improvement since the last improvement or reduction. */
  private wait = 0;
  /** Epochs of cooldown left. */
  private cooldownCounter = 0;
  private readonly improves: (current: number, best: number) => boolean;

  /** @param config `train.reduce_lr_on_plateau`, defaults filled (see src/config/schema/callbacks.ts). */
  constructor(private readonly config: ReduceLROnPlateauConfig) {
    const delta = config.min_delta;
    if (direction(config.mode, config.monitor) === 'min') {
      this.improves = (a, b) => a < b - delta;
      this.best = Infinity;
    } else {
      this.improves = (a, b) => a > b + delta;
      this.best = -Infinity;
    }
  }

  /** @throws TrainingError when the logs lack `monitor` (message lists the metrics they have). */
  onEpochEnd(epoch: number, logs: Logs, state: TrainingState): void {
    const current = monitoredValue(logs, this.config.monitor, AT);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.config.patience) return;
    const oldRate = state.learningRate();
    if (!(oldRate > Math.fround(this.config.min_lr))) return;
    const newRate = Math.max(oldRate * this.config.factor, this.config.min_lr);
    state.setLearningRate(newRate);
    state.log(message.reducingLearningRate(epoch, newRate));
    this.cooldownCounter = this.config.cooldown;
    this.wait = 0;
  }

  saveState(): ReduceLROnPlateauState {
    return { best: encodeNumber(this.best), wait: this.wait, cooldown_counter: this.cooldownCounter };
  }

  /** @throws TrainingError when `saved` is not what `saveState` returns. */
  loadState(saved: unknown): void {
    const read = new StateReader(AT, saved);
    this.best = read.number('best');
    this.wait = read.count('wait');
    this.cooldownCounter = read.count('cooldown_counter');
  }
}
