/**
 * `tfexp worker --queue URL`: pulls sweep points from the queue and runs each with the runner of
 * `tfexp run` (same run folder, checkpoints, callbacks, plots) into `<runs-dir>/<sweep-id>/`, then
 * stores the run folder's files in Redis for the submitter (artifacts.ts) and returns their manifest.
 * One line per job start and end; each finished epoch becomes the job's progress.
 *
 * A job the worker refuses (malformed, invalid experiment, an idx path outside --data-dir) fails at
 * once with BullMQ's UnrecoverableError: retrying cannot help. Any other failure (NaN loss, a
 * crash) is retried by BullMQ up to the attempts the submitter set.
 */
import { hostname, tmpdir } from 'node:os';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { ConfigError, QueueError, RunInterrupted, UsageError } from '../errors.js';
import { RunStore } from '../runs/store.js';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { resumeRun, runExperiment, sayer, type RunOptions, type RunOutcome } from '../train/run.js';
import { storeArtifacts, type ArtifactManifest } from './artifacts.js';
import { asQueueError, connectRedis, errorLine, settleWithin } from './connect.js';
import { isCancelled } from './control.js';
import { checkJobShape, materializeJob, QUEUE_NAME, QUEUE_PREFIX, type Handoff, type LastRun, type PointJob, type PointProgress } from './job.js';
import { parseQueueUrl, type QueueTarget } from './url.js';
import type { Redis } from 'ioredis';
import { liveStatus, STALE_AFTER_SECONDS } from '../runs/liveness.js';

export interface WorkerOptions extends RunOptions {
  readonly queue: string;
  /** This worker's name in job progress, run.json and BullMQ's worker list. Default: host-pid. */
  readonly workerName?: string;
  readonly concurrency?: number;
  /** Where jobs' experiment files are written. Default: the system temp folder. */
  readonly tempDir?: string;
  /**
   * Milliseconds a job's lock lasts without renewal; a killed worker's job is taken over by another
   * worker's stalled-job check after it (the check runs as often). Default: BullMQ's 30 s.
   */
  readonly lockDuration?: number;
  /** Times a point may be lost (its worker killed) and still be taken over; the next loss fails it. Default: 3. */
  readonly maxStalls?: number;
  /** Resolves when the worker should stop (the CLI: SIGINT/SIGTERM). */
  readonly stop?: Promise<unknown>;
}

/** How often a running point asks whether its sweep was cancelled (milliseconds). */
const CANCEL_POLL_MS = 2_000;


/** What every job of one worker shares. */
interface WorkerContext {
  readonly options: WorkerOptions;
  readonly redis: Redis;
  readonly target: QueueTarget;
  readonly name: string;
  readonly dataDir: string | undefined;
  readonly tempRoot: string;
  readonly say: (line: string) => void;
  /** True once the worker was told to stop (SIGINT/SIGTERM). */
  readonly stopping: () => boolean;
}

/**
 * Runs until `options.stop` resolves.
 * @throws QueueError (exit 2) when the queue URL is bad or Redis cannot be reached; UsageError for --concurrency other than 1.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const say = sayer(options);
  if ((options.concurrency ?? 1) !== 1) throw new UsageError(message.queueConcurrency(options.concurrency!));
  if (options.lockDuration !== undefined && !(options.lockDuration >= 1000)) throw new UsageError(message.queueLockSeconds(options.lockDuration / 1000));
  const target = parseQueueUrl(options.queue);
  const redis = await connectRedis(target);
  let stopping = false;
  void options.stop?.then(() => void (stopping = true));
  const context: WorkerContext = {
    options,
    redis,
    target,
    name: options.workerName ?? `${hostname()}-${process.pid}`,
    dataDir: options.dataDir ?? process.env.TFEXP_DATA_DIR,
    tempRoot: join(options.tempDir ?? tmpdir(), `tfexp-worker-${process.pid}`),
    say,
    stopping: () => stopping,
  };
  const { name } = context;
  let worker: Worker<PointJob, ArtifactManifest> | undefined;
  const held = holdings(() => redis.status === 'ready');
  try {
    worker = new Worker<PointJob, ArtifactManifest>(QUEUE_NAME, (job, token) => held.hold(String(job.id), processJob(context, job, token)), {
      connection: redis,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      name,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration, stalledInterval: options.lockDuration } : {}),
      // A killed worker's point is taken over up to this many times (BullMQ's default, 1, would fail it at the second kill).
      maxStalledCount: options.maxStalls ?? 3,
    });
    worker.on('error', (error) => say(`[${name}] queue: ${errorLine(target, error)}`));
    worker.on('completed', (job) => held.recorded(String(job.id)));
    worker.on('failed', (job) => job !== undefined && held.recorded(String(job.id)));
    await worker.waitUntilReady();
    say(`[${name}] waiting for sweep points on ${target.shown}`);
    await (options.stop ?? new Promise(() => {}));
  } catch (error) {
    throw asQueueError(target, error);
  } finally {
    // No new job from here (one whose fetch was already under way is handed back untouched:
    // processJob sees the stop). The job in hand stops after its batch and is handed back, or
    // completes, and BullMQ records it: as long as that takes (with Redis away, until it is back).
    // Then nothing is held, so BullMQ's forced close loses nothing, and it is bounded: a graceful
    // one would wait for its blocking connection to end, which never happens while that
    // connection waits to reconnect.
    if (worker !== undefined) {
      await worker.pause(true);
      await held.drained();
      await settleWithin(worker.close(true));
      // A job fetched as the stop came is handed back untouched (processJob): wait for that too.
      await new Promise((done) => setImmediate(done));
      await held.drained();
    }
    rmSync(context.tempRoot, { recursive: true, force: true });
    redis.disconnect();
    say(`[${name}] stopped`);
  }
}

/**
 * Milliseconds (of Redis being there) a job stays held after its processor ended without BullMQ
 * recording the outcome (its 'completed' or 'failed' event): that takes milliseconds; past this the
 * record is not coming (a lost lock), and the stalled-job check gives the point back as lost
 * (a stall; a completed point then runs again from epoch 1).
 */
const RECORD_WAIT_MS = 10_000;

/** The jobs a worker holds, from its processor's start until BullMQ has recorded the outcome. */
interface Holdings {
  /** Holds job `id` while `running` (its processor) runs; returns `running`. */
  hold<T>(id: string, running: Promise<T>): Promise<T>;
  /** BullMQ recorded job `id`'s outcome ('completed', 'failed'). */
  recorded(id: string): void;
  /** Resolves once no job is held. */
  drained(): Promise<void>;
}

/**
 * Holdings for one worker. A job handed back (WaitingError) was recorded by its processor itself
 * (moveToWait), so it is let go when the processor ends; any other, when BullMQ's event comes or
 * RECORD_WAIT_MS after its processor ended, counted while `redisReady()` (BullMQ's record waits
 * for Redis to come back).
 */
function holdings(redisReady: () => boolean): Holdings {
  const held = new Map<string, () => void>();
  const waiters: (() => void)[] = [];
  return {
    hold(id, running) {
      let timer: NodeJS.Timeout | undefined;
      const release = () => {
        clearTimeout(timer);
        if (held.get(id) !== release) return;
        held.delete(id);
        if (held.size === 0) for (const done of waiters.splice(0)) done();
      };
      held.set(id, release);
      const wait = () => void (timer = setTimeout(() => (redisReady() ? release() : wait()), RECORD_WAIT_MS));
      const ended = (handedBack: boolean) => (handedBack ? release() : wait());
      running.then(() => ended(false), (error: unknown) => ended(error instanceof WaitingError));
      return running;
    },
    recorded: (id) => held.get(id)?.(),
    drained: () => (held.size === 0 ? Promise.resolve() : new Promise<void>((done) => waiters.push(done))),
  };
}

/** One job: checked, run (or resumed after a take-over), its run folder stored in Redis; a stop hands it back. */
async function processJob(context: WorkerContext, job: Job<PointJob, ArtifactManifest>, token?: string): Promise<ArtifactManifest> {
  const { redis, name, say } = context;
  const started = Date.now();
  const point = refuseUnless(context, job, () => checkJobShape(job.data));
  if (await isCancelled(redis, point.sweep)) {
    say(`[${name}] ${message.queuePointCancelled(String(job.id))}`);
    throw new UnrecoverableError(message.QUEUE_CANCELLED);
  }
  const file = refuseUnless(context, job, () => materializeJob(job.data, context.dataDir, context.tempRoot));
  say(`[${name}] job ${job.id}: point ${point.index} of sweep ${point.sweep} started (attempt ${job.attemptsMade + 1})`);
  // `tfexp sweep cancel` reaches a running point through Redis: asked every 2 s, the run stops after its batch.
  let cancelled = false;
  const cancelWatch = setInterval(() => {
    isCancelled(redis, point.sweep).then((yes) => void (cancelled ||= yes), () => {});
  }, CANCEL_POLL_MS);
  let current: LastRun | undefined;
  // Where this try runs, in the job: a worker taking the point over (after a hand-back or a kill) looks there.
  const record = (dir: string, handoffs?: readonly Handoff[]) => {
    current = { worker: name, host: hostname(), dir: resolve(dir) };
    return job.updateData({ ...job.data, last_run: current, ...(handoffs ? { handoffs } : {}) }).catch(() => {});
  };
  const lastRun = (extra: Partial<LastRun>) => (current ? job.updateData({ ...job.data, last_run: { ...current, ...extra } }).catch(() => {}) : Promise.resolve());
  try {
    // Taken as the stop came (fetched with the last job's completion, or a fetch under way): handed back untouched.
    if (context.stopping()) throw new RunInterrupted('stopped by the worker (SIGTERM or Ctrl-C)');
    const runOptions: RunOptions = {
      ...context.options,
      runsDir: resolve(context.options.runsDir ?? 'runs', point.sweep),
      name: `${point.name}-${point.index}`,
      stopRequested: () => (cancelled ? message.QUEUE_CANCELLED : context.stopping() ? 'stopped by the worker (SIGTERM or Ctrl-C)' : undefined),
      onEpoch: (epoch, epochs) => {
        const progress: PointProgress = {
          worker: name,
          epoch: epoch.epoch ?? 0,
          epochs,
          ...(epoch.accuracy !== undefined ? { accuracy: epoch.accuracy } : {}),
          ...(epoch.val_accuracy !== undefined ? { val_accuracy: epoch.val_accuracy } : {}),
        };
        // Progress is advisory: a lost update must not fail the run.
        job.updateProgress(progress as unknown as object).catch(() => {});
      },
    };
    const outcome = await runOrTakeOver(context, job, point, file, runOptions, record);
    // run.json names the worker and the queue (redacted) that ran it.
    const runJson = join(outcome.dir, 'run.json');
    writeJsonAtomic(runJson, { ...JSON.parse(readFileSync(runJson, 'utf8')), worker: { name, host: hostname(), queue: context.target.shown, job: job.id } });
    const manifest = await storeArtifacts(redis, String(job.id), outcome.dir, name);
    say(`[${name}] job ${job.id}: completed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outcome.dir} (${(manifest.bytes / 2 ** 20).toFixed(1)} MiB sent)`);
    return manifest;
  } catch (error) {
    if (error instanceof RunInterrupted && cancelled) {
      // `tfexp resume` of the sweep retries the point: the worker that takes it resumes from the checkpoint when it can.
      await lastRun({ handed_back: true });
      say(`[${name}] ${message.queuePointCancelled(String(job.id))}`);
      throw new UnrecoverableError(message.QUEUE_CANCELLED);
    }
    if (error instanceof RunInterrupted && token !== undefined) {
      // Stopped (SIGTERM, Ctrl-C) after a batch, the last checkpoint kept: the job goes back to the
      // queue without spending an attempt, for another worker to resume (shared --runs-dir) or restart.
      await lastRun({ handed_back: true });
      try {
        await job.moveToWait(token);
        say(`[${name}] job ${job.id}: handed back to the queue (${current ? `run folder ${current.dir}` : 'nothing ran yet'})`);
      } catch (handBack) {
        // Its lock expired meanwhile (Redis away longer than --lock-seconds): the stalled-job check gives it back, as lost.
        await lastRun({ handed_back: false });
        say(`[${name}] job ${job.id}: could not hand it back (${handBack instanceof Error ? handBack.message : String(handBack)}); it is taken over as lost`);
      }
      throw new WaitingError();
    }
    // A failure of the experiment: the next try (an attempt left, or `tfexp resume`) starts afresh, not as a take-over.
    await lastRun({ failed: true });
    const reason = error instanceof Error ? error.message : String(error);
    say(`[${name}] job ${job.id}: failed: ${reason}`);
    if (error instanceof ConfigError || error instanceof QueueError) throw new UnrecoverableError(reason);
    throw error;
  } finally {
    clearInterval(cancelWatch);
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

/** Runs `check`; a job that fails it is refused for good (BullMQ's UnrecoverableError: retrying cannot help). */
function refuseUnless<T>(context: WorkerContext, job: Job<PointJob, ArtifactManifest>, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.say(`[${context.name}] job ${job.id}: refused: ${reason}`);
    if (error instanceof QueueError || error instanceof ConfigError) throw new UnrecoverableError(reason);
    throw error;
  }
}

/**
 * Runs the point; after a take-over (the previous worker handed it back or was lost) resumes the
 * run folder it left when this worker may (resumableRun), else restarts at epoch 1, recording the
 * hand-over in the job.
 */
async function runOrTakeOver(context: WorkerContext, job: Job<PointJob, ArtifactManifest>, point: PointJob, file: string, runOptions: RunOptions, record: (dir: string, handoffs?: readonly Handoff[]) => Promise<void>): Promise<RunOutcome> {
  const { name, say } = context;
  const previous = point.last_run;
  if (previous === undefined || previous.failed) return runExperiment(file, { ...runOptions, onRunDir: (dir) => void record(dir) });
  const resumable = resumableRun(previous.dir, runOptions.runsDir!);
  const handoff: Handoff = { from: previous.worker, to: name, why: previous.handed_back ? 'handed back' : 'lost', from_epoch: resumable === undefined ? 1 : resumable.epoch + 1, at: new Date().toISOString() };
  const handoffs = [...(point.handoffs ?? []), handoff];
  say(`[${name}] job ${job.id}: ${handoff.why} by ${previous.worker}; ${resumable === undefined ? 'its run folder is not readable here (no shared --runs-dir): restarting at epoch 1' : `resuming from the checkpoint of epoch ${resumable.epoch} in ${resumable.dir}`}`);
  if (resumable === undefined) return runExperiment(file, { ...runOptions, onRunDir: (dir) => void record(dir, handoffs) });
  await record(resumable.dir, handoffs);
  await untilStale(context, job, resumable.dir);
  try {
    return await resumeRun(resumable.dir, runOptions);
  } catch (error) {
    // Refused before anything ran (a changed checkpoint, a process still alive): start again.
    if (!(error instanceof UsageError)) throw error;
    say(`[${name}] job ${job.id}: cannot resume (${error.message}); restarting at epoch 1`);
    const restarted = handoffs.map((h, i) => (i === handoffs.length - 1 ? { ...h, from_epoch: 1 } : h));
    return runExperiment(file, { ...runOptions, onRunDir: (dir) => void record(dir, restarted) });
  }
}

/**
 * A run left by a worker on another host still looks alive until its heartbeat is
 * STALE_AFTER_SECONDS old (its process cannot be asked from here): wait for that, rather than
 * restart at epoch 1, as `tfexp resume` would refuse it until then. Same host: the pid says at once.
 */
async function untilStale(context: WorkerContext, job: Job<PointJob, ArtifactManifest>, dir: string): Promise<void> {
  const store = new RunStore(dir);
  const info = store.readRun();
  if (info.host === undefined || info.host === hostname() || liveStatus(info) !== 'running') return;
  const beat = Date.parse(info.heartbeat_at ?? info.started_at);
  const wait = Math.max(0, beat + STALE_AFTER_SECONDS * 1000 + 1000 - Date.now());
  context.say(`[${context.name}] job ${job.id}: the run's last heartbeat (host ${info.host}) is ${Math.round((Date.now() - beat) / 1000)} s old; resuming once it is ${STALE_AFTER_SECONDS} s old, in ${Math.ceil(wait / 1000)} s`);
  const until = Date.now() + wait;
  while (Date.now() < until && !context.stopping()) await new Promise((r) => setTimeout(r, 500));
}

/**
 * The run folder a previous try left, when this worker can read it and may resume it: inside this
 * worker's own `<runs-dir>/<sweep-id>/` (a shared --runs-dir; a job naming any other folder is not
 * followed), a tfexp run, not completed, with a checkpoint.
 */
function resumableRun(dir: string, runsDir: string): { dir: string; epoch: number } | undefined {
  const full = resolve(dir);
  if (!full.startsWith(runsDir + sep) || dirname(full) !== runsDir || basename(full).startsWith('.') || !existsSync(full)) return undefined;
  const store = new RunStore(full);
  try {
    if (!store.isRun() || store.readRun().status === 'completed' || !store.hasCheckpoint()) return undefined;
    const state = store.checkpointState();
    return state === null ? undefined : { dir: full, epoch: state.epoch };
  } catch {
    return undefined;
  }
}
