/**
 * `tfexp compare`, in order: find run directories (args, folders, globs) ->
 * read each robustly -> table of differing settings and metrics -> sort ->
 * format -> overlay plots (and the report) into the output folder.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { overlaySpec, testBarSpec } from '../plots/compare-spec.js';
import { writeChart } from '../plots/index.js';
import { compareReportHtml } from '../plots/report.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { runTimestamp } from '../runs/dir.js';
import { findRunDirs, printable, readRun, type BrokenRun, type ComparedRun } from './load.js';
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
  /** The runs in the table, broken metrics.json included (status `corrupt metrics.json`). */
  readonly runs: readonly ComparedRun[];
  /**
   * Broken run folders among the inputs (run.json or metrics.json corrupt, metrics.json
   * missing): invalid inputs. The CLI exits 2 after printing the table when any.
   */
  readonly broken: readonly BrokenRun[];
  readonly table: CompareTable;
  readonly text: string;
  readonly out: string;
}

/**
 * Compares runs. Broken run folders do not throw: they are warned about and
 * returned in `broken`, so the caller prints the table of the others first.
 * @throws UsageError (exit 2) when no valid run is found, or the sort column does not exist.
 */
export async function compareRuns(args: readonly string[], options: CompareOptions = {}): Promise<CompareResult> {
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { dirs, warnings } = await findRunDirs(args);
  warnings.forEach((w) => warn(`warning: ${w}`));
  const read = dirs.map((dir) => readRun(dir, (line) => warn(`warning: ${line}`)));
  const runs = read.flatMap((r) => (r.run === undefined ? [] : [r.run]));
  const broken = read.flatMap((r) => (r.broken === undefined ? [] : [r.broken]));
  if (runs.length === 0 && broken.length > 0) throw new UsageError(brokenRunsMessage(broken, 0));
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
  return { runs, broken, table, text: formatTable(table, options.format ?? 'table'), out };
}

/** The line that ends a comparison with broken run folders among its inputs (exit 2). */
export function brokenRunsMessage(broken: readonly BrokenRun[], shown: number): string {
  return message.brokenRuns(broken.map((b) => ({ dir: printable(b.dir, Infinity), what: b.what, listed: b.file !== 'run.json' })), shown);
}
