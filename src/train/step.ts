/**
 * A training step and the reading back of its results, without making the device wait.
 *
 * tfjs-layers' `trainOnBatch` awaits the loss of every batch before returning, so a GPU
 * backend idles while the host reads one number per batch. `trainStep` runs the same
 * train function (tfjs-layers engine/training.ts, `trainOnBatch` without its read-back,
 * so the numbers are bit-identical) and returns the results as tensors; `ResultQueue`
 * reads them back in order, up to `readbackLag()` batches behind the device.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-layers' LayersModel that `trainOnBatch` uses (protected in its typings). */
interface TrainInternals {
  standardizeUserDataXY(x: tf.Tensor, y: tf.Tensor, checkBatchAxis: boolean): [tf.Tensor[], tf.Tensor[]];
  makeTrainFunction(): (data: tf.Tensor[]) => tf.Scalar[];
}

/**
 * One optimizer step on a batch, as `model.trainOnBatch(xs, y)` runs it, with nothing read back.
 * @param xs inputs [batch, height, width, channels], float32.
 * @param y targets as the compiled loss expects them ([batch] indices or [batch, classes] one-hot).
 * @returns one scalar per `model.metricsNames` entry (loss first); the caller disposes them.
 */
export function trainStep(model: tf.LayersModel, xs: tf.Tensor, y: tf.Tensor): tf.Scalar[] {
  // A Sequential model trains through the functional model inside it, as its trainOnBatch does.
  const internals = (model instanceof tf.Sequential ? (model as unknown as { model: tf.LayersModel }).model : model) as unknown as TrainInternals;
  const [inputs, targets] = internals.standardizeUserDataXY(xs, y, true);
  const results = internals.makeTrainFunction()([...inputs, ...targets]);
  // standardizeUserDataXY passes float32 tensors through as they are; free any copy it made.
  tf.dispose([...inputs, ...targets].filter((t) => t !== xs && t !== y));
  return results;
}

/**
 * How many batches the host may read behind the device: 4 on webgpu, where a read-back
 * costs a queue round trip and the device should always have the next step queued; 0
 * elsewhere (the CPU backends compute while the host waits anyway), which keeps their
 * per-batch callbacks and progress exactly in step.
 */
export function readbackLag(): number {
  return tf.getBackend() === 'webgpu' ? 4 : 0;
}

interface Pending<T> {
  readonly meta: T;
  readonly read: Promise<void>;
  values: number[] | null;
}

/**
 * Reads per-batch scalars back to the host in batch order, at most `lag` batches late,
 * and hands each batch's numbers to `deliver` (in order, exactly once).
 */
export class ResultQueue<T> {
  private readonly pending: Pending<T>[] = [];

  constructor(
    private readonly lag: number,
    private readonly deliver: (meta: T, values: readonly number[]) => void,
  ) {}

  /**
   * Queues one batch's scalars (takes ownership: they are disposed here) and delivers every
   * batch whose numbers are back, waiting only while more than `lag` batches are outstanding.
   * @throws whatever `deliver` throws (e.g. TerminateOnNaN's TrainingError), or a failed read.
   */
  async push(scalars: readonly tf.Tensor[], meta: T): Promise<void> {
    const packed = tf.stack(scalars as tf.Tensor[]);
    tf.dispose(scalars as tf.Tensor[]);
    const entry: Pending<T> = { meta, values: null, read: Promise.resolve() };
    (entry as { read: Promise<void> }).read = packed
      .data()
      .then((values) => {
        entry.values = Array.from(values);
      })
      .finally(() => packed.dispose());
    // Marks a failed read as handled for Node when the queue is abandoned (Ctrl-C, an error); next() still throws it.
    entry.read.catch(() => {});
    this.pending.push(entry);
    while (this.pending.length > 0 && (this.pending[0]!.values !== null || this.pending.length > this.lag)) await this.next();
  }

  /** Waits for and delivers every outstanding batch. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.next();
  }

  /** Batches queued but not yet delivered. */
  get outstanding(): number {
    return this.pending.length;
  }

  private async next(): Promise<void> {
    const head = this.pending[0]!;
    await head.read;
    this.pending.shift();
    this.deliver(head.meta, head.values!);
  }
}
