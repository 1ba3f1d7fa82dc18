/**
 * Reading run directories for `tfexp compare`, robustly: a folder that is not
 * a run is skipped with a warning; a failed, interrupted or running run is
 * kept with whatever metrics it has. A broken run (run.json unreadable, or
 * metrics.json corrupt or missing) is reported as broken: its status cell says
 * so in a few words, the detail goes to a warning, and the command exits 2
 * after printing the table of the others.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { glob } from 'tinyglobby';
import { isPlainObject } from '../config/pointer.js';
import * as message from '../log/message.js';
import { processAlive } from '../runs/liveness.js';
import type { Metrics, RunInfo } from '../runs/store.js';

/** A run as compare sees it. */
export interface ComparedRun {
  readonly dir: string;
  readonly info: RunInfo;
  /** Null when metrics.json is missing or unreadable (see `problem`). */
  readonly metrics: Metrics | null;
  /** The resolved experiment (experiment.yaml), or null when unreadable. */
  readonly experiment: Record<string, unknown> | null;
  /**
   * What is wrong with this run's files, in a few words for its status cell
   * (`corrupt metrics.json`), or null; the detail went to a warning.
   */
  readonly problem: string | null;
  /**
   * The experiment name of the sweep this run is a point of (its parent folder's
   * sweep.json lists it), or null; labels name a point by it, not `<name>-<index>`.
   */
  readonly sweep: string | null;
}

/** A run folder among the inputs whose files are broken: an invalid input (exit 2). */
export interface BrokenRun {
  readonly dir: string;
  /** The broken file: run.json (the run is skipped) or metrics.json (the run is listed without metrics). */
  readonly file: 'run.json' | 'metrics.json';
  /** What is wrong, in a few words: `corrupt run.json`, `corrupt metrics.json`, `missing metrics.json`. */
  readonly what: string;
  /** What is wrong with it, one printable line (control characters escaped, cut). */
  readonly detail: string;
}

/**
 * Expands the arguments into run directories: a run directory itself, a folder
 * of runs (`runs/`: every run inside, sweeps included), or a glob (`runs/2026*`).
 * @returns run directories (sorted, unique), warnings for arguments that hold no run,
 *   and for each sweep folder without a run folder (every point failed before its
 *   run began, or none ran yet) why, from its sweep.json.
 */
export async function findRunDirs(args: readonly string[]): Promise<{ dirs: string[]; warnings: string[]; emptySweeps: string[] }> {
  const dirs = new Set<string>();
  const warnings: string[] = [];
  const emptySweeps: string[] = [];
  for (const arg of args) {
    const matches = existsSync(arg) ? [arg] : await glob(arg, { onlyDirectories: true, expandDirectories: false });
    if (matches.length === 0) warnings.push(`${arg}: no such file or folder; skipped`);
    for (const match of matches) {
      if (existsSync(join(match, 'run.json'))) dirs.add(match.replace(/\/+$/, ''));
      else if (statSync(match).isDirectory()) {
        const inside = await glob('**/run.json', { cwd: match, deep: 3 });
        // Sweep folders (this one, or inside a folder of runs) none of whose points has a run folder.
        const sweeps = (await glob('**/sweep.json', { cwd: match, deep: 2 })).map((file) => dirname(file));
        const empty = sweeps.filter((s) => !inside.some((file) => s === '.' || file.startsWith(`${s}/`)));
        let reported = false;
        for (const s of empty) {
          const sweep = readSweep(join(match, s));
          if (sweep === null) continue;
          emptySweeps.push(emptySweepWarning(join(match, s), sweep));
          reported = true;
        }
        if (inside.length === 0 && !reported) warnings.push(`${match}: not a run directory (no run.json); skipped`);
        for (const file of inside) dirs.add(join(match, file, '..'));
      } else warnings.push(`${match}: not a run directory; skipped`);
    }
  }
  return { dirs: [...dirs].sort(), warnings, emptySweeps };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Longest detail a warning quotes; JSON.parse quotes the text around the error, which can be anything. */
const DETAIL_LIMIT = 200;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` as one printable line: newline, CR and tab as `\n`, `\r`, `\t`; every other
 * control character, line separator and bidirectional override escaped as in all of
 * tfexp's messages (message.escapeControls); cut to `limit` characters with `...`.
 */
export function printable(text: string, limit = DETAIL_LIMIT): string {
  const escaped = message.escapeControls(text.replace(/[\n\r\t]/g, (c) => NAMED_ESCAPES[c]!));
  const chars = [...escaped];
  return chars.length <= limit ? escaped : `${chars.slice(0, limit).join('')}...`;
}

/** Why `value` is not a metrics.json, or null when it is one. */
function metricsShapeProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'not a JSON object';
  if (!Array.isArray(value.history)) return 'no "history" list';
  if (!value.history.every(isPlainObject)) return '"history" holds something other than objects';
  if (value.test !== undefined && value.test !== null && !isPlainObject(value.test)) return '"test" is not an object';
  return null;
}

/** One run as read: the run, when run.json is readable, and what is broken, if anything. */
export interface ReadRun {
  readonly run: ComparedRun | undefined;
  readonly broken: BrokenRun | undefined;
}

/**
 * Reads one run. run.json unreadable: no run, broken (a warning, the run is skipped).
 * metrics.json unparsable, not a metrics file, or missing from a run that is not
 * running: the run without metrics, status `corrupt metrics.json` or `missing
 * metrics.json`, broken (a warning with the detail). A running run may not have
 * written metrics.json yet: not broken.
 */
export function readRun(dir: string, warn: (line: string) => void): ReadRun {
  let info: RunInfo;
  try {
    const value = readJson(join(dir, 'run.json'));
    if (!isPlainObject(value)) throw new Error('not a JSON object');
    info = value as unknown as RunInfo;
  } catch (error) {
    const broken: BrokenRun = { dir, file: 'run.json', what: 'corrupt run.json', detail: printable((error as Error).message) };
    warn(message.corruptRunJson(printable(dir, Infinity), broken.detail));
    return { run: undefined, broken };
  }
  let metrics: Metrics | null = null;
  let problem: string | null = null;
  let broken: BrokenRun | undefined;
  const path = join(dir, 'metrics.json');
  if (!existsSync(path)) {
    if (info.status !== 'running') {
      problem = message.MISSING_METRICS_STATUS;
      broken = { dir, file: 'metrics.json', what: problem, detail: 'no such file' };
      warn(message.missingMetrics(printable(dir, Infinity), printable(String(info.status))));
    }
  } else {
    try {
      const value = readJson(path);
      const shape = metricsShapeProblem(value);
      if (shape !== null) throw new Error(shape);
      metrics = value as Metrics;
    } catch (error) {
      problem = message.CORRUPT_METRICS_STATUS;
      broken = { dir, file: 'metrics.json', what: problem, detail: printable((error as Error).message) };
      warn(message.corruptMetrics(printable(dir, Infinity), printable(String(info.status)), broken.detail));
    }
  }
  let experiment: Record<string, unknown> | null = null;
  try {
    const value: unknown = parseYaml(readFileSync(join(dir, 'experiment.yaml'), 'utf8'));
    experiment = isPlainObject(value) ? value : null;
  } catch {
    experiment = null;
  }
  return { run: { dir, info, metrics, experiment, problem, sweep: sweepOf(dir) }, broken };
}

/** sweep.json as compare reads it: only what it needs, every field checked. */
interface SweepSummary {
  readonly name: string;
  readonly points: readonly { index: number; status: string; run: string | null; reason: string | null; live: PointLive | null }[];
}

/**
 * What the follower of a queued sweep last saw of an open point (src/queue/follow.ts writes it
 * into sweep.json): its state in the queue and the line the terminal table shows for it.
 */
export interface PointLive {
  /** `queued` or `running` (other BullMQ states as they are). */
  readonly state: string;
  /** The point's settings: `train.batch_size=32 seed=2`. */
  readonly point: string;
  /** `running on w2, epoch 3 of 5, val_accuracy 0.9712`. */
  readonly detail: string;
}

/** The process that wrote the points' `live` into sweep.json (sweep.json's `live_by`). */
export interface LiveWriter {
  readonly host: string;
  readonly pid: number;
}

/**
 * Whether sweep.json's `live` lines still stand: false when the follower that wrote them
 * (`live_by`) ran on this host and its process is gone (killed: it could not clear them), so
 * they are stale. From another host, or from a file without `live_by`, they are taken as they are.
 */
export function liveStands(writer: unknown, host = hostname(), alive: (pid: number) => boolean = processAlive): boolean {
  if (!isPlainObject(writer) || typeof writer.host !== 'string' || typeof writer.pid !== 'number') return true;
  return writer.host !== host || alive(writer.pid);
}

/** `dir/sweep.json`, or null when there is none or it is not a sweep file. */
export function readSweep(dir: string): SweepSummary | null {
  try {
    const value = readJson(join(dir, 'sweep.json'));
    if (!isPlainObject(value) || typeof value.name !== 'string' || !Array.isArray(value.points)) return null;
    const stands = liveStands(value.live_by);
    const points = value.points.filter(isPlainObject).map((p, i) => ({
      index: typeof p.index === 'number' ? p.index : i + 1,
      status: typeof p.status === 'string' ? p.status : 'pending',
      run: typeof p.run === 'string' ? p.run : null,
      reason: typeof p.reason === 'string' ? p.reason : null,
      live: stands && isPlainObject(p.live) && typeof p.live.state === 'string' && typeof p.live.point === 'string' && typeof p.live.detail === 'string' ? { state: p.live.state, point: p.live.point, detail: p.live.detail } : null,
    }));
    return { name: value.name, points };
  } catch {
    return null;
  }
}

/** The sweep's experiment name when `dir` is one of the points its parent's sweep.json lists, else null. */
function sweepOf(dir: string): string | null {
  const sweep = readSweep(dirname(dir));
  return sweep !== null && sweep.points.some((p) => p.run === basename(dir)) ? sweep.name : null;
}

/**
 * Why a sweep folder holds no run to compare: how many points, their statuses,
 * and where the reasons are (sweep.json), with the first reason quoted.
 */
function emptySweepWarning(dir: string, sweep: SweepSummary): string {
  const counts = new Map<string, number>();
  for (const p of sweep.points) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  const first = sweep.points.find((p) => p.reason !== null);
  return message.sweepWithoutRuns({
    dir: printable(dir, Infinity),
    points: sweep.points.length,
    statuses: [...counts.entries()],
    firstReason: first === undefined ? null : { index: first.index, reason: printable(first.reason!) },
  });
}
