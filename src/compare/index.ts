/**
 * `tfexp compare`, in order: find run directories (args, folders, globs) ->
 * read each robustly -> table of differing settings and metrics -> sort ->
 * format -> overlay plots (and the report) into the output folder.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { overlaySpec, testBarSpec } from '../plots/compare-spec.js';
import { writeChart } from '../plots/index.js';
import { compareReportHtml } from '../plots/report.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { runTimestamp } from '../runs/dir.js';
import { findRunDirs, readRun, type ComparedRun } from './load.js';
import { groupSeeds, seedsRepeat } from './group.js';
import { buildTable, formatTable, sortTable, type CompareTable, type Format } from './table.js';

export interface CompareOptions {
  /** Headline metric column; the default sort. Default: test_accuracy. */
  readonly metric?: string;
  /** Sort column. Default: the headline metric. */
  readonly sort?: string;
  readonly format?: Format;
  readonly allParams?: boolean;
  /** One row per grid point with mean and std over seeds. Default: when seeds repeat. */
  readonly groupSeeds?: boolean;
  /** Output folder for plots. Default: runs/compare-<timestamp>/. */
  readonly out?: string;
  readonly warn?: (line: string) => void;
}

export interface CompareResult {
  readonly runs: readonly ComparedRun[];
  readonly table: CompareTable;
  readonly text: string;
  readonly out: string;
}

/**
 * Compares runs.
 * @throws UsageError (exit 2) when no valid run is found, or the sort column does not exist.
 */
export async function compareRuns(args: readonly string[], options: CompareOptions = {}): Promise<CompareResult> {
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { dirs, warnings } = await findRunDirs(args);
  warnings.forEach((w) => warn(`warning: ${w}`));
  const runs = dirs.flatMap((dir) => readRun(dir, (line) => warn(`warning: ${line}`)) ?? []);
  if (runs.length === 0) throw new UsageError(`no run directories found in ${args.join(' ')}; give run folders (runs/<id>), a folder of runs (runs/) or a glob ('runs/2026*')`);
  const metric = options.metric ?? 'test_accuracy';
  const perRun = buildTable(runs, options.allParams ?? false);
  const built = options.groupSeeds ?? seedsRepeat(perRun) ? groupSeeds(perRun) : perRun;
  const sortBy = options.sort ?? metric;
  if (!built.columns.includes(sortBy)) throw new UsageError(`cannot sort by "${sortBy}": columns are ${built.columns.join(', ')}`);
  const table = sortTable(built, sortBy);
  const out = options.out ?? join('runs', `compare-${runTimestamp(new Date())}`);
  const series = runs.flatMap((r) => (r.metrics === null ? [] : [{ run: r.info.id, metrics: r.metrics }]));
  const title = `${runs.length} runs`;
  const charts = {
    curves: await writeChart(out, 'curves', overlaySpec(series, title)),
    test_accuracy: await writeChart(out, 'test_accuracy', testBarSpec(series, title)),
  };
  writeFileAtomic(join(out, 'compare.html'), compareReportHtml(`Comparison of ${title}`, table.columns, table.rows, charts));
  return { runs, table, text: formatTable(table, options.format ?? 'table'), out };
}
