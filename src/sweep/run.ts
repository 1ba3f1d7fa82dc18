/**
 * Running a sweep: every planned point is one run, under `runs/<sweep-id>/`,
 * with `sweep.json` listing the grid and each point's status and run folder.
 * Before anything is created, every point is checked (exit 2) and so is its data:
 * a missing dataset stops the sweep before its folder exists, rather than failing
 * every point. Points run one after another in this process, or `--parallel N` at
 * a time in child processes (each with its share of the WASM threads). A failed
 * point does not stop the sweep, but the sweep then ends with SweepFailed (exit 1, so a
 * script sees it); Ctrl-C stops it (exit 130), and `tfexp resume <sweep-dir>` then runs
 * only the points that did not complete.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { physicalCores } from '../backend/cores.js';
import { loadExperiment, type DataConfig } from '../config/index.js';
import { ensureExperimentData } from '../data/presence.js';
import { BackendError, RunFailed, RunInterrupted } from '../errors.js';
import * as message from '../log/message.js';
import { planExperiment } from '../model/plan-experiment.js';
import { writeJsonAtomic } from '../runs/atomic.js';
import { createRunDir } from '../runs/dir.js';
import { resumeRun, runExperiment, sayer, type RunOptions } from '../train/run.js';
import { watchInterrupts } from '../train/interrupt.js';
import { planSweep, type Axes, type SweepPoint } from './grid.js';
import { describePoint, loadPoint } from './point.js';
import { childEnv, TFEXP_BIN } from '../cli/child.js';

export type PointStatus = 'pending' | 'completed' | 'failed' | 'interrupted' | 'cancelled';

/** A sweep that ran every point but some failed (exit 1): which, and where the reasons are. */
export class SweepFailed extends RunFailed {
  constructor(
    /** The sweep folder. */
    readonly dir: string,
    /** The failed points' indices, from 1. */
    readonly failed: readonly number[],
    total: number,
  ) {
    super(message.sweepFailedPoints(dir, failed, total));
  }
}

/** sweep.json. Run folders are relative to the sweep folder. */
export interface SweepFile {
  id: string;
  /** The experiment name; point runs are named <name>-<point index>. */
  name: string;
  experiment_file: string;
  sets: string[];
  axes: Axes;
  seeds: readonly number[] | null;
  created_at: string;
  points: (SweepPoint & { status: PointStatus; run: string | null; reason: string | null })[];
}

export interface SweepOptions extends RunOptions {
  readonly axes?: Axes;
  readonly seeds?: readonly number[];
  readonly dryRun?: boolean;
  /** Points run at once, each in its own process. Default: 1 (in this process). */
  readonly parallel?: number;
}

function say(options: RunOptions, line: string): void {
  sayer(options)(line);
}

/**
 * Checks once that the data of every point can be had (points may sweep `data.*`), so a missing
 * dataset is one exit 2 before the first point instead of a failure per point.
 * @throws DataError (exit 2) as `tfexp run` would for the first point whose data is missing.
 */
async function checkData(points: readonly { data: DataConfig; file: string }[], options: RunOptions): Promise<void> {
  const checked = new Set<string>();
  for (const { data, file } of points) {
    const key = JSON.stringify([resolve(file), data.dataset, data.train_images, data.train_labels, data.test_images, data.test_labels]);
    if (checked.has(key)) continue;
    checked.add(key);
    await ensureExperimentData(data, file, { ...(options.dataDir ? { dataDir: options.dataDir } : {}), log: (line) => say(options, line) });
  }
}

/**
 * Checks once that the backend the points will train on can be used, so a missing one is one
 * exit 2 before anything is created, not a failure per point. `auto` always finds one (the
 * cpu backend at worst), so only the thread count is checked for it; a named backend is started
 * (here, where the points run in this process; a `--parallel` child starts its own).
 * @throws BackendError (exit 2) as `tfexp run` would.
 */
async function checkBackend(options: SweepOptions): Promise<void> {
  const { selectBackend, resolveRequest } = await import('../backend/select.js');
  const request = { ...(options.backend !== undefined ? { request: options.backend } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  if (resolveRequest(request).request !== 'auto') await selectBackend(request);
}

/**
 * Plans and runs a sweep (or prints the plan with `dryRun`).
 * @throws ConfigError (exit 2) when any point is invalid, DataError (exit 2) when a point's dataset
 *   cannot be found or downloaded, BackendError (exit 2) when the backend cannot be used, all
 *   before anything is created; RunInterrupted (exit 130) on Ctrl-C; SweepFailed (exit 1) after
 *   the last point when some failed (a failed point is recorded in sweep.json and the sweep goes on).
 * @returns the sweep folder, or undefined for a dry run.
 */
export async function runSweep(file: string, options: SweepOptions): Promise<string | undefined> {
  const sets = [...(options.sets ?? [])];
  const loaded = loadExperiment(file, sets);
  planExperiment(loaded);
  const plan = planSweep(loaded.experiment, options.axes ?? {}, options.seeds);
  const data: { data: DataConfig; file: string }[] = [];
  for (const point of plan.points) {
    const pointLoaded = loadPoint(file, sets, point, plan.points.length);
    planExperiment(pointLoaded);
    data.push({ data: pointLoaded.experiment.data, file });
  }
  say(options, `Sweep of ${loaded.experiment.name}: ${plan.points.length} run(s)`);
  for (const point of plan.points) say(options, `  ${String(point.index).padStart(3)}. ${describePoint(point)}`);
  if (options.dryRun) return undefined;
  await checkBackend(options);
  await checkData(data, options);
  const { id, dir } = createRunDir(options.runsDir ?? 'runs', `${loaded.experiment.name}-sweep`);
  const sweep = newSweepFile(id, loaded.experiment.name, file, sets, plan);
  writeJsonAtomic(join(dir, 'sweep.json'), sweep);
  say(options, `Sweep folder: ${dir}`);
  await execute(dir, sweep, options);
  return dir;
}

/** A new sweep's sweep.json: every point pending. */
export function newSweepFile(id: string, name: string, file: string, sets: readonly string[], plan: ReturnType<typeof planSweep>): SweepFile {
  return {
    id,
    name,
    experiment_file: resolve(file),
    sets: [...sets],
    axes: plan.axes,
    seeds: plan.seeds,
    created_at: new Date().toISOString(),
    points: plan.points.map((p) => ({ ...p, status: 'pending', run: null, reason: null })),
  };
}

/** Continues a sweep: resumes its interrupted or failed points, runs its pending ones, skips completed ones. */
export async function resumeSweep(dir: string, options: SweepOptions): Promise<string> {
  const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
  const todo = sweep.points.filter((p) => p.status !== 'completed').length;
  say(options, `Resuming sweep ${sweep.id}: ${todo} of ${sweep.points.length} point(s) left`);
  // The data of the points left, from the experiment each will run (a started point: its run's experiment.yaml).
  const data: { data: DataConfig; file: string }[] = [];
  for (const point of sweep.points.filter((p) => p.status !== 'completed')) {
    const started = point.run !== null && existsSync(join(dir, point.run, 'run.json'));
    const file = started ? join(dir, point.run!, 'experiment.yaml') : sweep.experiment_file;
    try {
      data.push({ data: loadExperiment(file, started ? [] : [...sweep.sets, ...point.sets]).experiment.data, file });
    } catch {
      // A point whose experiment no longer loads fails on its own, with the reason, when its turn comes.
    }
  }
  await checkBackend(options);
  await checkData(data, options);
  await execute(dir, sweep, options);
  return dir;
}

async function execute(dir: string, sweep: SweepFile, options: SweepOptions): Promise<void> {
  const save = () => writeJsonAtomic(join(dir, 'sweep.json'), sweep);
  const pending = sweep.points.filter((p) => p.status !== 'completed');
  const parallel = options.parallel ?? 1;
  if (parallel > 1) return executeParallel(dir, sweep, pending, parallel, options, save);
  const failed: number[] = [];
  for (const point of pending) {
    say(options, `\n[${point.index}/${sweep.points.length}] ${describePoint(point)}`);
    const runDir = point.run === null ? null : join(dir, point.run);
    try {
      const pointOptions: RunOptions = {
        ...options,
        sets: [...sweep.sets, ...point.sets],
        runsDir: dir,
        name: `${sweep.name}-${point.index}`,
        onRunDir: (made) => {
          point.run = relative(dir, made);
          save();
        },
      };
      if (runDir !== null && existsSync(join(runDir, 'run.json'))) await resumeRun(runDir, pointOptions);
      else await runExperiment(sweep.experiment_file, pointOptions);
      point.status = 'completed';
      point.reason = null;
    } catch (error) {
      point.status = error instanceof RunInterrupted ? 'interrupted' : 'failed';
      point.reason = error instanceof Error ? error.message : String(error);
      save();
      if (error instanceof RunInterrupted) throw new RunInterrupted(`sweep interrupted at point ${point.index}; continue with: npx tfexp resume ${dir}`);
      // The backend is every point's: stop here (exit 2) rather than fail each point the same way.
      if (error instanceof BackendError) throw error;
      // Any other failure (a bad point, a crash, a data file that broke since the check) is this point's alone.
      failed.push(point.index);
      say(options, message.sweepPointFailed(point.index, point.reason));
    }
    save();
  }
  if (failed.length > 0) throw new SweepFailed(dir, failed, sweep.points.length);
}

/** Runs points in child `tfexp run` processes, `parallel` at a time, each with threads / parallel WASM threads. */
async function executeParallel(dir: string, sweep: SweepFile, points: SweepFile['points'], parallel: number, options: SweepOptions, save: () => void): Promise<void> {
  const threads = Math.max(1, Math.floor((options.threads ?? physicalCores()) / parallel));
  const watch = watchInterrupts((line) => say(options, line));
  const queue = [...points];
  const worker = async () => {
    for (let point = queue.shift(); point !== undefined && !watch.interrupted(); point = queue.shift()) {
      const args = [TFEXP_BIN, 'run', sweep.experiment_file, '--runs-dir', dir, '--quiet', '--threads', String(threads), '--name', `${sweep.name}-${point.index}`];
      for (const set of [...sweep.sets, ...point.sets]) args.push('--set', set);
      if (options.backend !== undefined) args.push('--backend', options.backend);
      if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
      let log = '';
      const current = point;
      child.stdout.on('data', (d: Buffer) => {
        log += d.toString();
        const made = /^Run: \S+ in (.+)$/m.exec(log)?.[1];
        if (made !== undefined && current.run === null) {
          current.run = relative(dir, resolve(made));
          save();
        }
      });
      child.stderr.on('data', (d: Buffer) => void (log += d.toString()));
      const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
      current.status = code === 0 ? 'completed' : code === 130 ? 'interrupted' : 'failed';
      current.reason = code === 0 ? null : log.trim().split('\n').slice(-1)[0] ?? `exit code ${code}`;
      say(options, `[${current.index}/${sweep.points.length}] ${describePoint(current)}: ${current.status}`);
      save();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, points.length) }, worker));
  } finally {
    watch.dispose();
  }
  if (watch.interrupted() || points.some((p) => p.status === 'interrupted')) {
    throw new RunInterrupted(`sweep interrupted; continue with: npx tfexp resume ${dir}`);
  }
  const failed = points.filter((p) => p.status === 'failed').map((p) => p.index);
  if (failed.length > 0) throw new SweepFailed(dir, failed, sweep.points.length);
}
