/**
 * Stops training when the monitored metric has stopped improving.
 * Original source: keras/src/callbacks/early_stopping.py (Keras 3)
 *
 * Keras semantics kept: `wait` is incremented on every monitored epoch and
 * reset only by an epoch that beats both the best so far (by more than
 * `min_delta`) and `baseline`; training stops on a non-improving epoch once
 * `wait >= patience`; the first monitored epoch always sets `best`;
 * `restore_best_weights` restores the best epoch's weights at the end of
 * training, whether it stopped early or ran all epochs.
 *
 * Porting Notes:
 * - Epochs count from 1 (Keras: 0). `start_from_epoch: N` skips epochs 1..N, and
 *   Keras's `epoch > 0` guard on stopping is `epoch > 1` here.
 * - State is set up in the constructor, not reset in `onTrainBegin` (Keras
 *   resets there so an instance can serve several `fit` calls; tfexp builds
 *   fresh callbacks per run, and a reset would undo `loadState`).
 * - `saveState` holds `best`, `wait` and the best epoch but not the best
 *   weights (checkpoint state is JSON). After a resume, if no later epoch beats
 *   `best`, the last weights are kept and a line says so; Keras would instead
 *   restore whatever weights it saw first (it has no resume).
 * - A missing monitor throws a `TrainingError` (Keras warns and does nothing).
 */
import type { EarlyStoppingConfig } from '../../config/schema/callbacks.js';
import * as message from '../../log/message.js';
import { encodeNumber, StateReader } from './checkpoint.js';
import { direction, monitoredValue } from './monitor.js';
import type { Callback, Logs, TrainingState } from './types.js';

const AT = 'train.early_stopping';

/** What `saveState` returns (JSON). */
export interface EarlyStoppingState {
  wait: number;
  best: ReturnType<typeof encodeNumber> | null;
  /** The epoch `best` was seen at, from 1; 0 when none yet. */
  best_epoch: number;
  /** The epoch training was stopped at, from 1; 0 when it was not. */
  stopped_epoch: number;
}

export class EarlyStopping implements Callback {
  /** Epochs since the last epoch that beat both `best` and `baseline` (counted only from `start_from_epoch`). */
  private wait = 0;
  /** Best monitored value so far; null before the first monitored epoch (Keras `None`). */
  private best: number | null = null;
  /** Epoch of `best`, from 1; 0 before the first monitored epoch. */
  private bestEpoch = 0;
  private stoppedEpoch = 0;
  /** Weights after `bestEpoch` (only with `restore_best_weights`); undefined when not held. */
  private bestWeights: unknown = undefined;
  /** Signed as in Keras: negative when smaller is better, so `current - minDelta` is the value to compare. */
  private readonly minDelta: number;
  private readonly better: (a: number, b: number) => boolean;

  /** @param config `train.early_stopping`, defaults filled (see src/config/schema/callbacks.ts). */
  constructor(private readonly config: EarlyStoppingConfig) {
    const dir = direction(config.mode, config.monitor);
    this.better = dir === 'min' ? (a, b) => a < b : (a, b) => a > b;
    this.minDelta = dir === 'min' ? -Math.abs(config.min_delta) : Math.abs(config.min_delta);
  }

  /** @throws TrainingError when the logs lack `monitor` (message lists the metrics they have). */
  onEpochEnd(epoch: number, logs: Logs, state: TrainingState): void {
    const current = monitoredValue(logs, this.config.monitor, AT);
    if (epoch <= this.config.start_from_epoch) return;
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.config.restore_best_weights) {
        if (this.bestWeights !== undefined) state.dropWeights(this.bestWeights);
        this.bestWeights = state.copyWeights();
      }
      if (this.config.baseline === null || this.isImprovement(current, this.config.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.config.patience && epoch > 1) {
      this.stoppedEpoch = epoch;
      state.stop(message.earlyStopping(epoch, this.config.monitor, this.wait, this.best, this.bestEpoch));
    }
  }

  onTrainEnd(state: TrainingState): void {
    if (!this.config.restore_best_weights) return;
    if (this.bestWeights !== undefined) {
      state.log(message.restoringBestWeights(this.bestEpoch));
      state.restoreWeights(this.bestWeights);
      state.dropWeights(this.bestWeights);
      this.bestWeights = undefined;
    } else if (this.best !== null) {
      state.log(message.bestWeightsNotInCheckpoint(this.bestEpoch));
    }
  }

  saveState(): EarlyStoppingState {
    return {
      wait: this.wait,
      best: this.best === null ? null : encodeNumber(this.best),
      best_epoch: this.bestEpoch,
      stopped_epoch: this.stoppedEpoch,
    };
  }

  /** @throws TrainingError when `saved` is not what `saveState` returns. */
  loadState(saved: unknown): void {
    const read = new StateReader(AT, saved);
    this.wait = read.count('wait');
    this.best = read.numberOrNull('best');
    this.bestEpoch = read.count('best_epoch');
    this.stoppedEpoch = read.count('stopped_epoch');
  }

  private isImprovement(value: number, reference: number | null): boolean {
    return reference === null || this.better(value - this.minDelta, reference);
  }
}
