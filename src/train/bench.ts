/**
 * Training speed of an experiment's model on one backend: forward ms per
 * batch, training ms per step, samples/s and achieved GFLOP/s, on synthetic
 * data (uniform [0, 1) images, random labels) so no dataset is needed.
 */
import * as tf from '@tensorflow/tfjs';
import type { LoadedExperiment } from '../config/index.js';
import { compileExperiment } from '../model/index.js';
import { readbackLag, ResultQueue, trainStep } from './step.js';

export interface BenchOptions {
  /** Samples per batch. Default: the experiment's train.batch_size. */
  readonly batchSize?: number;
  /** Timed steps (after warm-up). Default: 10. */
  readonly steps?: number;
  /** Untimed steps first (kernel setup, weight packing, JIT). Default: 2. */
  readonly warmup?: number;
}

/** One backend's figures. Times are wall-clock, over the timed steps: medians on CPU backends, means on webgpu. */
export interface BenchResult {
  readonly batch_size: number;
  readonly steps: number;
  /**
   * model.predict on one batch (a single call of batch_size samples), milliseconds; timed like
   * train_step_ms, and on CPU backends in turn with the steps (a forward pass, a step, ...).
   */
  readonly forward_ms: number;
  /**
   * One training step as `tfexp run` runs it (forward, loss, metrics, backward, optimizer update), milliseconds:
   * the median of steps timed one by one where results are read back after every step (CPU backends);
   * on webgpu, where training reads results back up to a few steps late, the mean over the timed steps
   * run back to back, as the device runs them in training.
   */
  readonly train_step_ms: number;
  /** batch_size / train_step_ms, samples per second. */
  readonly samples_per_second: number;
  /** 3 x forward FLOPs per sample x batch / step time (backward taken as 2x forward), GFLOP/s. */
  readonly train_gflops: number;
  /** train_step_ms / forward_ms. */
  readonly step_over_forward: number;
  /** CPU time / wall time during the timed training steps (> 1 means more than one core worked; on wasm it includes the threads' spin between jobs, up to SPIN_MS each). */
  readonly cpu_over_wall: number;
  /** tf.memory().numTensors after the first and after the last step (equal when nothing leaks). */
  readonly tensors_after_first: number;
  readonly tensors_after_last: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures the experiment's model on the active tfjs backend.
 * @throws ConfigError if the experiment does not compile.
 */
export async function benchmark(loaded: LoadedExperiment, options: BenchOptions = {}): Promise<BenchResult> {
  const batch = options.batchSize ?? loaded.experiment.train.batch_size;
  const steps = options.steps ?? 10;
  const warmup = options.warmup ?? 2;
  const { plan, model, labels } = compileExperiment(loaded);
  const classes = plan.output[plan.output.length - 1]!;
  const x = tf.randomUniform([batch, ...plan.input], 0, 1, 'float32', loaded.experiment.seed);
  const indices = tf.randomUniform([batch], 0, classes, 'int32', loaded.experiment.seed + 1);
  const y = labels === 'index' ? tf.cast(indices, 'float32') : tf.oneHot(indices, classes);
  try {
    const lag = readbackLag();
    const results = new ResultQueue<null>(lag, () => {});
    const step = () => results.push(trainStep(model, x, y), null);
    const forward = async () => {
      // One call at the step's batch size (predict's default batchSize is 32).
      const out = model.predict(x, { batchSize: batch }) as tf.Tensor;
      await out.data();
      out.dispose();
    };
    for (let i = 0; i < warmup; i++) {
      await forward();
      await step();
      await results.drain();
    }
    const forwardTimes: number[] = [];
    const stepTimes: number[] = [];
    let tensorsAfterFirst = 0;
    let cpuMs = 0;
    let wall = 0;
    const timedSteps = async (count: number, afterEach: (i: number) => void) => {
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await step();
        if (lag === 0) stepTimes.push(performance.now() - t);
        afterEach(i);
      }
      await results.drain();
      const cpu = process.cpuUsage(cpuStart);
      cpuMs += (cpu.user + cpu.system) / 1000;
      wall += performance.now() - wallStart;
    };
    // Each step still being read back holds one tensor (its packed results): not a leak.
    const countAfterFirst = (i: number) => {
      if (i === 0) tensorsAfterFirst = tf.memory().numTensors - results.outstanding;
    };
    if (lag === 0) {
      // Where results are read back after every step (CPU backends), a forward pass and a step
      // take turns, so both medians come from the same minutes: a VM's speed drifts by 20% or
      // more over a minute, which made step/forward from two separate runs (all forward passes, then all steps) range
      // from 2.4 to 4.2 in ten runs of the baseline here (2026-12-02).
      for (let i = 0; i < steps; i++) {
        const t = performance.now();
        await forward();
        forwardTimes.push(performance.now() - t);
        await timedSteps(1, () => countAfterFirst(i));
      }
    } else {
      // Where training reads back late (webgpu), forward passes are timed the same way: back to
      // back, waiting only for the last, so step/forward compares like with like.
      const forwardStart = performance.now();
      for (let i = 0; i < steps; i++) {
        if (i === steps - 1) await forward();
        else tf.dispose(model.predict(x, { batchSize: batch }) as tf.Tensor);
      }
      forwardTimes.push((performance.now() - forwardStart) / steps);
      await timedSteps(steps, countAfterFirst);
    }
    const forwardMs = median(forwardTimes);
    const stepMs = lag === 0 ? median(stepTimes) : wall / steps;
    return {
      batch_size: batch,
      steps,
      forward_ms: round(forwardMs),
      train_step_ms: round(stepMs),
      samples_per_second: round((batch * 1000) / stepMs),
      train_gflops: round((3 * plan.flops * batch) / (stepMs / 1000) / 1e9),
      step_over_forward: round(stepMs / forwardMs),
      cpu_over_wall: round(cpuMs / wall),
      tensors_after_first: tensorsAfterFirst,
      tensors_after_last: tf.memory().numTensors,
    };
  } finally {
    model.optimizer.dispose(); // its slot variables (momentum, moments) are not the model's
    model.dispose();
    tf.dispose([x, indices, y]);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
