/**
 * Grouping runs that differ only by seed: one row per grid point with the
 * mean and sample standard deviation (n - 1) of each metric over its seeds,
 * and the number of seeds, so a difference can be judged against the noise.
 */
import type { Cell, CompareTable } from './table.js';

/** Metric columns averaged over seeds; the others (status, params, backend) are dropped from grouped rows. */
const AVERAGED = ['epochs', 'loss', 'accuracy', 'best_val_accuracy', 'test_accuracy', 'test_loss', 'duration_s'];

/**
 * The grid point of each row: its differing settings other than the seed, as one key
 * (rows with equal keys differ only by seed), in row order.
 */
export function gridPointKeys(table: CompareTable): string[] {
  const params = table.params.filter((p) => p !== 'seed');
  return table.rows.map((row) => JSON.stringify(params.map((p) => row[table.columns.indexOf(p)] ?? null)));
}

/** True when `seed` is a differing setting and at least one grid point has more than one seed. */
export function seedsRepeat(table: CompareTable): boolean {
  if (!table.columns.includes('seed')) return false;
  const keys = gridPointKeys(table);
  return new Set(keys).size < keys.length;
}

/** Mean and sample standard deviation (n - 1; 0 for one value) of a non-empty list. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** Mean and std rounded to 4 decimals, for table cells. */
function meanStd(values: number[]): [number, number] {
  const { mean, std } = meanAndStd(values);
  return [Math.round(mean * 10000) / 10000, Math.round(std * 10000) / 10000];
}

/** One row per grid point (the differing settings other than seed): seeds, then mean and _std of each metric. */
export function groupSeeds(table: CompareTable): CompareTable {
  const params = table.params.filter((p) => p !== 'seed');
  const index = (c: string) => table.columns.indexOf(c);
  const groups = new Map<string, Cell[][]>();
  const keys = gridPointKeys(table);
  table.rows.forEach((row, i) => groups.set(keys[i]!, [...(groups.get(keys[i]!) ?? []), row]));
  const metrics = AVERAGED.filter((m) => index(m) >= 0);
  const columns = [...params, 'seeds', ...metrics.flatMap((m) => [m, `${m}_std`])];
  const rows = [...groups.values()].map((rows) => [
    ...params.map((p) => rows[0]![index(p)] ?? null),
    rows.length,
    ...metrics.flatMap((m) => {
      const values = rows.map((r) => r[index(m)]).filter((v): v is number => typeof v === 'number');
      return values.length === 0 ? [null, null] : meanStd(values);
    }),
  ]);
  return { columns, rows, params };
}
