/**
 * `tfexp sweep cancel <sweep-dir>`: stops a queued sweep. Points still queued (waiting, delayed for a
 * retry) are removed from the queue; running points are asked to stop through Redis (a worker checks
 * every 2 s and stops after the batch, its checkpoint kept, the job failed as cancelled, never
 * retried); completed points are kept and gathered by the follower or by `tfexp resume`, which also
 * lifts the cancel and runs what is left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { sayer, type RunOptions } from '../train/run.js';
import { requestCancel } from './control.js';
import { asQueueError } from './connect.js';
import type { QueuedSweepFile } from './follow.js';
import { openQueue, pointState, workerOf } from './job.js';
import { openQueuedSweep } from './resume.js';

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
 * Cancels a queued sweep (see the file's comment) and waits up to `options.wait` seconds for its
 * running points to stop; sweep.json's stopped and removed points become `cancelled`.
 * @throws UsageError / QueueError (exit 2) as openQueuedSweep; QueueError when Redis fails a command.
 * @returns the points by what happened to them.
 */
export async function cancelSweep(dir: string, options: CancelOptions): Promise<CancelOutcome> {
  const say = sayer(options);
  const { sweep, redis, target } = await openQueuedSweep(dir, options.queue, 'sweep cancel');
  const queue = openQueue(redis);
  const outcome: CancelOutcome = { removed: [], stopped: [], stillRunning: [], completed: [] };
  const workers = new Map<number, string>();
  try {
    // First the flag (workers refuse the sweep's points from now on), then the queued jobs.
    await requestCancel(redis, sweep.id);
    const running: number[] = [];
    for (const point of sweep.points.filter((p) => p.status !== 'completed')) {
      const { job, state } = await pointState(queue, sweep.id, point.index);
      if (state === 'completed') outcome.completed.push(point.index);
      // A point that failed on its own keeps its reason.
      if (state === 'completed' || state === 'failed') continue;
      if (state === 'active') {
        running.push(point.index);
        workers.set(point.index, workerOf(job!));
        continue;
      }
      // A job taken by a worker between the state and the removal is locked: it counts as running (the worker refuses it: the flag).
      if (job !== undefined && !(await job.remove().then(() => true, () => false))) {
        running.push(point.index);
        continue;
      }
      outcome.removed.push(point.index);
    }
    // Running points stop after their batch; wait for that, so the command's end means the sweep is still.
    const deadline = Date.now() + (options.wait ?? 60) * 1000;
    let left = running;
    while (left.length > 0 && Date.now() < deadline) {
      const still: number[] = [];
      for (const index of left) {
        const { state } = await pointState(queue, sweep.id, index);
        if (state === 'active' || state === 'waiting') still.push(index);
        else if (state === 'completed') outcome.completed.push(index);
        else outcome.stopped.push(index);
      }
      left = still;
      if (left.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
    outcome.stillRunning.push(...left);
    markCancelled(dir, [...outcome.removed, ...outcome.stopped]);
  } catch (error) {
    throw asQueueError(target, error);
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
  const named = (indices: readonly number[]) => indices.map((i) => `point ${i} on ${workers.get(i) ?? 'a worker'}`);
  say(message.queueCancelSummary({ dir, shown: sweep.queue.url, removed: outcome.removed.length, stopped: named(outcome.stopped), completed: outcome.completed.length, stillRunning: named(outcome.stillRunning) }));
  return outcome;
}

/** Marks points cancelled in sweep.json as it is now (a follower may have written it since it was read). */
function markCancelled(dir: string, indices: readonly number[]): void {
  const file = join(dir, 'sweep.json');
  const sweep = JSON.parse(readFileSync(file, 'utf8')) as QueuedSweepFile;
  for (const point of sweep.points) {
    if (!indices.includes(point.index) || point.status === 'completed') continue;
    point.status = 'cancelled';
    point.reason = message.QUEUE_CANCELLED;
  }
  writeJsonAtomic(file, sweep);
}
