/**
 * `GET /api/compare?runs=a&runs=b...`: the compare page for the selected runs, from
 * compare's own functions: the table of the runs (buildTable: labels and the settings
 * that differ among them; grouped by seed as `tfexp compare` groups it), the overlay
 * curves compare.html draws (chartSeries + overlaySpec, coloured by run or by a chosen
 * setting), the seeds of each grid point as mean +/- std bands (gridPointKeys +
 * bands-spec.ts), parallel coordinates of the differing settings against a metric the
 * reader picks (parallel-spec.ts; PARALLEL_METRICS, test_accuracy by default; the grouped
 * table is sorted by it as `tfexp compare --metric` sorts), and a line diff of two runs'
 * experiment.yaml (jsdiff).
 */
import { diffLines } from 'diff';
import { gridPointKeys, groupSeeds, seedsRepeat } from '../../compare/group.js';
import { NOT_IN_LABELS, shortNames } from '../../compare/labels.js';
import type { ComparedRun } from '../../compare/load.js';
import { chartSeries } from '../../compare/series.js';
import { buildTable, displayTable, HEADLINE_METRIC, LABEL_COLUMN, labelName, sortTable, type CompareTable } from '../../compare/table.js';
import * as message from '../../log/message.js';
import { seedBandsSpec, type SeedGroup } from '../../plots/bands-spec.js';
import { overlaySpec } from '../../plots/compare-spec.js';
import { interactiveSpec, type ChartView } from '../../plots/interactive.js';
import { parallelSpec } from '../../plots/parallel-spec.js';

/**
 * The metrics the parallel coordinates may end in: compare's metric columns (buildTable), by
 * their names there, with what the page calls them. `accuracy` and `loss` are the last
 * epoch's training values.
 */
export const PARALLEL_METRICS: readonly { readonly metric: string; readonly title: string }[] = [
  { metric: HEADLINE_METRIC, title: 'test_accuracy' },
  { metric: 'test_loss', title: 'test_loss' },
  { metric: 'best_val_accuracy', title: 'best_val_accuracy' },
  { metric: 'accuracy', title: 'accuracy (last epoch)' },
  { metric: 'loss', title: 'loss (last epoch)' },
];

/** One line of the YAML diff: kept (' '), only in the first run ('-'), only in the second ('+'). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

export interface ComparePayload {
  readonly ids: readonly string[];
  readonly labels: readonly string[];
  /** compare's table as people read it (displayTable), one row per run. */
  readonly table: CompareTable;
  /** One row per grid point with mean and std over seeds, when seeds repeat; else null. */
  readonly grouped: CompareTable | null;
  /** The settings colour may follow (the differing ones), with their short names. */
  readonly colourChoices: readonly { readonly setting: string; readonly short: string }[];
  readonly colour: string;
  /** The metric of the parallel coordinates (and the grouped table's sort). */
  readonly metric: string;
  /** The PARALLEL_METRICS some of these runs have a value of (the headline metric and the chosen one always). */
  readonly metricChoices: readonly { readonly metric: string; readonly title: string }[];
  readonly charts: { readonly overlay: object | null; readonly bands: object | null; readonly parallel: object | null };
  /** The two runs diffed (ids) and the diff, or null with fewer than two runs. */
  readonly diff: { readonly a: string; readonly b: string; readonly lines: readonly DiffLine[] } | null;
}

/** What the page asked for. */
export interface CompareQuery {
  /** `run`, or a differing setting's path. Default: as compare.html decides (chartSeries). */
  readonly colour?: string;
  /** The metric of the parallel coordinates, one of PARALLEL_METRICS; another name is ignored. Default: HEADLINE_METRIC (test_accuracy). */
  readonly metric?: string;
  /** The two runs to diff (ids among the selection). Default: the first two. */
  readonly diff?: readonly [string, string];
  readonly view?: ChartView;
}

/** The label of a grid point: its settings other than the seed (`lr=0.001 bs=64`), or the runs' name when none differ. */
function gridPointLabel(table: CompareTable, row: number, runs: readonly ComparedRun[]): string {
  const settings = table.params.filter((p) => p !== 'seed' && !NOT_IN_LABELS.includes(p));
  const short = shortNames(settings);
  const parts = settings.map((p) => `${short.get(p)}=${table.rows[row]![table.columns.indexOf(p)] ?? '-'}`);
  return parts.length > 0 ? parts.join(' ') : labelName(runs[row]!);
}

/** Runs of each grid point (runs differing only by seed), when some grid point has more than one run with metrics. */
export function seedGroups(runs: readonly ComparedRun[], table: CompareTable): SeedGroup[] | null {
  const keys = gridPointKeys(table);
  const groups = new Map<string, { group: string; runs: ComparedRun['metrics'][] }>();
  keys.forEach((key, i) => {
    if (runs[i]!.metrics === null) return;
    const group = groups.get(key) ?? { group: gridPointLabel(table, i, runs), runs: [] };
    group.runs.push(runs[i]!.metrics);
    groups.set(key, group);
  });
  const list = [...groups.values()].map((g) => ({ group: g.group, runs: g.runs.filter((m) => m !== null) }));
  return list.some((g) => g.runs.length > 1) ? list : null;
}

/**
 * The payload for `runs` (in the page's order) and their ids.
 * @param yamlOf a run's experiment.yaml text by id (null when unreadable).
 */
export function comparePayload(runs: readonly ComparedRun[], ids: readonly string[], query: CompareQuery, yamlOf: (id: string) => string | null): ComparePayload {
  const perRun = buildTable(runs);
  const view = query.view ?? {};
  const labels = perRun.rows.map((r) => String(r[perRun.columns.indexOf(LABEL_COLUMN)]));
  const { series, swept } = chartSeries(runs, perRun, query.colour);
  const title = message.compareChartTitle(runs.length);
  const groups = seedGroups(runs, perRun);
  const measured = (column: string) => perRun.rows.some((row) => typeof row[perRun.columns.indexOf(column)] === 'number');
  const metric = PARALLEL_METRICS.some((m) => m.metric === query.metric) ? query.metric! : HEADLINE_METRIC;
  const metricChoices = PARALLEL_METRICS.filter((m) => m.metric === HEADLINE_METRIC || m.metric === metric || measured(m.metric));
  const axes = perRun.params.filter((p) => !NOT_IN_LABELS.includes(p));
  const short = shortNames(axes);
  const metricAt = perRun.columns.indexOf(metric);
  const parallel =
    axes.length === 0
      ? null
      : parallelSpec(
          runs.map((_, i) => ({
            run: labels[i]!,
            settings: Object.fromEntries(axes.map((p) => [short.get(p)!, String(perRun.rows[i]![perRun.columns.indexOf(p)] ?? '-')])),
            metric: typeof perRun.rows[i]![metricAt] === 'number' ? (perRun.rows[i]![metricAt] as number) : null,
          })),
          axes.map((p) => short.get(p)!),
          metric,
          title,
        );
  const [a, b] = query.diff ?? [ids[0], ids[1]];
  const diff =
    a === undefined || b === undefined
      ? null
      : {
          a,
          b,
          lines: diffLines(yamlOf(a) ?? '', yamlOf(b) ?? '').flatMap((change) =>
            change.value
              .replace(/\n$/, '')
              .split('\n')
              .map((text): DiffLine => ({ op: change.added ? '+' : change.removed ? '-' : ' ', text })),
          ),
        };
  return {
    ids,
    labels,
    table: displayTable(perRun),
    grouped: seedsRepeat(perRun) ? displayTable(sortTable(groupSeeds(perRun), metric)) : null,
    colourChoices: axes.map((setting) => ({ setting, short: short.get(setting)! })),
    colour: swept === undefined ? 'run' : (axes.find((p) => short.get(p) === swept.title) ?? query.colour ?? 'run'),
    metric,
    metricChoices,
    charts: {
      overlay: series.length === 0 ? null : interactiveSpec(overlaySpec(series, title, swept), view),
      bands: groups === null ? null : interactiveSpec(seedBandsSpec(groups, message.uiBandsTitle(groups.length, runs.length)), view),
      parallel,
    },
    diff,
  };
}
