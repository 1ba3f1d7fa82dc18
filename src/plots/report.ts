/**
 * Self-contained HTML reports (pure builders): everything inline (styles, the
 * rendered SVG charts, tables), no scripts and no network, so they open from
 * file:// anywhere. Charts are vega's SVG output (hover titles on marks work).
 */

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem;color:#222;max-width:1400px}
h1{margin:0 0 .2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}p.sub{color:#555;margin:0 0 1rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}pre{background:#f7f7f7;padding:1rem;overflow:auto;font-size:.85rem}
.chart svg{max-width:100%;height:auto}.status{font-weight:bold}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** An HTML table; null cells show as "-". */
export function htmlTable(columns: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined) => escape(v === null || v === undefined ? '-' : typeof v === 'number' ? String(Math.round(v * 10000) / 10000) : v);
  return `<table><thead><tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export interface RunReportInput {
  readonly title: string;
  readonly description: string;
  readonly status: string;
  /** Key facts (backend, parameters, duration...) as label -> value. */
  readonly facts: Readonly<Record<string, string>>;
  readonly history: readonly Record<string, number>[];
  readonly test: Readonly<Record<string, number>> | null;
  readonly summary: string;
  readonly experimentYaml: string;
  /** Rendered charts: name -> SVG text. */
  readonly charts: Readonly<Record<string, string>>;
}

/** report.html of one run. */
export function runReportHtml(input: RunReportInput): string {
  const columns = [...new Set(input.history.flatMap((r) => Object.keys(r)))];
  const charts = Object.entries(input.charts)
    .map(([name, svg]) => `<div class="chart" id="chart-${escape(name)}">${svg}</div>`)
    .join('\n');
  const body = [
    `<h1>${escape(input.title)}</h1>`,
    input.description ? `<p class="sub">${escape(input.description)}</p>` : '',
    `<p>Status: <span class="status">${escape(input.status)}</span></p>`,
    htmlTable(['', ''], Object.entries(input.facts)),
    '<h2>Plots</h2>',
    charts || '<p>No epoch has finished yet.</p>',
    '<h2>Test</h2>',
    input.test ? htmlTable(Object.keys(input.test), [Object.values(input.test)]) : '<p>Not evaluated (the run did not finish).</p>',
    '<h2>Metrics per epoch</h2>',
    htmlTable(columns, input.history.map((r) => columns.map((c) => r[c]))),
    '<h2>Model</h2>',
    `<pre>${escape(input.summary)}</pre>`,
    '<h2>Experiment (resolved)</h2>',
    `<pre>${escape(input.experimentYaml)}</pre>`,
  ].join('\n');
  return page(`${input.title} - tfexp run`, body);
}

/** compare.html: the comparison table and the overlay charts. */
export function compareReportHtml(title: string, columns: readonly string[], rows: readonly (readonly (string | number | null)[])[], charts: Readonly<Record<string, string>>): string {
  const body = [
    `<h1>${escape(title)}</h1>`,
    htmlTable(columns, rows),
    '<h2>Plots</h2>',
    ...Object.entries(charts).map(([name, svg]) => `<div class="chart" id="chart-${escape(name)}">${svg}</div>`),
  ].join('\n');
  return page(`${title} - tfexp compare`, body);
}
