/**
 * Grouping runs that differ only by seed: one row per grid point with the
 * mean and sample standard deviation (n - 1) of each metric over its seeds,
 * and the number of seeds, so a difference can be judged against the noise.
 */
import type { Cell, CompareTable } from './table.js';

/** Metric columns averaged over seeds; the others (status, params, backend) are dropped from grouped rows. */
const AVERAGED = ['epochs', 'loss', 'accuracy', 'best_val_accuracy', 'test_accuracy', 'test_loss', 'duration_s'];

/** True when `seed` is a differing setting and at least one grid point has more than one seed. */
export function seedsRepeat(table: CompareTable): boolean {
  const seed = table.columns.indexOf('seed');
  if (seed < 0) return false;
  const keys = table.rows.map((row) => JSON.stringify(table.params.filter((p) => p !== 'seed').map((p) => row[table.columns.indexOf(p)])));
  return new Set(keys).size < keys.length;
}

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return [Math.round(mean * 10000) / 10000, Math.round(Math.sqrt(variance) * 10000) / 10000];
}

/** One row per grid point (the differing settings other than seed): seeds, then mean and _std of each metric. */
export function groupSeeds(table: CompareTable): CompareTable {
  const params = table.params.filter((p) => p !== 'seed');
  const index = (c: string) => table.columns.indexOf(c);
  const groups = new Map<string, Cell[][]>();
  for (const row of table.rows) {
    const key = JSON.stringify(params.map((p) => row[index(p)]));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
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
