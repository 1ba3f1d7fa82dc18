/**
 * One point of a sweep: how it is named, and its experiment loaded as `tfexp run` would load
 * the file with the sweep's `--set` arguments and the point's own values.
 */
import { loadExperiment, type LoadedExperiment } from '../config/index.js';
import { overrideLabel } from '../config/hostile.js';
import { ConfigError } from '../errors.js';
import type { SweepPoint } from './grid.js';

/** A point's settings on one line: `train.batch_size=64 seed=2`. */
export function describePoint(point: Pick<SweepPoint, 'values' | 'seed'>): string {
  const values = Object.entries(point.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return [...values, ...(point.seed === null ? [] : [`seed=${point.seed}`])].join(' ') || '(base experiment)';
}

/**
 * Loads `file` with the sweep's `sets` and then the point's values.
 * @param total how many points the sweep has (for the error's label).
 * @throws ConfigError (exit 2) as loadExperiment does; a problem in one of the point's own values
 *   is placed at `sweep point 2 of 4 (train.batch_size="abc")`, not at a `--set` the user never wrote.
 */
export function loadPoint(file: string, sets: readonly string[], point: Pick<SweepPoint, 'index' | 'values' | 'seed' | 'sets'>, total: number): LoadedExperiment {
  try {
    return loadExperiment(file, [...sets, ...point.sets]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const own = new Set(point.sets.filter((s) => !sets.includes(s)).map(overrideLabel));
    const label = `sweep point ${point.index} of ${total} (${describePoint(point)})`;
    throw new ConfigError(error.problems.map((p) => (own.has(p.at.file) ? { ...p, at: { ...p.at, file: label } } : p)));
  }
}
