/**
 * The training loop, with Keras `fit` semantics: each epoch visits every
 * training sample once in a seeded shuffle, the last partial batch included;
 * epoch metrics are means over samples; validation runs after each epoch.
 *
 * Reproducibility: the shuffle of epoch e uses seed (seed, e), and tfjs's
 * unseeded random numbers (dropout masks) come from Math.random, which is
 * replaced by a generator seeded with (seed, e) while the epoch runs. So the
 * same experiment, seed and backend repeat exactly, and a resumed run draws
 * the same numbers as one that was never interrupted.
 */
import * as tf from '@tensorflow/tfjs';
import { trackTrainingPosition } from '../backend/crash.js';
import { batches, type DataSplit } from '../data/index.js';
import { mulberry32, permutation } from '../data/random.js';
import type { Callback, Logs, TrainingState } from './callbacks/types.js';
import { encodeLabels, evaluate, type Feed } from './evaluate.js';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import { readbackLag, ResultQueue, trainStep } from './step.js';
import { EpochProgress, type ProgressOptions } from './progress.js';

/** One line of metrics.json's history. */
export interface EpochRecord {
  /** From 1. */
  readonly epoch: number;
  /** loss, accuracy, ..., val_loss, val_accuracy, ... (Keras names). */
  readonly [metric: string]: number;
}

export interface LoopInputs {
  readonly model: tf.LayersModel;
  readonly train: DataSplit;
  readonly trainIndices: Uint32Array;
  /** Validation samples, or undefined for none. */
  readonly validation?: { split: DataSplit; indices: Uint32Array };
  readonly feed: Feed;
  readonly epochs: number;
  readonly seed: number;
  readonly callbacks: readonly Callback[];
  /** First epoch to run, from 1 (a resumed run starts after its last checkpoint). */
  readonly startEpoch: number;
  /** Optimizer steps done before `startEpoch`. */
  readonly startStep: number;
  readonly progress: ProgressOptions;
  /** Said before the first step of `startEpoch` (that step compiles kernels or shaders), e.g. message.firstStepStatus. */
  readonly firstStepNote?: string;
  /** True once the user asked to stop (Ctrl-C): the loop ends after the current batch. */
  readonly interrupted: () => boolean;
  /** Called with each completed epoch's record before any callback sees it (so a failing callback cannot lose it). */
  readonly onEpochRecord: (record: EpochRecord) => void;
  /** Called after the callbacks have seen the epoch (checkpoint with their state, plots). */
  readonly onEpochSaved: (record: EpochRecord, step: number) => Promise<void>;
}

export interface LoopResult {
  /** Why training ended early (early stopping), if it did. */
  readonly stoppedBy?: string;
  readonly interrupted: boolean;
  /** The last completed epoch (startEpoch - 1 when none completed). */
  readonly lastEpoch: number;
}

/** The seed of epoch `epoch`'s shuffle and random numbers. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch, 0x85ebca6b)) >>> 0;
}

/**
 * Trains from `startEpoch` to `epochs`.
 * @throws whatever a callback throws (e.g. TrainingError for a NaN loss); the caller records the failure.
 */
export async function trainLoop(inputs: LoopInputs): Promise<LoopResult> {
  const { model, feed, callbacks } = inputs;
  const optimizer = model.optimizer;
  const stepsPerEpoch = Math.ceil(inputs.trainIndices.length / feed.batchSize);
  let epoch = inputs.startEpoch;
  let step = inputs.startStep;
  let stopReason: string | undefined;
  const state: TrainingState = {
    get epoch() {
      return epoch;
    },
    get step() {
      return step;
    },
    stepsPerEpoch,
    learningRate: () => getLearningRate(optimizer),
    setLearningRate: (rate) => setLearningRate(optimizer, rate),
    stop: (reason) => {
      stopReason = reason;
    },
    copyWeights: () => model.getWeights().map((w) => w.clone()),
    restoreWeights: (weights) => model.setWeights(weights as tf.Tensor[]),
    dropWeights: (weights) => tf.dispose(weights as tf.Tensor[]),
    log: (line) => inputs.progress.write(`${line}\n`),
  };
  const realRandom = Math.random;
  let lastEpoch = inputs.startEpoch - 1;
  try {
    for (const cb of callbacks) cb.onTrainBegin?.(state);
    for (; epoch <= inputs.epochs; epoch++) {
      const started = performance.now();
      Math.random = mulberry32(epochSeed(inputs.seed, epoch));
      const order = permutation(inputs.trainIndices.length, epochSeed(inputs.seed, epoch));
      const indices = order.map((i) => inputs.trainIndices[i]!);
      const progress = new EpochProgress(epoch, inputs.epochs, stepsPerEpoch, inputs.progress, epoch === inputs.startEpoch ? inputs.firstStepNote : undefined);
      const sums = new Map<string, number>();
      let seen = 0;
      let batch = 0;
      let means: Logs = {};
      // Each batch's numbers reach the means, the callbacks and the progress bar in batch order,
      // up to readbackLag() batches after the device ran it.
      const results = new ResultQueue<{ batch: number; n: number }>(readbackLag(), (done, values) => {
        const logs: Record<string, number> = {};
        model.metricsNames.forEach((name, i) => {
          logs[name] = values[i]!;
          sums.set(name, (sums.get(name) ?? 0) + values[i]! * done.n);
        });
        seen += done.n;
        means = Object.fromEntries([...sums].map(([name, sum]) => [name, sum / seen]));
        for (const cb of callbacks) cb.onBatchEnd?.(done.batch, logs, state);
        progress.update(done.batch, means);
      });
      for (const { xs, ys } of batches(inputs.train, indices, { batchSize: feed.batchSize, sampleShape: feed.sampleShape, normalize: feed.normalize })) {
        batch += 1;
        trackTrainingPosition({ epoch, batch });
        for (const cb of callbacks) cb.onBatchBegin?.(batch, state);
        const y = encodeLabels(ys, feed);
        const out = trainStep(model, xs, y);
        const n = xs.shape[0];
        tf.dispose([xs, ys, y]);
        step += 1;
        await results.push(out, { batch, n });
        // Reading results back settles through microtasks only; give Node a macrotask turn so a Ctrl-C is seen.
        await new Promise((resolve) => setImmediate(resolve));
        if (inputs.interrupted()) return { interrupted: true, lastEpoch };
      }
      await results.drain();
      trackTrainingPosition(null);
      const validation =
        inputs.validation === undefined
          ? {}
          : await evaluate(model, inputs.validation.split, inputs.validation.indices, feed, 'val_', (done, total, logs) => progress.validating(done, total, logs));
      const logs: Logs = { ...means, ...validation };
      progress.finish(batch, logs);
      const record: EpochRecord = {
        epoch,
        ...logs,
        seconds: (performance.now() - started) / 1000,
        learning_rate: getLearningRate(optimizer),
        num_tensors: tf.memory().numTensors,
      };
      lastEpoch = epoch;
      inputs.onEpochRecord(record);
      for (const cb of callbacks) cb.onEpochEnd?.(epoch, logs, state);
      await inputs.onEpochSaved(record, step);
      if (stopReason !== undefined) break;
      // Ctrl-C during the last epoch's end: the training is done, so finish the run (test, model).
      if (inputs.interrupted() && epoch < inputs.epochs) return { interrupted: true, lastEpoch };
    }
    for (const cb of callbacks) cb.onTrainEnd?.(state);
    return { interrupted: false, lastEpoch, ...(stopReason !== undefined ? { stoppedBy: stopReason } : {}) };
  } finally {
    Math.random = realRandom;
  }
}
