/**
 * Following a queued sweep from the submitting machine (`tfexp run --queue`, `tfexp resume`):
 * each point's state as BullMQ has it (queued, running on a worker at epoch k of N, completed,
 * failed with the reason), shown as a live table (table.ts); each completed point's run folder is
 * fetched from Redis into the sweep folder once, so `tfexp compare <sweep-dir>` works as for a
 * local sweep; sweep.json is kept up to date.
 *
 * What it survives: Redis restarting (ioredis reconnects; the follower says so and waits; BullMQ's
 * jobs come back from the append-only file), a job gone from Redis (enqueued again from the
 * point's job), `tfexp sweep cancel` (the points end `cancelled`). Ctrl-C detaches: the sweep goes
 * on on the workers and `tfexp resume <sweep-dir>` follows it again.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWriter, PointLive } from '../compare/load.js';
import { RunInterrupted } from '../errors.js';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { describePoint } from '../sweep/point.js';
import { SweepFailed, type SweepFile } from '../sweep/run.js';
import type { RunOptions } from '../train/run.js';
import { deleteArtifacts, fetchArtifacts, safeRunName, type ArtifactManifest } from './artifacts.js';
import { settleWithin } from './connect.js';
import { isCancelled, type FollowClaim, type Follower } from './control.js';
import { enqueuePoints } from './enqueue.js';
import { openQueue, pointState, QUEUE_NAME, QUEUE_PREFIX, workerOf, type Handoff, type PointJob, type PointProgress } from './job.js';
import { sweepDisplay, type PointRow, type SweepDisplay } from './table.js';

/** sweep.json of a queued sweep. */
export interface QueuedSweepFile extends SweepFile {
  queue: {
    /** The queue's URL, its password redacted. */
    url: string;
    jobs: string[];
    /** Tries per point (BullMQ attempts). */
    attempts: number;
    /** The folder idx paths were sent relative to (the submitter's --data-dir, else the experiment file's folder). */
    data_base: string;
  };
  /**
   * A point taken over mid-run by another worker lists each hand-over: resumed (from_epoch > 1) or restarted (1).
   * An open point has `live`: what the follower last saw of it (read by `tfexp ui`), gone once it ends.
   */
  points: (SweepFile['points'][number] & { handoffs?: Handoff[]; live?: PointLive })[];
  /** The follower that wrote the points' `live`, while any point has one: readers drop them once its process is gone. */
  live_by?: LiveWriter;
}

export type QueuedPoint = QueuedSweepFile['points'][number];

export interface FollowOptions extends Pick<RunOptions, 'write' | 'live' | 'quiet'> {
  /**
   * Milliseconds between reads of every open point's job (a safety net for events missed while
   * the connection was away). Between them, only the jobs BullMQ's events named are read.
   * Default: 30,000.
   */
  readonly pollInterval?: number;
  /**
   * This process's claim on following the sweep (holdFollow). When another process took it over
   * (`lost`), this one stops, as on Ctrl-C, and says who did; before gathering a completed
   * point's run folder (which deletes its files from Redis) the claim is confirmed.
   */
  readonly claim?: FollowClaim;
}

/** Longest wait between two looks at the jobs the events named (milliseconds). */
const EVENT_WAIT_MS = 2_000;

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Follows the sweep's jobs until every point is completed, failed or cancelled.
 * @param jobs each open point's job, to enqueue again when Redis no longer has it.
 * @throws SweepFailed (exit 1) when some points failed; RunInterrupted (exit 130) on Ctrl-C (detached:
 *   the sweep goes on), when another process took over following it, or when points were cancelled.
 */
export async function followSweep(redis: Redis, dir: string, sweep: QueuedSweepFile, jobs: ReadonlyMap<number, PointJob>, options: FollowOptions): Promise<void> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const started = Date.now();
  const display = sweepDisplay(sweep.id, options.live ?? process.stdout.isTTY === true, write, () => (Date.now() - started) / 1000);
  // Another process that took over following writes sweep.json from then on (its own view).
  let takenBy: Follower | undefined;
  const save = () => {
    if (takenBy === undefined) writeJsonAtomic(join(dir, 'sweep.json'), stampLiveWriter(sweep));
  };
  const queue = openQueue<ArtifactManifest>(redis);
  // QueueEvents blocks on its connection (XREAD BLOCK), so BullMQ reads on a copy of `redis` that
  // it makes, owns and closes with it (createRedisBackend: a blocking reader given a client
  // duplicates it). Each read blocks EVENT_WAIT_MS at most (BullMQ's default, 10 s, arms a timer
  // of 11 s per read that keeps the process alive that long after a close that Redis being away
  // left unfinished).
  const events = new QueueEvents(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX, blockingTimeout: EVENT_WAIT_MS });
  let wake: () => void = () => {};
  // The points whose jobs an event named since the last look: only they are read, so a sweep of
  // 1,000 open points costs Redis commands per change, not per point every 2 s.
  const named = new Set<number>();
  let everything = true;
  const prefix = `${sweep.id}.`;
  const pointAt = new Map(sweep.points.map((p) => [p.index, p]));
  for (const event of ['active', 'progress', 'completed', 'failed', 'waiting', 'stalled', 'removed'] as const) {
    events.on(event, (args: { jobId: string }) => {
      if (typeof args?.jobId !== 'string' || !args.jobId.startsWith(prefix)) return;
      const index = Number(args.jobId.slice(prefix.length));
      // A point that has ended is not read again (its job may still send an event or two).
      const point = pointAt.get(index);
      if (point === undefined || FINAL.has(point.status)) return;
      named.add(index);
      wake();
    });
  }
  events.on('error', () => {});
  const connection = watchConnection(redis, display, sweep.queue.url, () => {
    // Events may have been missed while the connection was away.
    everything = true;
    wake();
  });
  const full = setInterval(() => {
    everything = true;
    wake();
  }, options.pollInterval ?? 30_000);
  // Ctrl-C / SIGTERM: stop following at once (also while Redis is away); the workers go on.
  let detached = false;
  let detach: () => void = () => {};
  const detachedSignal = new Promise<void>((done) => {
    detach = () => {
      detached = true;
      wake();
      done();
    };
  });
  process.once('SIGINT', detach);
  process.once('SIGTERM', detach);
  let following = true;
  void options.claim?.lost.then((other) => {
    if (!following) return; // the loop had ended: its outcome stands
    takenBy = other;
    detach();
  });
  const rows = new Map<number, PointRow>(sweep.points.map((p) => [p.index, finalRow(dir, p) ?? row(p, 'queued', 'queued')]));
  const show = () => display.update([...rows.values()].sort((a, b) => a.index - b.index));
  let lastError = '';
  try {
    await Promise.race([events.waitUntilReady(), detachedSignal]);
    show();
    while (!detached) {
      const open = sweep.points.filter((p) => !FINAL.has(p.status));
      if (open.length === 0) break;
      const look = everything ? open : open.filter((p) => named.has(p.index));
      everything = false;
      // Events during the reads below name their points again.
      named.clear();
      let failed = false;
      const polled = (async () => {
        for (const point of look) if (!detached) await poll(point);
      })();
      try {
        await Promise.race([polled, detachedSignal]);
        lastError = '';
      } catch (error) {
        // Anything else Redis says (a script error, out of memory): shown once, every point read again at the next look.
        const text = error instanceof Error ? error.message : String(error);
        if (text !== lastError) display.line(`queue: ${text}`);
        lastError = text;
        everything = true;
        failed = true;
      }
      polled.catch(() => {});
      show();
      if (!failed && takenBy === undefined && noteLive()) writeLive(dir, sweep.points);
      // Stopped, or every point has ended (not waiting again: a stop then would void the outcome).
      if (detached || sweep.points.every((p) => FINAL.has(p.status))) break;
      await new Promise<void>((done) => {
        // Points to read already: go on, but through the event loop (signals, timers, Redis replies get their turn).
        if (!failed && (everything || named.size > 0)) return void setImmediate(done);
        // After an error, every point is read again, but not before EVENT_WAIT_MS: no busy loop on a lasting error.
        const timer = setTimeout(done, EVENT_WAIT_MS);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
  } finally {
    following = false;
    // Nobody follows the points any more: what sweep.json says of them live would go stale. Only
    // `live` goes, from the file as it is now (tfexp sweep cancel may have marked points meanwhile).
    // A follower that took over writes its own.
    if (takenBy === undefined && sweep.points.some((p) => p.live !== undefined)) {
      for (const point of sweep.points) delete point.live;
      writeLive(dir, sweep.points);
    }
    process.off('SIGINT', detach);
    process.off('SIGTERM', detach);
    clearInterval(full);
    connection.dispose();
    display.done();
    // Bounded: the events connection may still be reconnecting (Redis away, or back but not yet retried).
    await settleWithin(events.close());
    await settleWithin(queue.close());
  }
  if (takenBy !== undefined) throw new RunInterrupted(message.queueFollowTakenOver(dir, takenBy.host, takenBy.pid, takenBy.since));
  if (detached) throw new RunInterrupted(message.queueDetached(dir, sweep.queue.url));
  const failed = sweep.points.filter((p) => p.status === 'failed').map((p) => p.index);
  if (failed.length > 0) throw new SweepFailed(dir, failed, sweep.points.length);
  const cancelled = sweep.points.filter((p) => p.status === 'cancelled').length;
  if (cancelled > 0) throw new RunInterrupted(message.queueSweepCancelled(dir, sweep.queue.url, cancelled, sweep.points.length));

  async function poll(point: QueuedPoint): Promise<void> {
    const { job, state } = await pointState(queue, sweep.id, point.index);
    if (job === undefined) {
      // Gone: removed by `tfexp sweep cancel` (asked now, not at the loop's start), or lost by Redis.
      const data = jobs.get(point.index);
      if (data === undefined || (await isCancelled(redis, sweep.id))) return end(point, 'cancelled', message.QUEUE_CANCELLED);
      await enqueuePoints(redis, sweep, [data]);
      display.line(message.queueJobMissing(point.index));
      return;
    }
    const handoffs = job.data.handoffs ?? [];
    if (handoffs.length !== (point.handoffs?.length ?? 0)) {
      point.handoffs = [...handoffs];
      save();
    }
    if (state === 'completed') {
      // A follower that took over may be gathering it: this one stops (the claim's `lost`).
      const mine = async () => takenBy === undefined && (options.claim === undefined || (await options.claim.confirm()));
      if (!(await mine())) return;
      const manifest = await gather(redis, dir, point, job, display, mine);
      // Taken over meanwhile, or a fetch that a stop (Ctrl-C) cut off: nothing recorded. The next
      // follower adopts a folder that arrived (its run.json names the job), else fetches it.
      if (takenBy !== undefined || (detached && point.status !== 'completed')) return;
      save();
      // The chunks go only once sweep.json names the folder: a follower stopped before that fetches them again.
      if (manifest !== null) await deleteArtifacts(redis, manifest);
      rows.set(point.index, finalRow(dir, point, job.returnvalue?.worker)!);
    } else if (state === 'failed') {
      const reason = job.failedReason ?? 'failed';
      end(point, reason === message.QUEUE_CANCELLED ? 'cancelled' : 'failed', reason);
    } else {
      rows.set(point.index, liveRow(point, job, state));
    }
  }

  /** Copies each open point's row into sweep.json's `live` (and drops it from ended points). @returns whether any changed. */
  function noteLive(): boolean {
    let changed = false;
    for (const point of sweep.points) {
      const shown = rows.get(point.index);
      if (FINAL.has(point.status) || shown === undefined) {
        changed ||= point.live !== undefined;
        delete point.live;
      } else if (point.live?.state !== shown.state || point.live.detail !== shown.detail) {
        point.live = { state: shown.state, point: shown.point, detail: shown.detail };
        changed = true;
      }
    }
    return changed;
  }

  function end(point: QueuedPoint, status: 'failed' | 'cancelled', reason: string): void {
    point.status = status;
    point.reason = reason;
    save();
    rows.set(point.index, finalRow(dir, point)!);
  }
}

/**
 * Names this process as `live_by` while any point has `live`, else removes it: a follower killed
 * outright cannot clear its lines, so readers check whether this process still runs
 * (compare/load.ts liveStands). @returns `file`.
 */
function stampLiveWriter(file: QueuedSweepFile): QueuedSweepFile {
  if (file.points.some((p) => p.live !== undefined)) file.live_by = { host: hostname(), pid: process.pid };
  else delete file.live_by;
  return file;
}

/**
 * Writes the points' `live` (or its absence) into `dir/sweep.json` as the file is now, changing
 * nothing else: `tfexp sweep cancel` may have marked points meanwhile. A file that cannot be read
 * is left alone.
 */
function writeLive(dir: string, points: readonly QueuedPoint[]): void {
  const file = join(dir, 'sweep.json');
  try {
    const now = JSON.parse(readFileSync(file, 'utf8')) as QueuedSweepFile;
    const seen = new Map(points.map((p) => [p.index, p.live]));
    for (const point of now.points) {
      const live = seen.get(point.index);
      if (live === undefined) delete point.live;
      else point.live = live;
    }
    writeJsonAtomic(file, stampLiveWriter(now));
  } catch {
    // Unreadable or gone: the next full save writes it whole.
  }
}

/**
 * Says when the connection to Redis goes away and comes back (once each way; ioredis reconnects
 * and queues the commands meanwhile), and calls `back` when it is back.
 */
function watchConnection(redis: Redis, display: SweepDisplay, shown: string, back: () => void): { dispose: () => void } {
  let lost = false;
  const onLost = () => {
    if (!lost) display.line(message.queueConnectionLost(shown));
    lost = true;
  };
  const onBack = () => {
    if (lost) display.line(message.queueConnectionBack(shown));
    lost = false;
    back();
  };
  redis.on('reconnecting', onLost);
  redis.on('ready', onBack);
  return {
    dispose: () => {
      redis.off('reconnecting', onLost);
      redis.off('ready', onBack);
    },
  };
}

function row(point: QueuedPoint, state: string, detail: string): PointRow {
  return { index: point.index, point: describePoint(point), state, detail };
}

/** The row of a point that has ended (null while it is open). */
function finalRow(dir: string, point: QueuedPoint, worker?: string): PointRow | null {
  if (point.status === 'completed') {
    const test = point.run === null ? null : testMetrics(join(dir, point.run));
    const accuracy = typeof test?.accuracy === 'number' ? `: test accuracy ${test.accuracy.toFixed(4)}` : '';
    return row(point, 'completed', `completed${worker ? ` on ${worker}` : ''}${accuracy}`);
  }
  if (point.status === 'failed') return row(point, 'failed', `failed: ${point.reason ?? 'unknown reason'}`);
  if (point.status === 'cancelled') return row(point, 'cancelled', 'cancelled');
  return null;
}

function testMetrics(runDir: string): Record<string, number> | null {
  const file = join(runDir, 'metrics.json');
  try {
    return existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { test?: Record<string, number> | null }).test ?? null) : null;
  } catch {
    return null;
  }
}

/** The row of a point still in BullMQ's hands: queued, running (worker, epoch, accuracy), delayed for a retry. */
function liveRow(point: QueuedPoint, job: Job<PointJob, ArtifactManifest>, state: string): PointRow {
  if (state === 'active') {
    return row(point, 'running', `running on ${workerOf(job)}${progressText(job.progress as Partial<PointProgress> | null)}`);
  }
  const last = job.data.last_run;
  if ((state === 'waiting' || state === 'prioritized') && last?.handed_back) return row(point, 'queued', `handed back by ${last.worker}, queued`);
  if (state === 'waiting' || state === 'prioritized' || state === 'delayed') {
    return row(point, 'queued', job.attemptsMade > 0 ? `queued again (attempt ${job.attemptsMade + 1}): ${job.failedReason ?? 'its worker failed'}` : 'queued');
  }
  return row(point, state, state);
}

function progressText(p: Partial<PointProgress> | null): string {
  if (p === null || typeof p !== 'object' || typeof p.epoch !== 'number') return '';
  const acc = typeof p.val_accuracy === 'number' ? `, val_accuracy ${p.val_accuracy.toFixed(4)}` : typeof p.accuracy === 'number' ? `, accuracy ${p.accuracy.toFixed(4)}` : '';
  return `, epoch ${p.epoch} of ${p.epochs}${acc}`;
}

/**
 * Fetches a completed point's run folder into the sweep folder, once: into `.incoming-<run>/`, then
 * renamed, so an interrupted fetch never looks like a run. A folder already gathered for this job
 * (the follower stopped before sweep.json said so) is adopted, not fetched again. The fetched folder
 * is renamed only while `mine()` (this process still follows the sweep); else null comes back,
 * the point untouched.
 */
async function gather(redis: Redis, dir: string, point: QueuedPoint, job: Job<PointJob, ArtifactManifest>, display: SweepDisplay, mine: () => Promise<boolean>): Promise<ArtifactManifest | null> {
  const manifest = job.returnvalue;
  if (manifest === null || typeof manifest !== 'object' || !safeRunName(manifest.run) || !Array.isArray(manifest.files)) {
    point.status = 'failed';
    point.reason = message.queueBadJob('the worker returned no run folder');
    return null;
  }
  const adopted = readdirSync(dir).find((name) => !name.startsWith('.') && ranJob(join(dir, name)) === String(job.id));
  let run = adopted ?? manifest.run;
  // Two workers may name runs alike (same second, same name): never write over another point's folder.
  for (let n = 2; adopted === undefined && existsSync(join(dir, run)); n++) run = `${manifest.run}-${n}`;
  try {
    if (adopted === undefined) {
      const incoming = join(dir, `.incoming-${run}`);
      rmSync(incoming, { recursive: true, force: true });
      await fetchArtifacts(redis, manifest, incoming);
      // Left as it is otherwise: the follower that took over may be fetching into it too.
      if (!(await mine())) return null;
      renameSync(incoming, join(dir, run));
    }
    point.status = 'completed';
    point.run = run;
    point.reason = null;
    display.line(`  -> ${join(dir, run)} (from ${manifest.worker}, ${(manifest.bytes / 2 ** 20).toFixed(1)} MiB)`);
    return manifest;
  } catch (error) {
    point.status = 'failed';
    point.reason = error instanceof Error ? error.message : String(error);
    return null;
  }
}

/** The job a gathered run folder came from (run.json's `worker.job`), if any. */
function ranJob(runDir: string): string | undefined {
  try {
    const job = (JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { worker?: { job?: unknown } }).worker?.job;
    return typeof job === 'string' ? job : undefined;
  } catch {
    return undefined;
  }
}
