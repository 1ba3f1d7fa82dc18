/**
 * `tfexp compare`, in order: find run directories (args, folders, globs) ->
 * read each robustly -> table of differing settings and metrics -> sort ->
 * format -> overlay plots (and the report) into the output folder.
 */
import { join } from 'node:path';
import { closestMatch } from '../config/suggest.js';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { overlaySpec, testBarSpec } from '../plots/compare-spec.js';
import { writeChart } from '../plots/index.js';
import { compareReportHtml } from '../plots/report.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { runTimestamp } from '../runs/dir.js';
import { findRunDirs, printable, readRun, type BrokenRun, type ComparedRun } from './load.js';
import { groupSeeds, seedsRepeat } from './group.js';
import { shortNames } from './labels.js';
import { chartSeries } from './series.js';
import { buildTable, displayTable, formatTable, HEADLINE_METRIC, shortMetricHeader, sortTable, type CompareTable, type Format } from './table.js';

export { chartSeries } from './series.js';

export interface CompareOptions {
  /** Headline metric column; the default sort. Default: HEADLINE_METRIC (test_accuracy). */
  readonly metric?: string;
  /** Sort column. Default: the headline metric. */
  readonly sort?: string;
  readonly format?: Format;
  readonly allParams?: boolean;
  /** One row per grid point with mean and std over seeds. Default: when seeds repeat. */
  readonly groupSeeds?: boolean;
  /** Output folder for plots. Default: runs/compare-<timestamp>/. */
  readonly out?: string;
  /** Terminal width the table fits, display columns. Default: 120 (src/compare/fit.ts). */
  readonly width?: number;
  /** The terminal table with every column in full, the run folders too (`--wide`; implied by allParams). Default: false. */
  readonly wide?: boolean;
  readonly warn?: (line: string) => void;
}

export interface CompareResult {
  /** The runs in the table, broken metrics.json included (status `corrupt metrics.json`). */
  readonly runs: readonly ComparedRun[];
  /**
   * Broken run folders among the inputs (run.json or metrics.json corrupt, metrics.json
   * missing): invalid inputs. The CLI exits 2 after printing the table when any.
   */
  readonly broken: readonly BrokenRun[];
  readonly table: CompareTable;
  readonly text: string;
  /** The folder of the charts and compare.html. */
  readonly out: string;
  /** compare.html's path (inside `out`). */
  readonly report: string;
}

/**
 * Compares runs. Broken run folders do not throw: they are warned about and
 * returned in `broken`, so the caller prints the table of the others first.
 * @throws UsageError (exit 2) when no valid run is found, or the --metric or --sort column does not exist.
 */
export async function compareRuns(args: readonly string[], options: CompareOptions = {}): Promise<CompareResult> {
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { dirs, warnings, emptySweeps } = await findRunDirs(args);
  warnings.forEach((w) => warn(`warning: ${w}`));
  const read = dirs.map((dir) => readRun(dir, (line) => warn(`warning: ${line}`)));
  const runs = read.flatMap((r) => (r.run === undefined ? [] : [r.run]));
  const broken = read.flatMap((r) => (r.broken === undefined ? [] : [r.broken]));
  // A sweep folder without runs: the error itself when nothing else is readable, else a warning.
  if (runs.length === 0 && broken.length === 0 && emptySweeps.length > 0) throw new UsageError(emptySweeps.join('\n'));
  emptySweeps.forEach((w) => warn(`warning: ${w}`));
  if (runs.length === 0 && broken.length > 0) throw new UsageError(brokenRunsMessage(broken, 0));
  if (runs.length === 0) throw new UsageError(message.compareNoRuns(args));
  const metric = options.metric ?? HEADLINE_METRIC;
  const perRun = buildTable(runs, options.allParams ?? false);
  const built = options.groupSeeds ?? seedsRepeat(perRun) ? groupSeeds(perRun) : perRun;
  const metricColumn = knownColumn(built, metric, 'metric');
  const sortBy = options.sort === undefined ? metricColumn : knownColumn(built, options.sort, 'sort');
  const table = sortTable(built, sortBy);
  const out = options.out ?? join('runs', `compare-${runTimestamp(new Date())}`);
  const { series, swept } = chartSeries(runs, perRun);
  const title = message.compareChartTitle(runs.length);
  const charts = {
    curves: await writeChart(out, 'curves', overlaySpec(series, title, swept)),
    test_accuracy: await writeChart(out, 'test_accuracy', testBarSpec(series, title, swept)),
  };
  const report = join(out, 'compare.html');
  const shown = displayTable(table);
  writeFileAtomic(report, compareReportHtml(message.compareReportTitle(runs.length), shown.columns, shown.rows, charts));
  // --all-params asks for every setting: fitting the terminal would leave them out again.
  const layout = { ...(options.width !== undefined ? { width: options.width } : {}), wide: (options.wide ?? false) || (options.allParams ?? false), keep: sortBy };
  return { runs, broken, table, text: formatTable(table, options.format ?? 'table', layout), out, report };
}

/** The short headers the fitted terminal table may show, by column: `acc` for accuracy, `acc_std`, `lr`. */
function shortHeadersOf(table: CompareTable): Map<string, string> {
  const settings = shortNames(table.params);
  return new Map(table.columns.flatMap((column): [string, string][] => {
    const short = settings.get(column) ?? shortMetricHeader(column);
    return short === undefined || short === column ? [] : [[column, short]];
  }));
}

/**
 * The column `name` (--metric or --sort) means: a column, or a short header the fitted
 * terminal table shows (`lr`, `acc`).
 * @throws UsageError (exit 2) naming the option, with the closest column when one is near.
 */
function knownColumn(table: CompareTable, name: string, option: 'metric' | 'sort'): string {
  if (table.columns.includes(name)) return name;
  const shorts = [...shortHeadersOf(table)];
  const short = shorts.find(([, s]) => s === name);
  if (short !== undefined) return short[0];
  const suggestion = closestMatch(name, [...table.columns, ...shorts.map(([, s]) => s)]);
  throw new UsageError(message.compareUnknownColumn(option, name, table.columns, suggestion));
}

/** The line that ends a comparison with broken run folders among its inputs (exit 2). */
export function brokenRunsMessage(broken: readonly BrokenRun[], shown: number): string {
  return message.brokenRuns(broken.map((b) => ({ dir: printable(b.dir, Infinity), what: b.what, listed: b.file !== 'run.json' })), shown);
}
