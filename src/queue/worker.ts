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
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ConfigError, QueueError, UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { runExperiment, sayer, type RunOptions } from '../train/run.js';
import { storeArtifacts, type ArtifactManifest } from './artifacts.js';
import { connectRedis } from './connect.js';
import { checkJobShape, materializeJob, QUEUE_NAME, QUEUE_PREFIX, type PointJob } from './job.js';
import { parseQueueUrl } from './url.js';

export interface WorkerOptions extends RunOptions {
  readonly queue: string;
  /** This worker's name in job progress, run.json and BullMQ's worker list. Default: host-pid. */
  readonly workerName?: string;
  readonly concurrency?: number;
  /** Where jobs' experiment files are written. Default: the system temp folder. */
  readonly tempDir?: string;
  /** Milliseconds a job's lock lasts without renewal (a killed worker's job is taken over after it). Default: BullMQ's 30 s. */
  readonly lockDuration?: number;
  /** Resolves when the worker should stop (the CLI: SIGINT/SIGTERM). */
  readonly stop?: Promise<unknown>;
}

/** Job progress: what the submitter shows for a running point. */
export interface PointProgress {
  readonly worker: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly accuracy?: number;
  readonly val_accuracy?: number;
}

/**
 * Runs until `options.stop` resolves.
 * @throws QueueError (exit 2) when the queue URL is bad or Redis cannot be reached; UsageError for --concurrency other than 1.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const say = sayer(options);
  if ((options.concurrency ?? 1) !== 1) throw new UsageError(message.queueConcurrency(options.concurrency!));
  const target = parseQueueUrl(options.queue);
  const redis = await connectRedis(target);
  const name = options.workerName ?? `${hostname()}-${process.pid}`;
  const dataDir = options.dataDir ?? process.env.TFEXP_DATA_DIR;
  const tempRoot = join(options.tempDir ?? tmpdir(), `tfexp-worker-${process.pid}`);

  const processor = async (job: Job<PointJob, ArtifactManifest>): Promise<ArtifactManifest> => {
    const started = Date.now();
    let point: PointJob;
    let file: string;
    try {
      point = checkJobShape(job.data);
      file = materializeJob(job.data, dataDir, tempRoot);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(`[${name}] job ${job.id}: refused: ${reason}`);
      if (error instanceof QueueError || error instanceof ConfigError) throw new UnrecoverableError(reason);
      throw error;
    }
    say(`[${name}] job ${job.id}: point ${point.index} of sweep ${point.sweep} started (attempt ${job.attemptsMade + 1})`);
    try {
      const outcome = await runExperiment(file, {
        ...options,
        runsDir: join(options.runsDir ?? 'runs', point.sweep),
        name: `${point.name}-${point.index}`,
        onEpoch: (record, epochs) => {
          const progress: PointProgress = {
            worker: name,
            epoch: record.epoch ?? 0,
            epochs,
            ...(record.accuracy !== undefined ? { accuracy: record.accuracy } : {}),
            ...(record.val_accuracy !== undefined ? { val_accuracy: record.val_accuracy } : {}),
          };
          // Progress is advisory: a lost update must not fail the run.
          job.updateProgress(progress as unknown as object).catch(() => {});
        },
      });
      // run.json names the worker and the queue (redacted) that ran it.
      const runJson = join(outcome.dir, 'run.json');
      writeJsonAtomic(runJson, { ...JSON.parse(readFileSync(runJson, 'utf8')), worker: { name, host: hostname(), queue: target.shown, job: job.id } });
      const manifest = await storeArtifacts(redis, String(job.id), outcome.dir, name);
      say(`[${name}] job ${job.id}: completed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outcome.dir} (${(manifest.bytes / 2 ** 20).toFixed(1)} MiB sent)`);
      return manifest;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(`[${name}] job ${job.id}: failed: ${reason}`);
      if (error instanceof ConfigError || error instanceof QueueError) throw new UnrecoverableError(reason);
      throw error;
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  };

  const worker = new Worker<PointJob, ArtifactManifest>(QUEUE_NAME, processor, {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: 1,
    name,
    ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
  });
  worker.on('error', (error) => say(`[${name}] queue: ${error.message.replaceAll(target.password ?? '\u0000', '***')}`));
  await worker.waitUntilReady();
  say(`[${name}] waiting for sweep points on ${target.shown}`);
  try {
    await (options.stop ?? new Promise(() => {}));
  } finally {
    await worker.close();
    rmSync(tempRoot, { recursive: true, force: true });
    redis.disconnect();
    say(`[${name}] stopped`);
  }
}
