/**
 * Self-contained HTML reports (pure builders): everything inline (styles, the
 * rendered SVG charts, tables), no scripts and no network, so they open from
 * file:// anywhere. Charts are vega's SVG output (hover titles on marks work),
 * scaled to the content width (up to CHART_MAX_SCALE x the size vega drew them).
 * Table numbers have one format per column (./format.ts) and are right-aligned in
 * tabular figures; long text cells wrap inside their cell, so a wide comparison
 * stays within the page instead of scrolling it sideways.
 */
import type { Evaluation } from '../evaluation/evaluation.js';
import * as message from '../log/message.js';
import type { RunInfo } from '../runs/store.js';
import { cellNumber, columnFormat, formatNumber, type NumberFormat } from './format.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** How far a chart may grow past the size vega drew it (its text grows with it). */
export const CHART_MAX_SCALE = 1.5;

/** A column with a text cell longer than this many characters is set in small type (an architecture string, a path). */
export const LONG_CELL = 24;

/**
 * compare.html turns its table a quarter (one column per run) up to this many runs, so it fits
 * the page however many settings differ; more runs get one row each, scrolling inside their box.
 */
export const TRANSPOSE_MAX_RUNS = 6;

/** Widths in the turned table: the row headers' column, and at most this much per run (rem). */
const TRANSPOSED_LABEL_REM = 15;
const TRANSPOSED_COLUMN_REM = 18;

/** Columns that hold names, never numbers, even where a value looks like one. */
const TEXT_COLUMNS: ReadonlySet<string> = new Set(['run', 'name', 'id', 'label', 'status', 'backend', 'model', 'description', 'class']);

const STYLE = [
  '*{box-sizing:border-box}',
  'body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;padding:1.5rem 2rem;color:#222;max-width:1400px;line-height:1.35}',
  'h1{margin:0 0 .2rem;font-size:1.6rem;overflow-wrap:anywhere}',
  'h2{margin:2rem 0 .6rem;border-bottom:1px solid #ddd;font-size:1.2rem}',
  'h3{margin:1.5rem 0 .4rem;font-size:1.05rem}',
  'p.sub{color:#555;margin:0 0 .8rem}',
  '.status{font-weight:bold}',
  'table{border-collapse:collapse;font-size:.9rem;max-width:100%}',
  'td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}',
  'thead th{background:#f5f5f5;vertical-align:bottom;font-size:.85rem}',
  'tbody th{background:#fafafa;font-weight:normal;color:#555;white-space:nowrap}',
  'table.transposed{table-layout:fixed;width:100%}',
  'table.transposed thead th{text-align:left;vertical-align:bottom;overflow-wrap:anywhere}',
  'table.transposed tbody th{white-space:normal;font-size:.85rem}',
  'table.transposed td{overflow-wrap:anywhere}',
  '.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}',
  'thead th.num{white-space:normal}',
  '.long{font-size:.75rem}',
  '.scroll{overflow-x:auto}',
  'code{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}',
  '.facts{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin:.5rem 0}',
  '.facts table{flex:1 1 28rem}',
  'pre{background:#f7f7f7;padding:1rem;overflow:auto;font-size:.85rem;margin:0}',
  'details{margin:.5rem 0}summary{cursor:pointer;padding:.25rem 0;font-family:"DejaVu Sans Mono",ui-monospace,monospace}',
  '.chart{margin:1rem 0}.chart svg{display:block;width:100%;height:auto}',
].join('\n');

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** A column header that may wrap after ".", "_" and "/" (`train.optimizer.learning_rate`, `best_val_accuracy`), never before a short tail (`duration_s`). */
const breakable = (text: string) => escape(text).replace(/([._/])(?=[^._/]{3})/g, '$1<wbr>');

type Cell = string | number | null | undefined;

const isEmpty = (cell: Cell) => cell === null || cell === undefined || cell === '-';

/** How each column's cells are written: its number format, and whether it is numeric (right-aligned). */
function columnStyles(columns: readonly string[], rows: readonly (readonly Cell[])[]) {
  const numberOf = (i: number, cell: Cell) => (TEXT_COLUMNS.has(columns[i]!) ? undefined : cellNumber(cell));
  return columns.map((column, i) => {
    const format: NumberFormat = columnFormat(column, rows.flatMap((r) => numberOf(i, r[i]) ?? []));
    const numeric = rows.some((r) => numberOf(i, r[i]) !== undefined) && rows.every((r) => isEmpty(r[i]) || numberOf(i, r[i]) !== undefined);
    // Small type for the whole column (or row, turned) when any of its text cells is long: one size per column.
    const long = rows.some((r) => !isEmpty(r[i]) && numberOf(i, r[i]) === undefined && String(r[i]).length > LONG_CELL);
    /** The cell's text (escaped HTML) and class. */
    const cell = (value: Cell): { html: string; className: string } => {
      if (isEmpty(value)) return { html: '-', className: numeric ? 'num' : '' };
      const n = numberOf(i, value);
      if (n !== undefined) return { html: formatNumber(n, format), className: 'num' };
      const text = String(value);
      return { html: escape(text), className: long ? 'long' : '' };
    };
    return { numeric, cell };
  });
}

const td = ({ html, className }: { html: string; className: string }) => `<td${className ? ` class="${className}"` : ''}>${html}</td>`;

/**
 * An HTML table, one row per row. Numbers (and strings that are exactly a number, as compare's
 * settings are) are written in their column's format (./format.ts) and right-aligned; null,
 * undefined and "-" show as "-". No header row when every column name is empty.
 */
export function htmlTable(columns: readonly string[], rows: readonly (readonly Cell[])[], className = 'data'): string {
  const styles = columnStyles(columns, rows);
  const head = columns.some((c) => c !== '') ? `<thead><tr>${columns.map((c, i) => `<th${styles[i]!.numeric ? ' class="num"' : ''}>${breakable(c)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((r) => `<tr>${columns.map((_, i) => td(styles[i]!.cell(r[i]))).join('')}</tr>`).join('');
  return `<table class="${escape(className)}">${head}<tbody>${body}</tbody></table>`;
}

/**
 * The same table turned a quarter: one column per row of `rows` (headed by its first cell,
 * e.g. the run's label), one row per other column (the setting or metric named in its row
 * header). Fixed layout at the page width: however many settings differ, the table grows
 * down, not sideways, and a long cell (an architecture string) wraps inside its column.
 */
export function transposedTable(columns: readonly string[], rows: readonly (readonly Cell[])[], className = 'data transposed'): string {
  const styles = columnStyles(columns, rows);
  const width = `${TRANSPOSED_LABEL_REM + rows.length * TRANSPOSED_COLUMN_REM}rem`;
  const colgroup = `<colgroup><col style="width:${TRANSPOSED_LABEL_REM}rem">${rows.map(() => '<col>').join('')}</colgroup>`;
  const head = `<thead><tr><th>${breakable(columns[0] ?? '')}</th>${rows.map((r) => `<th>${styles[0]!.cell(r[0]).html}</th>`).join('')}</tr></thead>`;
  const body = columns
    .slice(1)
    .map((column, j) => `<tr><th scope="row">${breakable(column)}</th>${rows.map((r) => td(styles[j + 1]!.cell(r[j + 1]))).join('')}</tr>`)
    .join('');
  return `<table class="${escape(className)}" style="max-width:${width}">${colgroup}${head}<tbody>${body}</tbody></table>`;
}

/** A table of label -> value rows, the labels as row headers (no header row). `html` values are inserted as they are. */
function factsTable(entries: readonly (readonly [string, { html: string } | string])[]): string {
  const rows = entries.map(([label, value]) => `<tr data-fact="${escape(label)}"><th scope="row">${escape(label)}</th><td>${typeof value === 'string' ? escape(value) : value.html}</td></tr>`);
  return `<table class="kv"><tbody>${rows.join('')}</tbody></table>`;
}

/** A chart's block: as wide as the content, at most CHART_MAX_SCALE x the width vega drew it. */
function chartBlock(name: string, svg: string): string {
  const width = Number(/^<svg[^>]*?\swidth="([\d.]+)"/.exec(svg)?.[1]);
  const style = width > 0 ? ` style="max-width:${Math.round(width * CHART_MAX_SCALE)}px"` : '';
  return `<div class="chart" id="chart-${escape(name)}"${style}>${svg}</div>`;
}

/** The fields of run.json the report's header shows. */
export type RunHeader = Partial<Pick<RunInfo, 'started_at' | 'command' | 'git_commit' | 'versions' | 'host' | 'cpu' | 'backend'>>;

/** "2026-12-02T00:59:53.048Z" -> "2026-12-02 00:59:53 UTC" (a static page cannot know the reader's zone). */
export function utcTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso) ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : iso;
}

/** A command line as a POSIX shell would take it back: arguments with spaces or quotes single-quoted. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * "tfexp 0.1.0, tfjs 4.22.0, @tensorflow/tfjs-backend-wasm 4.22.0, Node 20.20.2, linux x64": the versions
 * run.json recorded, with the backend's package (and its version where recorded) in place of the others.
 */
export function versionsLine(versions: Readonly<Record<string, string>>, backendPackage: string | undefined): string {
  const left = { ...versions };
  const parts: string[] = [];
  const take = (key: string, label: string) => {
    if (left[key] === undefined) return;
    parts.push(`${label} ${left[key]!.replace(/^v(?=\d)/, '')}`);
    delete left[key];
  };
  take('tfexp', 'tfexp');
  take('tfjs', 'tfjs');
  if (backendPackage !== undefined) {
    const key = backendPackage.replace(/^@tensorflow\//, '').replace(/-/g, '_');
    parts.push(left[key] === undefined ? backendPackage : `${backendPackage} ${left[key]}`);
    // Another backend package's version says nothing about this run.
    for (const other of Object.keys(left)) if (other.startsWith('tfjs_backend_')) delete left[other];
  }
  take('node', 'Node');
  const platform = left.platform;
  delete left.platform;
  parts.push(...Object.entries(left).map(([k, v]) => `${k} ${v}`), ...(platform === undefined ? [] : [platform]));
  return parts.join(', ');
}

/**
 * The header rows from run.json: started, command, git commit, versions, host; each value
 * text, or `{html}` already escaped (a `<code>` cell). The dashboard's run page shows the same rows.
 */
export function runFacts(run: RunHeader): [string, { html: string } | string][] {
  const code = (text: string, title?: string) => ({ html: `<code${title ? ` title="${escape(title)}"` : ''}>${escape(text)}</code>` });
  const backendPackage = (run.backend as { package?: unknown } | null | undefined)?.package;
  return [
    ['started', run.started_at ? utcTime(run.started_at) : message.REPORT_NOT_RECORDED],
    ['command', run.command ? code(shellLine(run.command)) : message.REPORT_NOT_RECORDED],
    ['git commit', run.git_commit ? code(run.git_commit.slice(0, 12), run.git_commit) : run.git_commit === null ? message.REPORT_NO_GIT_COMMIT : message.REPORT_NOT_RECORDED],
    ['versions', run.versions ? versionsLine(run.versions, typeof backendPackage === 'string' ? backendPackage : undefined) : message.REPORT_NOT_RECORDED],
    ['host', run.host ? `${run.host}${run.cpu ? ` (${run.cpu})` : ''}` : message.REPORT_NOT_RECORDED],
  ];
}

export interface RunReportInput {
  readonly title: string;
  readonly description: string;
  readonly status: string;
  /** Key facts (backend, parameters, duration...) as label -> value. */
  readonly facts: Readonly<Record<string, string>>;
  /** run.json (or the fields the header shows: start time, command, git commit, versions, host). Omitted: no such rows. */
  readonly run?: RunHeader;
  readonly history: readonly Record<string, number>[];
  readonly test: Readonly<Record<string, number>> | null;
  readonly summary: string;
  readonly experimentYaml: string;
  /** Rendered charts: name -> SVG text. */
  readonly charts: Readonly<Record<string, string>>;
  /** The run's evaluations (evaluation.json, then evaluation_train.json when present) with their rendered charts. None: no Evaluation section. */
  readonly evaluations?: readonly ReportEvaluation[];
}

/** One evaluation in report.html: its numbers and its charts' SVG text (the misclassified grid absent when it was not drawn). */
export interface ReportEvaluation {
  readonly evaluation: Evaluation;
  readonly charts: { readonly confusion_matrix?: string; readonly misclassified?: string };
}

/**
 * The per-class table of an evaluation: precision, recall, F1 and support per class, then the
 * macro and weighted averages (scikit-learn's classification_report, as HTML).
 */
export function classificationTable(evaluation: Pick<Evaluation, 'per_class' | 'macro_avg' | 'weighted_avg'>): string {
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }) => [name, s.precision, s.recall, s.f1, s.support];
  return htmlTable(
    ['class', 'precision', 'recall', 'f1-score', 'support'],
    [...evaluation.per_class.map((c) => row(c.class, c)), row('macro avg', evaluation.macro_avg), row('weighted avg', evaluation.weighted_avg)],
    'data classification',
  );
}

/** The Evaluation section: per evaluation, its headline numbers, confusion matrix, per-class table and misclassified grid. */
function evaluationSection(evaluations: readonly ReportEvaluation[]): string {
  return [
    '<h2>Evaluation</h2>',
    ...evaluations.map(({ evaluation, charts }) =>
      [
        `<h3 id="evaluation-${escape(evaluation.split)}">${escape(message.reportEvaluationHeading(evaluation.split, evaluation.samples))}</h3>`,
        `<p>${escape(message.reportEvaluationLine(evaluation.accuracy, evaluation.loss))}</p>`,
        charts.confusion_matrix ? chartBlock(`confusion-matrix-${evaluation.split}`, charts.confusion_matrix) : '',
        `<div class="scroll">${classificationTable(evaluation)}</div>`,
        // No grid and nothing listed: the evaluation was asked for none (evaluation.misclassified: 0).
        charts.misclassified ? chartBlock(`misclassified-${evaluation.split}`, charts.misclassified) : evaluation.misclassified.length === 0 ? '' : `<p>${escape(message.REPORT_MISCLASSIFIED_NOT_DRAWN)}</p>`,
      ].join('\n'),
    ),
  ].join('\n');
}

/** report.html of one run. */
export function runReportHtml(input: RunReportInput): string {
  const columns = [...new Set(input.history.flatMap((r) => Object.keys(r)))];
  const charts = Object.entries(input.charts)
    .map(([name, svg]) => chartBlock(name, svg))
    .join('\n');
  const body = [
    `<h1>${escape(input.title)}</h1>`,
    input.description ? `<p class="sub">${escape(input.description)}</p>` : '',
    `<p>Status: <span class="status">${escape(input.status)}</span></p>`,
    `<div class="facts">${input.run ? factsTable(runFacts(input.run)) : ''}${factsTable(Object.entries(input.facts))}</div>`,
    '<h2>Plots</h2>',
    charts || `<p>${message.REPORT_NO_EPOCH_YET}</p>`,
    '<h2>Test</h2>',
    input.test ? htmlTable(Object.keys(input.test), [Object.values(input.test)]) : `<p>${message.REPORT_NOT_EVALUATED}</p>`,
    input.evaluations && input.evaluations.length > 0 ? evaluationSection(input.evaluations) : '',
    '<h2>Metrics per epoch</h2>',
    `<div class="scroll">${htmlTable(columns, input.history.map((r) => columns.map((c) => r[c])))}</div>`,
    '<h2>Model</h2>',
    `<pre>${escape(input.summary)}</pre>`,
    '<h2>Experiment (resolved)</h2>',
    `<details class="experiment"><summary>experiment.yaml</summary><pre>${escape(input.experimentYaml)}</pre></details>`,
  ].join('\n');
  return page(`${input.title} - tfexp run`, body);
}

/** compare.html: the comparison table (within the page width: long cells wrap) and the overlay charts. */
export function compareReportHtml(title: string, columns: readonly string[], rows: readonly (readonly (string | number | null)[])[], charts: Readonly<Record<string, string>>): string {
  const body = [
    `<h1>${escape(title)}</h1>`,
    `<div class="scroll">${rows.length <= TRANSPOSE_MAX_RUNS ? transposedTable(columns, rows, 'data compare transposed') : htmlTable(columns, rows, 'data compare')}</div>`,
    '<h2>Plots</h2>',
    ...Object.entries(charts).map(([name, svg]) => chartBlock(name, svg)),
  ].join('\n');
  return page(`${title} - tfexp compare`, body);
}
