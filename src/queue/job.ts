/**
 * What a queued sweep point is, and how each side handles it.
 *
 * A job carries the point's resolved experiment as YAML text (what `tfexp run` writes to a run's
 * experiment.yaml: every default filled, no `sweep`/`seeds`), the sweep's id and name and the
 * point's index. Its id is `<sweep-id>.<index>` (BullMQ refuses ids with a single ':'), so adding
 * the same point twice is a no-op: BullMQ keeps one job per id.
 *
 * `idx` data paths travel relative: the submitter makes them relative to its --data-dir (else to
 * the experiment file's folder), and a worker resolves them only under its own --data-dir.
 * The worker validates the YAML exactly as a file it was given (it writes it to a file in its
 * own temporary folder and loads it with loadExperiment): schema, shapes, limits; nothing in a
 * job is ever executed.
 */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadExperiment, type Experiment } from '../config/index.js';
import { experimentToYaml } from '../config/render.js';
import { parseYamlChecked } from '../config/source.js';
import { QueueError } from '../errors.js';
import * as message from '../log/message.js';
import { planExperiment } from '../model/plan-experiment.js';

/** The BullMQ queue every tfexp worker pulls from (keys under the `tfexp` prefix). */
export const QUEUE_NAME = 'sweep-points';
export const QUEUE_PREFIX = 'tfexp';
/** Job format version: a worker refuses others. */
export const JOB_FORMAT = 1;
/** The most bytes of experiment YAML a job may carry (a config file's own limit is larger; a resolved experiment is far smaller). */
export const MAX_JOB_YAML = 1 << 20;

const DATA_PATHS = ['train_images', 'train_labels', 'test_images', 'test_labels'] as const;

export interface PointJob {
  readonly format: typeof JOB_FORMAT;
  readonly sweep: string;
  /** The sweep's experiment name: the worker names the run `<name>-<index>`, as a local sweep does. */
  readonly name: string;
  readonly index: number;
  /** The resolved experiment, idx paths relative (see above). */
  readonly experiment: string;
  /** Where the point's latest try runs or ran (set by the worker when it makes the run folder). */
  readonly last_run?: LastRun;
  /** Each time the point went to another worker mid-run: resumed from its checkpoint or restarted at epoch 1. */
  readonly handoffs?: readonly Handoff[];
}

export interface LastRun {
  readonly worker: string;
  readonly host: string;
  /** The run folder, absolute, as that worker saw it. */
  readonly dir: string;
  /** True when that worker stopped (SIGTERM, Ctrl-C) and handed the job back; absent when it was lost (killed). */
  readonly handed_back?: boolean;
  /** True when that try failed in its experiment (a NaN loss, a crash): the next try starts afresh, not as a take-over. */
  readonly failed?: boolean;
}

/** A point taken over by another worker (recorded in the job, then in sweep.json). */
export interface Handoff {
  readonly from: string;
  readonly to: string;
  /** 'handed back' (the worker stopped) or 'lost' (killed: BullMQ's stalled-job check gave it back). */
  readonly why: 'handed back' | 'lost';
  /** The first epoch the new worker ran: > 1 when it resumed from the checkpoint (shared --runs-dir), 1 when it restarted. */
  readonly from_epoch: number;
  readonly at: string;
}

/**
 * The queue of sweep points on an open connection. Connection errors surface in the calls made on
 * it (the 'error' events are muted, as the caller's own connection reports them).
 */
export function openQueue<R = unknown>(redis: Redis): Queue<PointJob, R> {
  const queue = new Queue<PointJob, R>(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  return queue;
}

/**
 * A point's job and its BullMQ state (waiting, active, completed, failed, ...), or 'missing' when
 * Redis has none. The state is read first: a job read first could finish before its state is read,
 * and would then say 'completed' without its return value.
 */
export async function pointState<R>(queue: Queue<PointJob, R>, sweep: string, index: number): Promise<{ job: Job<PointJob, R> | undefined; state: string }> {
  const state = await queue.getJobState(jobId(sweep, index));
  const job = state === 'unknown' ? undefined : await queue.getJob(jobId(sweep, index));
  return { job, state: job === undefined ? 'missing' : state };
}

/** Job progress, reported by the worker after each epoch: what the submitter shows for a running point. */
export interface PointProgress {
  /** The worker's --name. */
  readonly worker: string;
  /** The epoch just finished, from 1. */
  readonly epoch: number;
  /** Epochs planned. */
  readonly epochs: number;
  /** That epoch's training accuracy, a fraction in 0..1 (absent without an accuracy metric). */
  readonly accuracy?: number;
  /** That epoch's validation accuracy, a fraction in 0..1 (absent without validation). */
  readonly val_accuracy?: number;
}

/** The worker running a job, as its progress or BullMQ names it. */
export function workerOf(job: Job<PointJob, unknown>): string {
  return (job.progress as Partial<PointProgress> | null)?.worker ?? job.processedBy ?? 'a worker';
}

/** `<sweep-id>.<index>`: one job per point, however often it is enqueued. */
export function jobId(sweep: string, index: number): string {
  return `${sweep}.${index}`;
}

/**
 * The job of one point, from its loaded experiment (absolute data paths, as loadExperiment gives).
 * @param base the folder idx paths are made relative to (the submitter's --data-dir, else the experiment file's folder).
 * @throws QueueError when an idx path is outside `base`.
 */
export function pointJob(sweep: string, name: string, index: number, experiment: Experiment, base: string): PointJob {
  const { sweep: _sweep, seeds: _seeds, ...single } = experiment;
  const data = { ...(single.data as Record<string, unknown>) };
  for (const key of DATA_PATHS) {
    const path = data[key];
    if (typeof path !== 'string') continue;
    const rel = relative(resolve(base), path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new QueueError(message.queueDataOutsideBase(key, path, resolve(base)));
    data[key] = rel.split(sep).join('/');
  }
  return { format: JOB_FORMAT, sweep, name, index, experiment: experimentToYaml({ ...single, data }) };
}

/** True when `path` is `dir` or inside it. */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A job's fields, checked: an object from another program or version is refused. */
export function checkJobShape(data: unknown): PointJob {
  const job = data as Partial<PointJob> | null;
  if (typeof job !== 'object' || job === null) throw new QueueError(message.queueBadJob('not a tfexp sweep point'));
  if (job.format !== JOB_FORMAT) throw new QueueError(message.queueBadJob(`job format ${JSON.stringify(job.format)}, this worker reads ${JOB_FORMAT}`));
  if (typeof job.sweep !== 'string' || !/^[\w.-]{1,200}$/.test(job.sweep)) throw new QueueError(message.queueBadJob('the sweep id is missing or not a plain name'));
  if (typeof job.name !== 'string' || job.name.length > 200) throw new QueueError(message.queueBadJob('the sweep name is missing'));
  if (!Number.isInteger(job.index) || job.index! < 1) throw new QueueError(message.queueBadJob('the point index is not a positive integer'));
  if (typeof job.experiment !== 'string') throw new QueueError(message.queueBadJob('no experiment'));
  if (Buffer.byteLength(job.experiment) > MAX_JOB_YAML) throw new QueueError(message.queueBadJob(`the experiment is over ${MAX_JOB_YAML} bytes`));
  return job as PointJob;
}

/**
 * Makes a received job a file this worker can run, checked as `tfexp run` checks a file.
 * @param dataDir the worker's --data-dir (idx paths resolve only under it).
 * @returns the experiment file, in a new folder under `tempRoot`.
 * @throws QueueError for a malformed job or an idx path that leaves dataDir (or no dataDir for idx);
 *   ConfigError for an invalid experiment.
 */
export function materializeJob(data: unknown, dataDir: string | undefined, tempRoot = tmpdir()): string {
  const job = checkJobShape(data);
  mkdirSync(tempRoot, { recursive: true });
  const dir = mkdtempSync(join(tempRoot, 'tfexp-job-'));
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, job.experiment);
  // The text is checked as a file's is (limits, hostile YAML) before anything reads its values; a
  // resolved experiment never `extends` another file, and a job must not make a worker read one.
  const checked = parseYamlChecked(job.experiment);
  const value = checked.ok ? (checked.value as Record<string, unknown> | null) : null;
  if (value !== null && typeof value === 'object' && 'extends' in value) throw new QueueError(message.queueBadJob('a job cannot `extends` a file'));
  // Schema and every other check, with the problems as `tfexp run` reports them (also for text that did not parse).
  const loaded = loadExperiment(file);
  const raw = ((value as { data?: Record<string, unknown> } | null)?.data ?? {}) as Record<string, unknown>;
  const fixed: Record<string, string> = {};
  for (const key of DATA_PATHS) {
    const path = raw[key];
    if (typeof path !== 'string') continue;
    if (dataDir === undefined) throw new QueueError(message.queueNoDataDir(key));
    const root = resolve(dataDir);
    const full = resolve(root, path);
    if (isAbsolute(path) || path.includes('\\') || !inside(root, full) || full === root) throw new QueueError(message.queueDataPathEscapes(key, path, root));
    // A symbolic link inside the data folder must not lead out of it either.
    if (existsSync(full) && !inside(realpathSync(root), realpathSync(full))) throw new QueueError(message.queueDataPathEscapes(key, path, root));
    fixed[key] = full;
  }
  if (Object.keys(fixed).length > 0) {
    const { sweep: _sweep, seeds: _seeds, ...single } = loaded.experiment;
    writeFileSync(file, experimentToYaml({ ...single, data: { ...(single.data as Record<string, unknown>), ...fixed } }));
    planExperiment(loadExperiment(file));
  } else {
    planExperiment(loaded);
  }
  return file;
}
