// @ts-check
/** Small helpers of the page: escaping, fetching JSON, formatting what the server sends raw. */

/** @param {unknown} text @returns {string} text safe inside HTML (elements and attribute values). */
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * GETs `url` and parses its JSON.
 * @param {string} url
 * @returns {Promise<any>}
 * @throws {Error} with the status when the answer is not 200.
 */
export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

/** @param {string | null} iso an ISO 8601 time @returns {string} `2026-12-02 10:15:03` in the reader's zone, or '-'. */
export function localTime(iso) {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** @param {number} bytes @returns {string} `1.2 MB`, `940 B`. */
export function size(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** @param {string} status @param {string} text @returns {string} the status dot and its text, as HTML. */
export function statusHtml(status, text) {
  return `<span class="status-text" data-status="${esc(status)}"><span class="dot ${esc(status)}"></span>${esc(text)}</span>`;
}

/** @param {string} id a run id (`sweep/run`) @returns {string} the hash of its page. */
export function runHref(id) {
  return `#/run/${id.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * A table of header cells and rows of cells (numbers right-aligned), as HTML.
 * @param {string[]} columns
 * @param {(string | number | null)[][]} rows
 * @param {string} className
 */
export function simpleTable(columns, rows, className = 'data') {
  const numeric = columns.map((_, i) => rows.some((r) => typeof r[i] === 'number'));
  const cell = (/** @type {string|number|null} */ v, /** @type {number} */ i) =>
    `<td${numeric[i] ? ' class="num"' : ''}>${v === null ? '-' : esc(typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v)}</td>`;
  return `<table class="${esc(className)}"><thead><tr>${columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
