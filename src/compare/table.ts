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

/** The first column: what tells the run apart (labels.ts). */
export const LABEL_COLUMN = 'label';
/** The run's folder name (its id); the terminal table shows it with --wide only. */
export const RUN_COLUMN = 'run';

/** The name a run's label starts with: its sweep's experiment, else its experiment's name, else its id. */
export function labelName(run: ComparedRun): string {
  const name = run.experiment?.name ?? run.info.name;
  return run.sweep ?? (typeof name === 'string' && name !== '' ? name : String(run.info.id ?? run.dir));
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
 * monitor when that is not DEFAULT_BEST_MONITOR (`2 (loss)`), and no `best_monitor` column.
 */
export function displayTable(table: CompareTable): CompareTable {
  const epoch = table.columns.indexOf('best_epoch');
  const monitor = table.columns.indexOf('best_monitor');
  if (monitor < 0) return table;
  const rows = table.rows.map((row) => {
    const m = row[monitor] ?? null;
    const e = row[epoch] ?? null;
    const cells = [...row];
    if (epoch >= 0 && typeof e === 'number' && typeof m === 'string' && m !== DEFAULT_BEST_MONITOR) cells[epoch] = message.bestEpochCell(e, m);
    return cells.filter((_, i) => i !== monitor);
  });
  return { ...table, columns: table.columns.filter((_, i) => i !== monitor), rows };
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
  /** The terminal's width, display columns. Default: DEFAULT_WIDTH (120). */
  readonly width?: number;
  /** Every column, every cell in full (`--wide`): the run folder too, nothing cut or moved. Default: false. */
  readonly wide?: boolean;
}

/** Narrowest a label becomes, display columns (enough for `baseline-adam lr=0.0003`). */
const MIN_LABEL = 24;
/** Narrowest the model string becomes. */
const MIN_MODEL = 12;
/** Narrowest a setting's cells become. */
const MIN_SETTING = 8;
/** Settings left out before anything is cut: the name (each label starts with it) and prose. */
const DROP_FIRST = ['name', 'description'];

/**
 * Short headers of the metric columns, used with the settings' short names when the
 * table does not fit (`acc` as Keras spells accuracy). `--sort` takes them too.
 */
export const SHORT_METRIC_HEADERS: Readonly<Record<string, string>> = {
  accuracy: 'acc',
  best_val_accuracy: 'best_val_acc',
  best_epoch: 'best_ep',
  test_accuracy: 'test_acc',
};

/**
 * The terminal table. With `wide`, every column in full. Otherwise it fits `width`
 * display columns and never wraps a row, by these steps, each only while the
 * table is still too wide:
 *  1. the run folder is left out (always: the label names the run);
 *  2. columns other than settings with one value in every run move to a line
 *     under the table: "same in every run: status completed, epochs 2";
 *  3. short headers: settings by their short names (`lr` for
 *     `train.optimizer.learning_rate`, `optimizer` for `train.optimizer.type`: labels.ts),
 *     metrics as SHORT_METRIC_HEADERS (`acc`);
 *     a line under the table says which;
 *  4. the `name` setting goes (each label starts with it), then the description;
 *  5. text shrinks, cut with "…", widest first: the label and the model string
 *     (down to MIN_LABEL, MIN_MODEL), then the other settings (MIN_SETTING);
 *  6. one space between columns instead of two;
 *  7. settings columns are left out, those that set the fewest runs apart from
 *     the rest first (the widest of equals first), the model last.
 * A line under the table lists the columns left out.
 * Numbers (and settings that are numbers) are never cut: if they alone are too
 * wide, so is the row.
 */
function terminalTable(data: CompareTable, layout: TableLayout): string {
  const table = displayTable(data);
  const limit = layout.width ?? DEFAULT_WIDTH;
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
  const total = () => widthsOf().reduce((a, b) => a + b, 0) + gap * Math.max(0, shown.length - 1);
  const fits = () => total() <= limit;

  if (!wide) {
    if (labelled) shown = shown.filter((i) => table.columns[i] !== RUN_COLUMN);
    if (!fits() && table.rows.length > 1) {
      const constant = shown.filter((i) => table.columns[i] !== LABEL_COLUMN && !params.has(table.columns[i]!) && new Set(body.map((r) => r[i])).size === 1);
      for (const i of constant) same.push([names[i]!, body[0]![i]!]);
      shown = shown.filter((i) => !constant.includes(i));
    }
    // A short name that is another column's name (train.epochs -> epochs) keeps the full path.
    const shortHeader = (c: string, i: number) => {
      const name = params.has(c) ? short.get(c)! : (SHORT_METRIC_HEADERS[c] ?? names[i]!);
      return name !== c && table.columns.includes(name) ? names[i]! : name;
    };
    if (!fits()) header = table.columns.map(shortHeader);
    const leaveOut = (i: number) => {
      shown = shown.filter((k) => k !== i);
      leftOut.push(table.columns[i]!);
    };
    for (const column of labelled ? DROP_FIRST : []) {
      const i = table.columns.indexOf(column);
      if (!fits() && shown.includes(i) && params.has(column)) leaveOut(i);
    }
    if (!fits()) shrink = true;
    if (!fits()) gap = 1;
    while (!fits()) {
      const settings = shown.filter((i) => params.has(table.columns[i]!));
      const others = settings.filter((i) => table.columns[i] !== MODEL_COLUMN);
      // How many runs a setting sets apart: those whose value is not the most common one.
      const apart = (i: number) => {
        const counts = new Map<string, number>();
        for (const r of body) counts.set(r[i]!, (counts.get(r[i]!) ?? 0) + 1);
        return body.length - Math.max(...counts.values());
      };
      others.sort((a, b) => apart(a) - apart(b) || Math.max(stringWidth(header[b]!), cellsWidth(b)) - Math.max(stringWidth(header[a]!), cellsWidth(a)));
      const next = others[0] ?? settings[0];
      if (next === undefined) break;
      leaveOut(next);
    }
  }

  const widths = widthsOf();
  const cut = shown.some((i, k) => widths[k]! < Math.max(stringWidth(header[i]!), cellsWidth(i)));
  const line = (cells: readonly string[], isHeader: boolean) =>
    shown
      .map((i, k) => {
        const w = widths[k]!;
        return pad(truncateEnd(cells[i]!, w), w, numeric[i]!);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const lines = [line(header, true), ...body.map((r) => line(r, false))];
  const renamed = shown.flatMap((i) => (header[i] !== names[i] ? [[header[i]!, names[i]!] as const] : []));
  const notes = [
    ...(same.length > 0 ? [message.sameInEveryRun(same)] : []),
    ...(renamed.length > 0 ? [message.shortHeaders(renamed)] : []),
    ...(leftOut.length > 0 ? [message.leftOutToFit(limit, leftOut)] : []),
    ...(cut || leftOut.length > 0 || renamed.length > 0 ? [message.WIDE_HINT] : []),
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
