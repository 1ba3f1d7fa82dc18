/**
 * What the compare charts draw and what colours them (pure): shared by `tfexp compare`
 * (compare.html) and the dashboard's compare page (`tfexp ui`).
 */
import type { RunSeries, SweptSetting } from '../plots/compare-spec.js';
import { NOT_IN_LABELS, shortNames } from './labels.js';
import type { ComparedRun } from './load.js';
import { MODEL_COLUMN } from './params.js';
import { LABEL_COLUMN, labelName, type CompareTable } from './table.js';

/**
 * The charts' series: each run with metrics, named by its label; and the swept
 * setting, whose value then colours the charts, when there is one axis: every run
 * is of one experiment (their labels start with one name: one experiment file, or
 * one sweep) and they differ in exactly one setting (name and description aside),
 * other than the `model` column (its values are whole architecture strings, no
 * legend). Otherwise the charts colour by run label: different experiments
 * (baseline against baseline-adam) are runs, not values of their one difference.
 * @param perRun the table before grouping and sorting: one row per run, in `runs` order.
 * @param colour colour by this differing setting (a column of `perRun.params`), whatever
 *   the runs are (the dashboard's choice); `'run'` (or any other non-setting): by run label.
 *   Default: decided as above.
 */
export function chartSeries(runs: readonly ComparedRun[], perRun: CompareTable, colour?: string): { series: RunSeries[]; swept: SweptSetting | undefined } {
  const label = perRun.columns.indexOf(LABEL_COLUMN);
  const settings = perRun.params.filter((p) => !NOT_IN_LABELS.includes(p));
  const oneExperiment = new Set(runs.map(labelName)).size === 1;
  const oneAxis = oneExperiment && settings.length === 1 && settings[0] !== MODEL_COLUMN;
  const chosen = colour !== undefined && perRun.params.includes(colour) ? colour : undefined;
  const column = chosen !== undefined ? perRun.columns.indexOf(chosen) : colour === undefined && oneAxis ? perRun.columns.indexOf(settings[0]!) : -1;
  const valueOf = (i: number) => String(perRun.rows[i]![column] ?? '-');
  const series = runs.flatMap((r, i): RunSeries[] =>
    r.metrics === null ? [] : [{ run: String(perRun.rows[i]![label]), metrics: r.metrics, ...(column >= 0 ? { setting: valueOf(i) } : {}) }],
  );
  if (column < 0) return { series, swept: undefined };
  const values = [...new Set(runs.map((_, i) => valueOf(i)))];
  if (values.every((v) => Number.isFinite(Number(v)))) values.sort((a, b) => Number(a) - Number(b));
  const shown = perRun.columns[column]!;
  return { series, swept: { title: shortNames(settings.includes(shown) ? settings : perRun.params).get(shown) ?? shown, values } };
}
