/**
 * The callback protocol of tfexp's training loop (after Keras `keras.callbacks.Callback`,
 * keras/src/callbacks/callback.py): hooks the loop calls, and the state they may act on.
 * Epochs and batches are counted from 1 in tfexp (Keras counts from 0).
 */

/** Metric values by Keras name: loss, accuracy, val_loss, val_accuracy, ... */
export type Logs = Readonly<Record<string, number>>;

/** What a callback can see and change while training runs. */
export interface TrainingState {
  /** The epoch being run, or just finished, from 1. */
  readonly epoch: number;
  /** Optimizer steps (batches) done so far over all epochs. */
  readonly step: number;
  /** Steps per epoch (batches per epoch). */
  readonly stepsPerEpoch: number;
  /** The optimizer's learning rate now. */
  learningRate(): number;
  /** Sets the optimizer's learning rate (takes effect from the next batch). */
  setLearningRate(rate: number): void;
  /** Asks the loop to stop at the end of the current epoch; `reason` goes to run.json and the console. */
  stop(reason: string): void;
  /** A copy of the model's weights (caller owns it; dispose with `dropWeights`). */
  copyWeights(): unknown;
  /** Puts back weights from `copyWeights`. */
  restoreWeights(weights: unknown): void;
  /** Frees weights from `copyWeights`. */
  dropWeights(weights: unknown): void;
  /** Prints one line to the console (e.g. "Epoch 5: early stopping"). */
  log(line: string): void;
}

/** A training callback. Every hook is optional. */
export interface Callback {
  onTrainBegin?(state: TrainingState): void;
  /** Before each batch; `batch` counts from 1 within the epoch. */
  onBatchBegin?(batch: number, state: TrainingState): void;
  /** After each batch, with that batch's metrics. */
  onBatchEnd?(batch: number, logs: Logs, state: TrainingState): void;
  /** After each epoch, with the epoch's means and validation metrics. */
  onEpochEnd?(epoch: number, logs: Logs, state: TrainingState): void;
  onTrainEnd?(state: TrainingState): void;
  /** JSON-serialisable state saved in checkpoints, so `tfexp resume` continues where the run stopped. */
  saveState?(): unknown;
  loadState?(state: unknown): void;
}
