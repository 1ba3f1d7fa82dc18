/** The comparison table: one row per run, the differing settings, then the metrics. */
import { stringify } from 'csv-stringify/sync';
import stringWidth from 'string-width';
import * as message from '../log/message.js';
import { liveStatus, type LivenessFields } from '../runs/liveness.js';
import { printable, type ComparedRun } from './load.js';
import { paramColumns } from './params.js';

export const FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

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

/** The best validation accuracy and its epoch, or nulls when there is no validation. */
function bestValAccuracy(run: ComparedRun): [number | null, number | null] {
  let best: [number | null, number | null] = [null, null];
  for (const record of run.metrics?.history ?? []) {
    const v = record.val_accuracy;
    if (v !== undefined && (best[0] === null || v > best[0])) best = [v, record.epoch ?? null];
  }
  return [round(best[0] ?? undefined), best[1]];
}

/**
 * Builds the table.
 * @param allParams show every setting, not only those that differ.
 */
export function buildTable(runs: readonly ComparedRun[], allParams = false): CompareTable {
  const { paths, values } = paramColumns(runs.map((r) => r.experiment), allParams);
  const columns = ['run', 'status', ...paths, 'epochs', 'loss', 'accuracy', 'best_val_accuracy', 'best_epoch', 'test_accuracy', 'test_loss', 'params', 'duration_s', 'backend'];
  const rows = runs.map((run, i) => {
    const final = last(run.metrics?.history ?? []);
    const [bestVal, bestEpoch] = bestValAccuracy(run);
    const backend = run.info.backend as Parameters<typeof message.backendCell>[0] | null;
    return [
      run.info.id ?? run.dir,
      run.problem ?? (run.info.status === undefined ? null : message.statusCell(liveStatus(run.info as LivenessFields))),
      ...values[i]!,
      run.metrics?.history.length ?? null,
      round(final?.loss),
      round(final?.accuracy),
      bestVal,
      bestEpoch,
      round(run.metrics?.test?.accuracy),
      round(run.metrics?.test?.loss),
      run.info.params?.total ?? null,
      run.info.duration_seconds === null || run.info.duration_seconds === undefined ? null : Math.round(run.info.duration_seconds),
      backend === null ? null : message.backendCell(backend),
    ] as Cell[];
  });
  return { columns, rows, params: paths };
}

/** Sorts rows by `column`: losses and durations ascending, everything else descending; empty cells last. */
export function sortTable(table: CompareTable, column: string): CompareTable {
  const index = table.columns.indexOf(column);
  if (index < 0) return table;
  const ascending = /loss|duration|params|run|status/.test(column);
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

/** The table in one of the formats. */
export function formatTable(table: CompareTable, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null]))), null, 2)}\n`;
    case 'csv':
      return stringify([table.columns, ...table.rows.map((row) => row.map((c) => (c === null ? '' : c)))]);
    case 'markdown': {
      const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
      return [line(table.columns), line(table.columns.map(() => '---')), ...table.rows.map((r) => line(r.map(text)))].join('\n') + '\n';
    }
    case 'table': {
      const cells = [table.columns.map((c) => text(c)), ...table.rows.map((r) => r.map(text))];
      const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => stringWidth(r[i]!))));
      const numeric = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'number'));
      return cells.map((r) => r.map((c, i) => pad(c, widths[i]!, numeric[i]!)).join('  ').trimEnd()).join('\n') + '\n';
    }
  }
}
