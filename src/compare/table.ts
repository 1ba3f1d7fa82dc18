/** The comparison table: one row per run, the differing settings, then the metrics. */
import { stringify } from 'csv-stringify/sync';
import stringWidth from 'string-width';
import * as message from '../log/message.js';
import { NUMBER_TEXT } from '../plots/format.js';
import { liveStatus, type LivenessFields } from '../runs/liveness.js';
import { DEFAULT_WIDTH, fitColumns, truncateEnd, type FitColumn } from './fit.js';
import { printable, type ComparedRun } from './load.js';
import type { Format } from './formats.js';
import { runLabels, shortNames } from './labels.js';
import { MODEL_COLUMN, paramColumns } from './params.js';

export { FORMATS, type Format } from './formats.js';

/** A table cell: numbers stay numbers (for JSON and sorting); null is "-". */
export type Cell = string | number | null;

export interface CompareTable {
  readonly columns: string[];
  readonly rows: Cell[][];
  /** The columns that are differing settings (dotted paths). */
  readonly params: string[];
}

const last = <T>(list: readonly T[]): T | undefined => list[list.length - 1];
const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10000) / 10000);

/** The monitor of `best_epoch` when the runs have validation: the `best_val_accuracy` column's. */
export const DEFAULT_BEST_MONITOR = 'val_accuracy';

/**
 * The best validation accuracy, its epoch and the epoch's monitor (DEFAULT_BEST_MONITOR).
 * Without validation accuracy: no accuracy, and the best epoch metrics.json recorded
 * with its monitor (`loss`); nulls when neither.
 */
function bestValAccuracy(run: ComparedRun): [number | null, number | null, string | null] {
  let best: [number | null, number | null] = [null, null];
  for (const record of run.metrics?.history ?? []) {
    const v = record.val_accuracy;
    if (v !== undefined && (best[0] === null || v > best[0])) best = [v, record.epoch ?? null];
  }
  const recorded = run.metrics?.best;
  if (best[0] === null && recorded !== null && recorded !== undefined && typeof recorded.epoch === 'number') {
    return [null, recorded.epoch, typeof recorded.monitor === 'string' ? recorded.monitor : null];
  }
  return [round(best[0] ?? undefined), best[1], best[0] === null ? null : DEFAULT_BEST_MONITOR];
}

/** The headline metric: `tfexp compare`'s default --metric (and sort), the dashboard's default parallel-coordinates axis. */
export const HEADLINE_METRIC = 'test_accuracy';

/** The first column: what tells the run apart (labels.ts). */
export const LABEL_COLUMN = 'label';
/** The run's folder name (its id); the terminal table shows it with --wide only. */
export const RUN_COLUMN = 'run';

/**
 * The name a run's label starts with: a sweep point's sweep experiment (not `<name>-<index>`);
 * else its run.json `name` (`--name`, or the experiment's name), else the experiment's
 * name, else its id.
 */
export function labelName(run: ComparedRun): string {
  if (run.sweep !== null) return run.sweep;
  const named = (name: unknown) => (typeof name === 'string' && name !== '' ? name : undefined);
  return named(run.info.name) ?? named(run.experiment?.name) ?? String(run.info.id ?? run.dir);
}

/**
 * Builds the table: label, run (the folder), status, the differing settings (one
 * `model` column of architecture strings when the layer stacks differ), then the metrics.
 * Cells are data (csv, json): `best_epoch` a number, its monitor in `best_monitor`;
 * `displayTable` joins the two for people.
 * @param allParams show every setting, not only those that differ.
 */
export function buildTable(runs: readonly ComparedRun[], allParams = false): CompareTable {
  const { paths, values } = paramColumns(runs.map((r) => r.experiment), allParams);
  const labels = runLabels(runs.map((run, i) => ({ name: labelName(run), values: new Map(paths.map((p, j) => [p, values[i]![j]!])) })), paths);
  const columns = [LABEL_COLUMN, RUN_COLUMN, 'status', ...paths, 'epochs', 'loss', 'accuracy', 'best_val_accuracy', 'best_epoch', 'best_monitor', 'test_accuracy', 'test_loss', 'params', 'duration_s', 'backend'];
  const rows = runs.map((run, i) => {
    const final = last(run.metrics?.history ?? []);
    const [bestVal, bestEpoch, bestMonitor] = bestValAccuracy(run);
    // run.json is read as is: an older or hand-written one may lack `backend`.
    const backend = (run.info.backend ?? null) as Parameters<typeof message.backendCell>[0] | null;
    return [
      labels[i]!,
      run.info.id ?? run.dir,
      run.problem ?? (run.info.status === undefined ? null : message.statusCell(liveStatus(run.info as LivenessFields))),
      ...values[i]!,
      run.metrics?.history.length ?? null,
      round(final?.loss),
      round(final?.accuracy),
      bestVal,
      bestEpoch,
      bestMonitor,
      round(run.metrics?.test?.accuracy),
      round(run.metrics?.test?.loss),
      run.info.params?.total ?? null,
      run.info.duration_seconds === null || run.info.duration_seconds === undefined ? null : Math.round(run.info.duration_seconds * 10) / 10,
      backend === null ? null : message.backendCell(backend),
    ] as Cell[];
  });
  return { columns, rows, params: paths };
}

/**
 * The table as people read it (the terminal table, compare.html): `best_epoch` with its
 * monitor when that is not DEFAULT_BEST_MONITOR (`2 (loss)`), and no `best_monitor` column;
 * metric columns without a value in any row (`best_val_accuracy` when no run has
 * validation) are left out: a column of `-` says nothing.
 */
export function displayTable(table: CompareTable): CompareTable {
  const epoch = table.columns.indexOf('best_epoch');
  const monitor = table.columns.indexOf('best_monitor');
  const rows = table.rows.map((row) => {
    const m = monitor < 0 ? null : (row[monitor] ?? null);
    const e = row[epoch] ?? null;
    const cells = [...row];
    if (epoch >= 0 && typeof e === 'number' && typeof m === 'string' && m !== DEFAULT_BEST_MONITOR) cells[epoch] = message.bestEpochCell(e, m);
    return cells;
  });
  const always = new Set([LABEL_COLUMN, RUN_COLUMN, ...table.params]);
  const kept = table.columns.flatMap((c, i) => (i !== monitor && (always.has(c) || rows.some((r) => (r[i] ?? null) !== null)) ? [i] : []));
  return { ...table, columns: kept.map((i) => table.columns[i]!), rows: rows.map((r) => kept.map((i) => r[i] ?? null)) };
}

/** Sorts rows by `column`: losses and durations ascending, everything else descending; empty cells last. */
export function sortTable(table: CompareTable, column: string): CompareTable {
  const index = table.columns.indexOf(column);
  if (index < 0) return table;
  const ascending = /loss|duration|params|run|label|status/.test(column);
  const rows = [...table.rows].sort((a, b) => {
    const x = a[index] ?? null;
    const y = b[index] ?? null;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  return { ...table, rows };
}

/** A cell as text for the terminal formats: "-" for null; control characters (a newline in a description) escaped. */
const text = (cell: Cell) => (cell === null ? '-' : printable(String(cell), Infinity));

/**
 * Pads `cell` to `width` terminal columns: by display width (string-width), so
 * wide characters (CJK: two columns each) and combining marks line up.
 */
function pad(cell: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(cell)));
  return right ? fill + cell : cell + fill;
}

/** How the terminal table is laid out. */
export interface TableLayout {
  /** The terminal's width, display columns; below MIN_WIDTH the table is laid out for MIN_WIDTH. Default: DEFAULT_WIDTH (120). */
  readonly width?: number;
  /** Every column, every cell in full (`--wide`): the run folder too, nothing cut or moved. Default: false. */
  readonly wide?: boolean;
  /** The column left out last when numbers alone are too wide: the sort column (the headline metric). */
  readonly keep?: string;
}

/**
 * The narrowest terminal the fitted table is laid out for, display columns: at this
 * width and wider no row is wider than the terminal; a narrower one gets a table this
 * wide (its rows then wrap).
 */
export const MIN_WIDTH = 40;
/** Narrowest a label becomes, display columns (enough for `baseline-adam lr=0.0003`). */
const MIN_LABEL = 24;
/** Narrowest the model string becomes. */
const MIN_MODEL = 12;
/** Narrowest a setting's cells become. */
const MIN_SETTING = 8;
/** Settings left out before anything is cut: the name (when each label starts with it) and prose. */
const DROP_FIRST = ['name', 'description'];

/**
 * The columns other than the label and the settings, in the order they are left out
 * when even their numbers do not fit (step 8 of terminalTable): a metric's `_std`
 * (grouped seeds) just before it, columns not listed here before all of these, and
 * the sort column (the headline metric, test_accuracy by default) last of all.
 */
export const METRIC_DROP_ORDER: readonly string[] = ['backend', 'duration_s', 'params', 'seeds', 'epochs', 'best_epoch', 'test_loss', 'loss', 'accuracy', 'best_val_accuracy', 'status', 'test_accuracy'];

/**
 * Short headers of the metric columns, used with the settings' short names when the
 * table does not fit (`acc` as Keras spells accuracy; `acc_std` for `accuracy_std`:
 * shortMetricHeader). `--sort` and `--metric` take them too.
 */
export const SHORT_METRIC_HEADERS: Readonly<Record<string, string>> = {
  accuracy: 'acc',
  best_val_accuracy: 'best_val_acc',
  best_epoch: 'best_ep',
  test_accuracy: 'test_acc',
};

/** The short header of a metric column (`acc`, `acc_std`), or undefined when it has none. */
export function shortMetricHeader(column: string): string | undefined {
  const std = /^(.+)_std$/.exec(column)?.[1];
  if (std !== undefined) return SHORT_METRIC_HEADERS[std] === undefined ? undefined : `${SHORT_METRIC_HEADERS[std]}_std`;
  return SHORT_METRIC_HEADERS[column];
}

/**
 * The terminal table. With `wide`, every column in full. Otherwise it fits `width`
 * display columns (at least MIN_WIDTH) and never wraps a row, by these steps, each
 * only while the table is still too wide:
 *  1. the run folder is left out (always: the label names the run);
 *  2. columns other than settings with one value in every run move to a line
 *     under the table: "same in every run: status completed, epochs 2"; a `_std`
 *     column (grouped seeds) never moves there: it goes with its metric, left out
 *     when the metric moves, and stays in the table otherwise;
 *  3. short headers: settings by their short names (`lr` for
 *     `train.optimizer.learning_rate`, `optimizer` for `train.optimizer.type`: labels.ts),
 *     metrics as SHORT_METRIC_HEADERS (`acc`, `acc_std`);
 *     a line under the table says which;
 *  4. the `name` setting goes (when each label starts with it: not when runs were
 *     named with --name), then the description;
 *  5. text shrinks, cut with "…", widest first: the label and the model string
 *     (down to MIN_LABEL, MIN_MODEL), then the other settings (MIN_SETTING);
 *  6. one space between columns instead of two;
 *  7. settings columns are left out, those that set the fewest runs apart from
 *     the rest first (the widest of equals first), the model (and a sorted-by setting) last;
 *  8. the other columns (numbers, status) are left out in METRIC_DROP_ORDER, the
 *     sort column last. A table of grouped seeds (no label column: its settings name
 *     its rows) takes step 8 before step 7, the sort column after the settings.
 * A line under the table lists the columns left out. The label is never left out.
 * Numbers are never cut, except that a lone column still wider than the table
 * (only possible below MIN_WIDTH's guarantees, e.g. a huge number) is cut to fit.
 * Metric columns empty in every row are not shown at all (displayTable).
 */
function terminalTable(data: CompareTable, layout: TableLayout): string {
  const table = displayTable(data);
  const limit = Math.max(layout.width ?? DEFAULT_WIDTH, MIN_WIDTH);
  const wide = layout.wide ?? false;
  const params = new Set(table.params);
  const names = table.columns.map((c) => text(c));
  const body = table.rows.map((r) => r.map(text));
  const cellWidths = table.columns.map((_, i) => Math.max(0, ...body.map((r) => stringWidth(r[i]!))));
  const cellsWidth = (i: number) => cellWidths[i]!;
  const numeric = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'number'));
  const numberText = table.columns.map((_, i) => body.every((r) => r[i] === '-' || NUMBER_TEXT.test(r[i]!)));
  const short = shortNames(table.params);
  const labelled = table.columns.includes(LABEL_COLUMN);
  /** The metric a `_std` column is the deviation of, when the table has it. */
  const stdOf = (column: string) => (column.endsWith('_std') && table.columns.includes(column.slice(0, -4)) ? column.slice(0, -4) : undefined);

  let shown = table.columns.map((_, i) => i);
  let header = names;
  let gap = 2;
  let shrink = false;
  const same: [string, string][] = [];
  const leftOut: string[] = [];
  const fitOf = (i: number): FitColumn => {
    const natural = Math.max(stringWidth(header[i]!), cellsWidth(i));
    const column = table.columns[i]!;
    if (!shrink || numeric[i]) return { natural, min: natural, group: 0 };
    if (column === LABEL_COLUMN) return { natural, min: Math.min(natural, MIN_LABEL), group: 0 };
    if (column === MODEL_COLUMN) return { natural, min: Math.min(natural, MIN_MODEL), group: 0 };
    if (!params.has(column)) return { natural, min: natural, group: 0 };
    const cellMin = numberText[i] ? cellsWidth(i) : Math.min(cellsWidth(i), MIN_SETTING);
    const headerMin = Math.min(stringWidth(header[i]!), Math.max(cellMin, 4));
    return { natural, min: Math.min(natural, Math.max(cellMin, headerMin)), group: 1 };
  };
  const widthsOf = () => fitColumns(shown.map(fitOf), limit, gap);
  const rowWidth = (widths: readonly number[]) => widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, widths.length - 1);
  const fits = () => rowWidth(widthsOf()) <= limit;

  if (!wide) {
    if (labelled) shown = shown.filter((i) => table.columns[i] !== RUN_COLUMN);
    if (!fits() && table.rows.length > 1) {
      const constant = shown.filter((i) => {
        const column = table.columns[i]!;
        return column !== LABEL_COLUMN && !params.has(column) && stdOf(column) === undefined && new Set(body.map((r) => r[i])).size === 1;
      });
      const moved = new Set(constant.map((i) => table.columns[i]!));
      for (const i of constant) same.push([names[i]!, body[0]![i]!]);
      // A constant metric's deviation goes with it, unsaid: it is about the runs of one row, not a setting.
      shown = shown.filter((i) => !moved.has(table.columns[i]!) && !moved.has(stdOf(table.columns[i]!) ?? ''));
    }
    // A short name that is another column's name (train.epochs -> epochs) keeps the full path.
    const shortHeader = (c: string, i: number) => {
      const name = params.has(c) ? short.get(c)! : (shortMetricHeader(c) ?? names[i]!);
      return name !== c && table.columns.includes(name) ? names[i]! : name;
    };
    if (!fits()) header = table.columns.map(shortHeader);
    const leaveOut = (i: number) => {
      shown = shown.filter((k) => k !== i);
      leftOut.push(table.columns[i]!);
    };
    // The name setting goes first only where the labels say it (a run named by --name is labelled by that).
    const label = table.columns.indexOf(LABEL_COLUMN);
    const saidByLabels = (i: number) => table.columns[i] !== 'name' || table.rows.every((r) => r[i] === null || String(r[label]).startsWith(String(r[i])));
    for (const column of labelled ? DROP_FIRST : []) {
      const i = table.columns.indexOf(column);
      if (!fits() && shown.includes(i) && params.has(column) && saidByLabels(i)) leaveOut(i);
    }
    if (!fits()) shrink = true;
    if (!fits()) gap = 1;
    // How many runs a setting sets apart: those whose value is not the most common one.
    const apart = (i: number) => {
      const counts = new Map<string, number>();
      for (const r of body) counts.set(r[i]!, (counts.get(r[i]!) ?? 0) + 1);
      return body.length - Math.max(...counts.values());
    };
    const naturalWidth = (i: number) => Math.max(stringWidth(header[i]!), cellsWidth(i));
    const nextSetting = () => {
      const settings = shown.filter((i) => params.has(table.columns[i]!));
      const others = settings.filter((i) => table.columns[i] !== MODEL_COLUMN);
      const kept = (i: number) => (table.columns[i] === layout.keep ? 1 : 0);
      others.sort((a, b) => kept(a) - kept(b) || apart(a) - apart(b) || naturalWidth(b) - naturalWidth(a));
      return others[0] ?? settings[0];
    };
    const dropRank = (column: string) => {
      if (column === layout.keep) return Infinity;
      const metric = stdOf(column) ?? column;
      const at = METRIC_DROP_ORDER.indexOf(metric);
      return at < 0 ? -1 : 2 * at + (metric === column ? 1 : 0);
    };
    const nextMetric = (withKept: boolean) => {
      const metrics = shown.filter((i) => table.columns[i] !== LABEL_COLUMN && !params.has(table.columns[i]!) && (withKept || table.columns[i] !== layout.keep));
      // Stable: columns of one rank go left to right.
      metrics.sort((a, b) => dropRank(table.columns[a]!) - dropRank(table.columns[b]!));
      return metrics[0];
    };
    while (!fits() && shown.length > 1) {
      const next = labelled ? (nextSetting() ?? nextMetric(true)) : (nextMetric(false) ?? nextSetting() ?? nextMetric(true));
      if (next === undefined) break;
      leaveOut(next);
    }
  }

  const widths = widthsOf();
  // Last resort, when one column alone is wider than the table: cut the widest column.
  while (!wide && rowWidth(widths) > limit) {
    const k = widths.indexOf(Math.max(...widths));
    if (widths[k]! <= 1) break;
    widths[k] = widths[k]! - 1;
  }
  const cut = shown.some((i, k) => widths[k]! < Math.max(stringWidth(header[i]!), cellsWidth(i)));
  const line = (cells: readonly string[]) =>
    shown
      .map((i, k) => {
        const w = widths[k]!;
        return pad(truncateEnd(cells[i]!, w), w, numeric[i]!);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const lines = [line(header), ...body.map((r) => line(r))];
  const renamed = shown.flatMap((i) => (header[i] !== names[i] ? [[header[i]!, names[i]!] as const] : []));
  const notes = [
    ...(same.length > 0 ? [message.sameInEveryRun(same)] : []),
    ...(renamed.length > 0 ? [message.shortHeaders(renamed)] : []),
    ...(leftOut.length > 0 ? [message.leftOutToFit(limit, leftOut)] : []),
    ...(cut || leftOut.length > 0 || renamed.length > 0 ? [message.wideHint(cut)] : []),
  ];
  // Prose under the table wraps (a row never does): at ", " where it can, so `lr = train.optimizer.learning_rate` stays whole.
  return [...lines, ...notes.map((note) => message.wrapLine(note, limit, '  ', ', '))].join('\n') + '\n';
}

/**
 * The table in one of the formats. csv, json and markdown hold every column in full
 * (the run folder included); `layout` shapes the terminal table only.
 */
export function formatTable(table: CompareTable, format: Format, layout: TableLayout = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null]))), null, 2)}\n`;
    case 'csv':
      return stringify([table.columns, ...table.rows.map((row) => row.map((c) => (c === null ? '' : c)))]);
    case 'markdown': {
      const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
      return [line(table.columns), line(table.columns.map(() => '---')), ...table.rows.map((r) => line(r.map(text)))].join('\n') + '\n';
    }
    case 'table':
      return terminalTable(table, layout);
  }
}
