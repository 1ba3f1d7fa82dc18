/**
 * `tfexp run <file> --sweep ... --queue URL`: the submitting side of a sweep on many machines.
 *   1. plan and check every point here (exit 2 on any invalid point: nothing is enqueued);
 *   2. check the queue (exit 2 when Redis cannot be reached), claim a sweep id no other submitter
 *      has, make the sweep folder and sweep.json as a local sweep does (with `queue`: the redacted URL);
 *   3. enqueue each point once, as job `<sweep-id>.<index>` (adding it again is a no-op);
 *   4. follow the sweep (follow.ts) until every point ends, or Ctrl-C detaches.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadExperiment } from '../config/index.js';
import { planExperiment } from '../model/plan-experiment.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { createRunDir } from '../runs/dir.js';
import { planSweep } from '../sweep/grid.js';
import { describePoint } from '../sweep/point.js';
import { newSweepFile, type SweepOptions } from '../sweep/run.js';
import { sayer } from '../train/run.js';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { asQueueError, connectRedis } from './connect.js';
import { claimSweepId, holdFollow, type FollowClaim } from './control.js';
import { enqueuePoints, planPointJob } from './enqueue.js';
import { followSweep, type FollowOptions, type QueuedSweepFile } from './follow.js';
import { jobId, type PointJob } from './job.js';
import { parseQueueUrl } from './url.js';

export type { QueuedSweepFile } from './follow.js';

export interface QueueSweepOptions extends SweepOptions, FollowOptions {
  readonly queue: string;
  /** Tries per point before it is failed (BullMQ attempts, exponential backoff from 5 s). Default: 2. */
  readonly attempts?: number;
}

/**
 * Plans, checks and enqueues a sweep, then follows it to its end.
 * @throws ConfigError (exit 2) for an invalid point and QueueError (exit 2) for the queue, both before
 *   anything is created or enqueued; SweepFailed (exit 1) when some points failed; RunInterrupted
 *   (exit 130) when Ctrl-C detached (the sweep goes on).
 * @returns the sweep folder, or undefined for a dry run.
 */
export async function submitSweep(file: string, options: QueueSweepOptions): Promise<string | undefined> {
  const say = sayer(options);
  const attempts = options.attempts ?? 2;
  if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(message.queueAttempts(attempts));
  const sets = [...(options.sets ?? [])];
  const loaded = loadExperiment(file, sets);
  planExperiment(loaded);
  const plan = planSweep(loaded.experiment, options.axes ?? {}, options.seeds);
  const base = resolve(options.dataDir ?? dirname(resolve(file)));
  const name = loaded.experiment.name;
  // Every point checked and turned into its job before anything is made (the sweep id is filled in below).
  const jobs = plan.points.map((point) => planPointJob(file, sets, '-', name, point, plan.points.length, base));
  say(`Sweep of ${name}: ${plan.points.length} run(s), through the queue`);
  for (const point of plan.points) say(`  ${String(point.index).padStart(3)}. ${describePoint(point)}`);
  if (options.dryRun) return undefined;
  const target = parseQueueUrl(options.queue);
  const redis = await connectRedis(target);
  let held: FollowClaim | undefined;
  try {
    const { id, dir } = await claimSweepDir(options.runsDir ?? 'runs', `${name}-sweep`, (candidate) => claimSweepId(redis, candidate));
    const sweep: QueuedSweepFile = {
      ...newSweepFile(id, name, file, sets, plan),
      queue: { url: target.shown, jobs: plan.points.map((p) => jobId(id, p.index)), attempts, data_base: base },
    };
    writeJsonAtomic(join(dir, 'sweep.json'), sweep);
    say(`Sweep folder: ${dir}`);
    // The id is new: nobody else follows it yet.
    const follow = await holdFollow(redis, id);
    if ('release' in follow) held = follow;
    const mine = new Map<number, PointJob>(jobs.map((job) => [job.index, { ...job, sweep: id }]));
    await enqueuePoints(redis, sweep, [...mine.values()]);
    await followSweep(redis, dir, sweep, mine, { ...options, claim: held });
    return dir;
  } catch (error) {
    throw asQueueError(target, error);
  } finally {
    await held?.release();
    redis.disconnect();
  }
}

/**
 * A new sweep folder whose id no other submitter on this queue holds (its jobs are `<id>.<index>`):
 * `<time>-<name>`, else `<time>-<name>-2`, ... (createRunDir does the same for folders here).
 */
async function claimSweepDir(runsDir: string, name: string, claim: (id: string) => Promise<boolean>): Promise<{ id: string; dir: string }> {
  for (let n = 1; ; n++) {
    const made = createRunDir(runsDir, n === 1 ? name : `${name}-${n}`);
    if (await claim(made.id)) return made;
    rmSync(made.dir, { recursive: true, force: true });
  }
}
