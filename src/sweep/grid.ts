/**
 * The runs a sweep plans: the full grid of the `sweep` axes (in the order the
 * axes are written; `--sweep` adds or replaces axes), each point repeated with
 * every seed. Each point becomes `--set` overrides of the experiment.
 */
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import type { Experiment } from '../config/index.js';
import { NOT_SWEEP_AXES, settingPathProblem } from '../config/suggest-path.js';
import * as message from '../log/message.js';

export type Axes = Record<string, readonly unknown[]>;

export interface SweepPoint {
  /** Position in the plan, from 1. */
  readonly index: number;
  /** The axis values of this point. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The seed, when seeds repeat points. */
  readonly seed: number | null;
  /** `--set` arguments that make this point from the experiment. */
  readonly sets: readonly string[];
}

/**
 * Checks a `--sweep` path against the schema, as `--set` paths are checked, but naming `--sweep`
 * and suggesting a whole path (`train.lr` -> `train.optimizer.learning_rate`).
 * @throws UsageError for a path the schema does not have, or a key that is no setting.
 */
function checkSweepPath(arg: string, dotted: string): void {
  const problem = settingPathProblem(dotted.split('.'), NOT_SWEEP_AXES);
  if (problem === undefined) return;
  if (problem.kind === 'not-a-setting') throw new UsageError(message.sweepNotAxis(arg, problem.key));
  if (problem.kind === 'forbidden') throw new UsageError(`--sweep ${message.excerpt(arg)}: ${message.overrideForbiddenKey(dotted, problem.key)}`);
  throw new UsageError(message.sweepUnknownPath(arg, problem.at, problem.segment, problem.suggestion, problem.known));
}

/**
 * Parses `--sweep path=v1,v2` (values as a YAML flow list, so `[1, 2],[3, 4]` gives two lists).
 * @throws UsageError for a malformed argument or a path the schema does not have.
 */
export function parseSweepArg(arg: string): [string, unknown[]] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || arg.slice(0, eq).trim().split('.').some((s) => s === '')) throw new UsageError(`--sweep "${arg}": expected path=value1,value2 (e.g. --sweep train.batch_size=64,128)`);
  checkSweepPath(arg, arg.slice(0, eq).trim());
  let values: unknown;
  try {
    values = parseYaml(`[${arg.slice(eq + 1)}]`);
  } catch (error) {
    throw new UsageError(`--sweep "${arg}": the values are not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(values) || values.length === 0) throw new UsageError(`--sweep "${arg}": give at least one value`);
  return [arg.slice(0, eq).trim(), values];
}

/** `--seeds N` means seeds 1..N (as `seeds: [1, 2, 3]` in YAML). */
export function seedList(count: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--seeds must be a positive integer, got ${count}`);
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * Plans the runs.
 * @param cliAxes `--sweep` axes, replacing same-named axes of the experiment.
 * @param cliSeeds `--seeds` list, replacing the experiment's `seeds`.
 */
export function planSweep(experiment: Experiment, cliAxes: Axes = {}, cliSeeds?: readonly number[]): { axes: Axes; seeds: readonly number[] | null; points: SweepPoint[] } {
  const axes: Axes = { ...(experiment.sweep ?? {}), ...cliAxes };
  const seeds = cliSeeds ?? experiment.seeds ?? null;
  let grid: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(axes)) grid = grid.flatMap((point) => values.map((value) => ({ ...point, [path]: value })));
  const points: SweepPoint[] = [];
  for (const values of grid) {
    for (const seed of seeds ?? [null]) {
      const sets = Object.entries(values).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
      points.push({ index: points.length + 1, values, seed, sets: seed === null ? sets : [...sets, `seed=${seed}`] });
    }
  }
  return { axes, seeds, points };
}

/** True when the experiment or the command line asks for more than one run. */
export function isSweep(experiment: Experiment, cliAxes: Axes, cliSeeds?: readonly number[]): boolean {
  return Object.keys(experiment.sweep ?? {}).length > 0 || Object.keys(cliAxes).length > 0 || (cliSeeds ?? experiment.seeds) !== undefined;
}
