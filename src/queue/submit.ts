/**
 * `tfexp run <file> --sweep ... --queue URL`: the submitting side of a sweep on many machines.
 *   1. plan and check every point here (exit 2 on any invalid point: nothing is enqueued);
 *   2. check the queue (exit 2 when Redis cannot be reached), make the sweep folder and sweep.json
 *      as a local sweep does (with `queue`: the redacted URL);
 *   3. enqueue each point once, as job `<sweep-id>.<index>` (adding it again is a no-op);
 *   4. follow the jobs (QueueEvents wakes the follower; a poll every 2 s catches what it missed),
 *      a line per state change; each completed point's run folder is fetched from Redis into the
 *      sweep folder, so `tfexp compare <sweep-dir>` works as for a local sweep.
 */
import { join, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadExperiment } from '../config/index.js';
import * as message from '../log/message.js';
import { planExperiment } from '../model/plan-experiment.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { createRunDir } from '../runs/dir.js';
import { planSweep } from '../sweep/grid.js';
import { describePoint, SweepFailed, type SweepFile, type SweepOptions } from '../sweep/run.js';
import { sayer } from '../train/run.js';
import { fetchArtifacts, safeRunName, type ArtifactManifest } from './artifacts.js';
import { connectRedis } from './connect.js';
import { jobId, pointJob, QUEUE_NAME, QUEUE_PREFIX, type Handoff, type PointJob } from './job.js';
import { parseQueueUrl } from './url.js';
import type { PointProgress } from './worker.js';

export interface QueueSweepOptions extends SweepOptions {
  readonly queue: string;
  /** Tries per point before it is failed (BullMQ attempts, exponential backoff from 5 s). Default: 2. */
  readonly attempts?: number;
  /** Milliseconds between polls of the jobs' states. Default: 2,000. */
  readonly pollInterval?: number;
}

/** sweep.json of a queued sweep. */
export interface QueuedSweepFile extends SweepFile {
  queue: { url: string; jobs: string[] };
  /** A point taken over mid-run by another worker lists each hand-over: resumed (from_epoch > 1) or restarted (1). */
  points: (SweepFile['points'][number] & { handoffs?: Handoff[] })[];
}

type Point = QueuedSweepFile['points'][number];

/**
 * Plans, checks and enqueues a sweep, then follows it to its end.
 * @throws ConfigError (exit 2) for an invalid point and QueueError (exit 2) for the queue, both before
 *   anything is created or enqueued; SweepFailed (exit 1) when some points failed.
 * @returns the sweep folder, or undefined for a dry run.
 */
export async function submitSweep(file: string, options: QueueSweepOptions): Promise<string | undefined> {
  const say = sayer(options);
  const sets = [...(options.sets ?? [])];
  const loaded = loadExperiment(file, sets);
  planExperiment(loaded);
  const plan = planSweep(loaded.experiment, options.axes ?? {}, options.seeds);
  const base = options.dataDir ?? dirname(resolve(file));
  // Every point checked and turned into its job before anything is made (the sweep id comes later).
  const jobs: Omit<PointJob, 'sweep'>[] = [];
  for (const point of plan.points) {
    const pointLoaded = loadExperiment(file, [...sets, ...point.sets]);
    planExperiment(pointLoaded);
    const { sweep: _s, ...job } = pointJob('-', loaded.experiment.name, point.index, pointLoaded.experiment, base);
    jobs.push(job);
  }
  say(`Sweep of ${loaded.experiment.name}: ${plan.points.length} run(s), through the queue`);
  for (const point of plan.points) say(`  ${String(point.index).padStart(3)}. ${describePoint(point)}`);
  if (options.dryRun) return undefined;
  const target = parseQueueUrl(options.queue);
  const redis = await connectRedis(target);
  try {
    const { id, dir } = createRunDir(options.runsDir ?? 'runs', `${loaded.experiment.name}-sweep`);
    const sweep: QueuedSweepFile = {
      id,
      name: loaded.experiment.name,
      experiment_file: resolve(file),
      sets,
      axes: plan.axes,
      seeds: plan.seeds,
      created_at: new Date().toISOString(),
      points: plan.points.map((p) => ({ ...p, status: 'pending', run: null, reason: null })),
      queue: { url: target.shown, jobs: plan.points.map((p) => jobId(id, p.index)) },
    };
    writeJsonAtomic(join(dir, 'sweep.json'), sweep);
    say(`Sweep folder: ${dir}`);
    await enqueueSweep(redis, sweep, jobs.map((j) => ({ ...j, sweep: id })), options.attempts ?? 2);
    await followSweep(redis, dir, sweep, options);
    return dir;
  } finally {
    redis.disconnect();
  }
}

/** Adds every point's job (a point whose job exists already is left as it is). */
export async function enqueueSweep(redis: Redis, sweep: QueuedSweepFile, jobs: readonly PointJob[], attempts: number): Promise<void> {
  const queue = new Queue<PointJob>(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  try {
    await queue.addBulk(
      jobs.map((job) => ({
        name: `${sweep.name}-${job.index}`,
        data: job,
        // Completed and failed jobs stay (a week) so that enqueuing again never reruns them.
        opts: { jobId: jobId(sweep.id, job.index), attempts, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
      })),
    );
  } finally {
    await queue.close();
  }
}

function progressText(progress: unknown): string {
  const p = progress as Partial<PointProgress> | null;
  if (p === null || typeof p !== 'object' || typeof p.epoch !== 'number') return '';
  const acc = typeof p.val_accuracy === 'number' ? `, val_accuracy ${p.val_accuracy.toFixed(4)}` : typeof p.accuracy === 'number' ? `, accuracy ${p.accuracy.toFixed(4)}` : '';
  return `, epoch ${p.epoch} of ${p.epochs}${acc}`;
}

/** Follows the sweep's jobs until every point is completed or failed, gathering each completed run folder. */
export async function followSweep(redis: Redis, dir: string, sweep: QueuedSweepFile, options: QueueSweepOptions): Promise<void> {
  const say = sayer(options);
  const save = () => writeJsonAtomic(join(dir, 'sweep.json'), sweep);
  const queue = new Queue<PointJob, ArtifactManifest>(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  // QueueEvents blocks on its connection (XREAD BLOCK): its own, closed here.
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection, prefix: QUEUE_PREFIX });
  const shown = new Map<number, string>();
  let wake: () => void = () => {};
  for (const event of ['active', 'progress', 'completed', 'failed', 'waiting', 'stalled'] as const) events.on(event, () => wake());
  events.on('error', () => {});
  const total = sweep.points.length;
  try {
    await events.waitUntilReady();
    for (;;) {
      const open = sweep.points.filter((p) => p.status !== 'completed' && p.status !== 'failed');
      if (open.length === 0) break;
      for (const point of open) {
        const job = await queue.getJob(jobId(sweep.id, point.index));
        if (job === undefined) continue;
        const state = await job.getState();
        const line = await describeState(job, state);
        if (shown.get(point.index) !== line) {
          shown.set(point.index, line);
          say(`[${point.index}/${total}] ${describePoint(point)}: ${line}`);
        }
        const handoffs = job.data.handoffs ?? [];
        if (handoffs.length !== (point.handoffs?.length ?? 0)) {
          point.handoffs = [...handoffs];
          save();
        }
        if (state === 'completed') await gather(redis, dir, point, job, say);
        else if (state === 'failed') {
          point.status = 'failed';
          point.reason = job.failedReason ?? 'failed';
        }
        if (state === 'completed' || state === 'failed') save();
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, options.pollInterval ?? 2_000);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
  } finally {
    await events.close().catch(() => {});
    await queue.close().catch(() => {});
    eventsConnection.disconnect();
  }
  const failed = sweep.points.filter((p) => p.status === 'failed').map((p) => p.index);
  if (failed.length > 0) throw new SweepFailed(dir, failed, total);
}

async function describeState(job: Job<PointJob, ArtifactManifest>, state: string): Promise<string> {
  if (state === 'active') {
    const worker = (job.progress as Partial<PointProgress> | null)?.worker ?? job.processedBy;
    return `running${worker ? ` on ${worker}` : ''}${progressText(job.progress)}`;
  }
  if (state === 'failed') return `failed: ${job.failedReason}`;
  const last = job.data.last_run;
  if ((state === 'waiting' || state === 'prioritized') && last?.handed_back) return `handed back by ${last.worker}, queued`;
  if (state === 'waiting' || state === 'prioritized' || state === 'delayed') return job.attemptsMade > 0 ? `queued again (attempt ${job.attemptsMade + 1})` : 'queued';
  return state;
}

/** Fetches a completed point's run folder into the sweep folder, once. */
async function gather(redis: Redis, dir: string, point: Point, job: Job<PointJob, ArtifactManifest>, say: (line: string) => void): Promise<void> {
  const manifest = job.returnvalue;
  if (manifest === null || typeof manifest !== 'object' || !safeRunName(manifest.run) || !Array.isArray(manifest.files)) {
    point.status = 'failed';
    point.reason = message.queueBadJob('the worker returned no run folder');
    return;
  }
  let run = manifest.run;
  // Two workers may name runs alike (same second, same name): never write over another point's folder.
  for (let n = 2; existsSync(join(dir, run)); n++) run = `${manifest.run}-${n}`;
  try {
    await fetchArtifacts(redis, manifest, join(dir, run));
    point.status = 'completed';
    point.run = run;
    point.reason = null;
    say(`  -> ${join(dir, run)} (from ${manifest.worker}, ${(manifest.bytes / 2 ** 20).toFixed(1)} MiB)`);
  } catch (error) {
    point.status = 'failed';
    point.reason = error instanceof Error ? error.message : String(error);
  }
}
