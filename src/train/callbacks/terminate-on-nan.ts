/**
 * Stops training as soon as a batch loss is NaN or infinite.
 * Original source: keras/src/callbacks/terminate_on_nan.py
 *
 * Porting Notes:
 * - Keras sets `stop_training` and the loop breaks after the batch. tfexp's
 *   `TrainingState.stop` waits for the end of the epoch, so this callback also
 *   throws a `TrainingError` carrying the same reason, which ends the loop at once. On webgpu
 *   a batch's loss arrives up to 4 batches after it ran (src/train/step.ts), so up to 4 more
 *   batches may have run; the reason still names the batch whose loss was not finite.
 * - On by default (`train.terminate_on_nan: true`); in Keras it is opt-in.
 * - Batches with no `loss` in their logs are skipped, as in Keras.
 */
import { TrainingError } from '../../errors.js';
import * as message from '../../log/message.js';
import type { Callback, Logs, TrainingState } from './types.js';

/** Ends training on the first batch whose loss is NaN, Infinity or -Infinity. Stateless (nothing to checkpoint). */
export class TerminateOnNaN implements Callback {
  /**
   * @param batch the batch just run, from 1 within the epoch.
   * @throws TrainingError `loss became NaN at epoch E, batch B` (or Infinity), after `state.stop` with the same reason.
   */
  onBatchEnd(batch: number, logs: Logs, state: TrainingState): void {
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss)) return;
    const reason = message.lossNotFinite(loss, state.epoch, batch);
    state.stop(reason);
    throw new TrainingError(reason);
  }
}
