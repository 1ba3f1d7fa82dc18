/**
 * `GET /api/runs`: the runs table (pure). Its cells come from compare's table of all
 * runs (src/compare/table.ts: labels, status, the settings that differ between the
 * listed runs, metrics), numbers written in the reports' formats (src/plots/format.ts),
 * each with the raw value the page sorts by.
 */
import { shortNames } from '../../compare/labels.js';
import type { ComparedRun } from '../../compare/load.js';
import { LABEL_COLUMN, type Cell, type CompareTable } from '../../compare/table.js';
import { cellNumber, columnFormat, formatNumber } from '../../plots/format.js';
import { liveStatus, type LivenessFields } from '../../runs/liveness.js';
import type { IndexedRun, RunIndex, SweepSummary } from '../store.js';

/** A status the page filters by and colours its dot with. */
export type StatusKind = 'running' | 'completed' | 'failed' | 'interrupted' | 'stale' | 'corrupt' | 'unknown';

/** One cell: what the page shows (`t`) and what it sorts by (`v`: numbers as numbers). */
export interface ListCell {
  readonly t: string;
  readonly v: string | number | null;
}

export interface ListColumn {
  /** compare's column name (`test_accuracy`, `train.optimizer.learning_rate`), or `started`. */
  readonly name: string;
  /** The header: a setting's short name (`lr`, `bs`: compare's labels.ts), else the name. */
  readonly title: string;
  /** True for a differing setting. */
  readonly setting: boolean;
  /** Right-aligned figures. */
  readonly numeric: boolean;
}

export interface ListRow {
  readonly id: string;
  readonly status: StatusKind;
  /** The sweep folder's id when the run is one of its points, else null. */
  readonly sweep: string | null;
  readonly warnings: readonly string[];
  readonly cells: readonly ListCell[];
}

export interface ListPayload {
  readonly columns: readonly ListColumn[];
  readonly rows: readonly ListRow[];
  readonly sweeps: readonly SweepSummary[];
  /** Run folders whose run.json is unreadable (not listed), with compare's warning. */
  readonly unreadable: readonly { id: string; warning: string }[];
}

/** The metric columns of compare's table the runs table shows, in order, after status, label and start. */
export const LIST_METRICS = ['duration_s', 'backend', 'epochs', 'test_accuracy', 'test_loss', 'best_val_accuracy'] as const;

/** The status a run's dot and filter show. */
export function statusKind(run: ComparedRun): StatusKind {
  if (run.problem !== null) return 'corrupt';
  const status = run.info.status === undefined ? 'unknown' : liveStatus(run.info as LivenessFields);
  return (['running', 'completed', 'failed', 'interrupted', 'stale'] as const).find((s) => s === status) ?? 'unknown';
}

/** A column's cells: numbers in the column's report format, text as is, "-" for none. */
function columnCells(column: string, values: readonly Cell[]): ListCell[] {
  const numbers = values.flatMap((v) => (column === 'backend' ? [] : (cellNumber(v) ?? [])));
  const format = columnFormat(column, numbers);
  return values.map((v) => {
    if (v === null) return { t: '-', v: null };
    const n = column === 'backend' ? undefined : cellNumber(v);
    return n === undefined ? { t: String(v), v: String(v) } : { t: typeof v === 'string' ? v : formatNumber(n, format), v: n };
  });
}

/**
 * The payload.
 * @param compared the table of every readable run and their ids, in the same order (RunIndex.compared).
 * @param all every indexed run (their warnings; those without a readable run.json).
 */
export function listPayload(compared: { runs: readonly ComparedRun[]; ids: readonly string[]; table: CompareTable }, all: readonly IndexedRun[], sweeps: readonly SweepSummary[]): ListPayload {
  const { runs, ids, table } = compared;
  const at = (name: string) => table.columns.indexOf(name);
  const names = [LABEL_COLUMN, 'started', ...LIST_METRICS, ...table.params];
  const values = (name: string): Cell[] => {
    if (name === 'started') return runs.map((r) => (typeof r.info.started_at === 'string' ? r.info.started_at : null));
    return table.rows.map((row) => row[at(name)] ?? null);
  };
  const cellsByColumn = names.map((name) => (name === 'started' ? values(name).map((v) => ({ t: v === null ? '-' : String(v), v })) : columnCells(name, values(name))));
  // A running run's epochs read "3 of 10" (sorted by the 3).
  const epochs = names.indexOf('epochs');
  runs.forEach((r, i) => {
    const planned = r.info.epochs_planned;
    const cell = cellsByColumn[epochs]![i]!;
    if (statusKind(r) === 'running' && typeof planned === 'number') cellsByColumn[epochs]![i] = { t: `${cell.v ?? 0} of ${planned}`, v: cell.v ?? 0 };
  });
  const byId = new Map(all.map((r) => [r.id, r]));
  const short = shortNames(table.params);
  const columns = names.map((name, k) => ({
    name,
    title: short.get(name) ?? name,
    setting: table.params.includes(name),
    numeric: name !== 'started' && cellsByColumn[k]!.some((c) => typeof c.v === 'number') && cellsByColumn[k]!.every((c) => c.v === null || typeof c.v === 'number'),
  }));
  const rows = runs.map((r, i) => ({
    id: ids[i]!,
    status: statusKind(r),
    sweep: r.sweep === null ? null : ids[i]!.split('/').slice(0, -1).join('/') || null,
    warnings: byId.get(ids[i]!)?.warnings ?? [],
    cells: [{ t: String(table.rows[i]![at('status')] ?? '-'), v: String(table.rows[i]![at('status')] ?? '') }, ...cellsByColumn.map((c) => c[i]!)],
  }));
  return {
    columns: [{ name: 'status', title: 'status', setting: false, numeric: false }, ...columns],
    rows,
    sweeps,
    unreadable: all.filter((r) => r.run === undefined).map((r) => ({ id: r.id, warning: r.warnings[0] ?? '' })),
  };
}

/**
 * The payload as JSON, built once per change of the index (formatting 1,000 rows takes a
 * while): `tfexp ui` warms it after reading the folder and after each batch of changes,
 * before telling the pages, so their fetch finds it ready.
 */
export class ListCache {
  private built: { version: number; json: string } | undefined;

  constructor(private readonly index: RunIndex) {}

  /** The JSON of `GET /api/runs`, rebuilt when the index changed since the last call. */
  json(): string {
    const { index } = this;
    if (this.built?.version !== index.version) this.built = { version: index.version, json: JSON.stringify(listPayload(index.compared(), index.all(), index.sweeps())) };
    return this.built.json;
  }
}
