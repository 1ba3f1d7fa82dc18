/**
 * `tfexp resume <sweep-dir>` for a sweep sent through a queue: follow it again from any machine
 * that has its sweep folder, gather what completed meanwhile, and put back in the queue only what
 * is missing: a point whose job Redis no longer has is enqueued again, a failed or cancelled point
 * is retried with its attempts reset, a queued or running point is left as it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { sayer, type RunOptions } from '../train/run.js';
import { asQueueError, connectRedis } from './connect.js';
import { clearCancel, holdFollow } from './control.js';
import { enqueuePoints, planPointJob } from './enqueue.js';
import { followSweep, type FollowOptions, type QueuedSweepFile } from './follow.js';
import { openQueue, pointState, type PointJob } from './job.js';
import { parseQueueUrl, type QueueTarget } from './url.js';

/** True when the sweep folder's sweep.json says it was sent through a queue. */
export function isQueuedSweep(dir: string): boolean {
  const file = join(dir, 'sweep.json');
  try {
    return existsSync(file) && typeof (JSON.parse(readFileSync(file, 'utf8')) as { queue?: unknown }).queue === 'object';
  } catch {
    return false;
  }
}

/** A queued sweep's sweep.json and a checked connection to the queue it was sent through. */
export interface OpenedSweep {
  readonly sweep: QueuedSweepFile;
  readonly redis: Redis;
  readonly target: QueueTarget;
}

/**
 * @param url --queue, else $TFEXP_QUEUE, else the sweep's own URL when it had no password.
 * @throws UsageError (exit 2) when the folder is not a queued sweep, the URL is needed, or it names
 *   another server than the sweep's (its jobs are not there); QueueError (exit 2) for the connection.
 */
export async function openQueuedSweep(dir: string, url: string | undefined, command: string): Promise<OpenedSweep> {
  if (!isQueuedSweep(dir)) throw new UsageError(message.queueNotQueued(dir));
  const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as QueuedSweepFile;
  const given = url || process.env.TFEXP_QUEUE || (sweep.queue.url.includes(':***@') ? undefined : sweep.queue.url);
  if (given === undefined) throw new UsageError(message.queueUrlNeeded(command, dir, sweep.queue.url));
  const target = parseQueueUrl(given);
  // The same server and database (the password aside): the sweep's jobs are there and nowhere else.
  const where = (shown: string) => shown.replace(/\/\/[^@]*@/, '//');
  if (where(target.shown) !== where(sweep.queue.url)) throw new UsageError(message.queueOtherServer(dir, target.shown, sweep.queue.url));
  return { sweep, target, redis: await connectRedis(target) };
}

export interface ResumeQueuedOptions extends FollowOptions, Pick<RunOptions, 'write'> {
  readonly queue?: string;
}

/**
 * Re-attaches to a queued sweep and follows it to its end (see the file's comment).
 * @throws as openQueuedSweep; UsageError (exit 2) when another process follows the sweep;
 *   QueueError (exit 2) when Redis fails a command; SweepFailed (exit 1) / RunInterrupted (exit 130) as followSweep.
 * @returns the sweep folder.
 */
export async function resumeQueuedSweep(dir: string, options: ResumeQueuedOptions): Promise<string> {
  const say = sayer(options);
  const { sweep, redis, target } = await openQueuedSweep(dir, options.queue, 'resume');
  try {
    const held = await holdFollow(redis, sweep.id);
    if ('other' in held) throw new UsageError(message.queueFollowedElsewhere(dir, held.other.host, held.other.pid, held.other.since));
    try {
      const open = sweep.points.filter((p) => p.status !== 'completed');
      say(`Resuming sweep ${sweep.id} on ${sweep.queue.url}: ${open.length} of ${sweep.points.length} point(s) not gathered yet`);
      if (await clearCancel(redis, sweep.id)) say(message.QUEUE_UNCANCELLED);
      const jobs = await requeue(redis, sweep, open, say);
      // What an earlier follower saw is stale now; this one writes its own as it sees the points.
      for (const point of sweep.points) delete point.live;
      delete sweep.live_by;
      writeJsonAtomic(join(dir, 'sweep.json'), sweep);
      await followSweep(redis, dir, sweep, jobs, { ...options, claim: held });
    } finally {
      await held.release();
    }
    return dir;
  } catch (error) {
    throw asQueueError(target, error);
  } finally {
    redis.disconnect();
  }
}

/**
 * Puts the open points back where they need to be: a failed (or cancelled) job retried with its
 * attempts reset, a job Redis lost planned again from the experiment file and enqueued.
 * @returns every open point's job (for the follower to enqueue again should Redis lose it).
 */
async function requeue(redis: Redis, sweep: QueuedSweepFile, open: QueuedSweepFile['points'], say: (line: string) => void): Promise<Map<number, PointJob>> {
  const queue = openQueue(redis);
  const jobs = new Map<number, PointJob>();
  const missing: PointJob[] = [];
  try {
    for (const point of open) {
      const { job, state } = await pointState(queue, sweep.id, point.index);
      if (job !== undefined) {
        // Redis has the point: its job as enqueued (the experiment file may have changed since).
        const { last_run: _last, handoffs: _handoffs, ...data } = job.data;
        jobs.set(point.index, data);
        if (state === 'failed') {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          say(`  point ${point.index}: ${point.status === 'cancelled' ? 'cancelled' : `failed (${job.failedReason})`}; queued again`);
        }
      } else {
        // Gone from Redis: planned again from the experiment file, as a local resume does.
        try {
          const data = planPointJob(sweep.experiment_file, sweep.sets, sweep.id, sweep.name, point, sweep.points.length, sweep.queue.data_base);
          jobs.set(point.index, data);
          missing.push(data);
        } catch (error) {
          point.status = 'failed';
          point.reason = error instanceof Error ? error.message : String(error);
          continue;
        }
      }
      point.status = 'pending';
      point.reason = null;
    }
  } finally {
    await queue.close();
  }
  if (missing.length > 0) {
    await enqueuePoints(redis, sweep, missing);
    say(`  enqueued again: point(s) ${missing.map((j) => j.index).join(', ')} (not in Redis)`);
  }
  return jobs;
}
