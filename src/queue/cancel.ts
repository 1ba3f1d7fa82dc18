/**
 * `tfexp sweep cancel <sweep-dir>`: stops a queued sweep. Points still queued (waiting, delayed for a
 * retry) are removed from the queue; running points are asked to stop through Redis (a worker checks
 * every 2 s and stops after the batch, its checkpoint kept, the job failed as cancelled, never
 * retried); completed points are kept and gathered by the follower or by `tfexp resume`, which also
 * lifts the cancel and runs what is left.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { sayer, type RunOptions } from '../train/run.js';
import { requestCancel } from './control.js';
import { jobId, QUEUE_NAME, QUEUE_PREFIX, type PointJob } from './job.js';
import { openQueuedSweep } from './resume.js';
import type { PointProgress } from './worker.js';

export interface CancelOptions extends Pick<RunOptions, 'write'> {
  readonly queue?: string;
  /** Seconds to wait for running points to stop. Default: 60 (a batch must end within a worker's lock time, 30 s by default). */
  readonly wait?: number;
}

/** What cancelling did, by point index. */
export interface CancelOutcome {
  readonly removed: number[];
  readonly stopped: number[];
  readonly stillRunning: number[];
  readonly completed: number[];
}

/**
 * @throws UsageError / QueueError (exit 2) as openQueuedSweep.
 */
export async function cancelSweep(dir: string, options: CancelOptions): Promise<CancelOutcome> {
  const say = sayer(options);
  const { sweep, redis } = await openQueuedSweep(dir, options.queue, 'sweep cancel');
  const queue = new Queue<PointJob>(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  const outcome: CancelOutcome = { removed: [], stopped: [], stillRunning: [], completed: [] };
  const workers = new Map<number, string>();
  try {
    // First the flag (workers refuse the sweep's points from now on), then the queued jobs.
    await requestCancel(redis, sweep.id);
    const running: number[] = [];
    for (const point of sweep.points.filter((p) => p.status !== 'completed')) {
      const job = await queue.getJob(jobId(sweep.id, point.index));
      const state = job === undefined ? 'missing' : await job.getState();
      if (state === 'active') {
        running.push(point.index);
        workers.set(point.index, (job!.progress as Partial<PointProgress> | null)?.worker ?? job!.processedBy ?? 'a worker');
        continue;
      }
      if (state === 'completed') {
        outcome.completed.push(point.index);
        continue;
      }
      // A point that failed on its own keeps its reason.
      if (state === 'failed') continue;
      // A job taken by a worker between getState and remove is locked: remove throws, the worker refuses it (the flag).
      if (job !== undefined) await job.remove().catch(() => running.push(point.index));
      if (!running.includes(point.index)) {
        outcome.removed.push(point.index);
        point.status = 'cancelled';
        point.reason = message.QUEUE_CANCELLED;
      }
    }
    // Running points stop after their batch; wait for that, so the command's end means the sweep is still.
    const deadline = Date.now() + (options.wait ?? 60) * 1000;
    let left = running;
    while (left.length > 0 && Date.now() < deadline) {
      const still: number[] = [];
      for (const index of left) {
        const job = await queue.getJob(jobId(sweep.id, index));
        const state = job === undefined ? 'missing' : await job.getState();
        if (state === 'active' || state === 'waiting') still.push(index);
        else if (state === 'completed') outcome.completed.push(index);
        else {
          outcome.stopped.push(index);
          const point = sweep.points.find((p) => p.index === index)!;
          point.status = 'cancelled';
          point.reason = message.QUEUE_CANCELLED;
        }
      }
      left = still;
      if (left.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
    outcome.stillRunning.push(...left);
    writeJsonAtomic(join(dir, 'sweep.json'), sweep);
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
  const named = (indices: readonly number[]) => indices.map((i) => `point ${i} on ${workers.get(i) ?? 'a worker'}`);
  say(message.queueCancelSummary({ dir, shown: sweep.queue.url, removed: outcome.removed.length, stopped: named(outcome.stopped), completed: outcome.completed.length, stillRunning: named(outcome.stillRunning) }));
  return outcome;
}
