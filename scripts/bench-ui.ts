/**
 * `npm run bench:ui -- [--runs 1000] [--dir DIR]`: how fast `tfexp ui` lists a big runs folder.
 *
 *   1. writes --runs generated run folders (test/ui/generate.ts: 90% in sweeps of 45 points,
 *      the rest loose; each with run.json, metrics.json, a resolved experiment.yaml) into a
 *      temporary folder, or reuses --dir when it already holds runs;
 *   2. starts the dashboard in this process and times its first read of the folder;
 *   3. times GET /api/runs (its JSON is built at start and after each change: this is serving it);
 *   4. in headless Chromium (Debian's chromium; CHROMIUM_PATH), opens the list page 5 times in
 *      fresh tabs (1400 x 1000 px) and times, in the page (performance.now()):
 *      - navigation start -> the table shown with its first screen of rows (the page draws
 *        only the rows in and near the view: src/ui/client/window.js), and where that time
 *        goes, from the page's performance marks: loading the page and its modules, GET
 *        /api/runs with its JSON parsed, sorting, building and laying out the rows in view
 *        (window.js measures them), then to the next frame (polled in requestAnimationFrame);
 *      - that the scrollbar covers all rows: the table's height against header + rows x the
 *        measured row height;
 *      - scroll to the bottom -> the last run (in the sorted order) drawn and painted;
 *      - a click on the "run" header (text, the slowest sort) -> its first row changed, painted;
 *      - typing "bs=64" in the filter box -> the count and rows updated, painted;
 *   prints the median and the worst of each over the 5 loads, and the load average.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startUi } from '../src/ui/index.js';
import { generateRuns } from '../test/ui/generate.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, dir: { type: 'string' } } });
const count = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'tfexp-bench-ui-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const spread = (xs: number[]) => `median ${ms(median(xs))}, worst ${ms(Math.max(...xs))}`;

if (!existsSync(dir) || readdirSync(dir).length === 0) {
  const t = performance.now();
  generateRuns(dir, { runs: count });
  console.log(`generated ${count} runs in ${dir} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

let t = performance.now();
const ui = await startUi({ root: dir, port: 0, host: '127.0.0.1', warn: (line) => console.warn(line) });
const total = ui.index.size;
console.log(`read ${total} runs and started in ${ms(performance.now() - t)}`);

const fetchRuns = async () => {
  const start = performance.now();
  const response = await fetch(`${ui.url}api/runs`);
  const body = await response.text();
  return { time: performance.now() - start, body };
};
const first = await fetchRuns();
const warm: number[] = [];
for (let i = 0; i < 5; i++) warm.push((await fetchRuns()).time);
const list = JSON.parse(first.body) as { columns: { name: string }[]; rows: { id: string; cells: { v: unknown }[] }[] };
console.log(`GET /api/runs: first ${ms(first.time)}, then median ${ms(median(warm))}; ${(first.body.length / 1e6).toFixed(2)} MB (${(first.body.length / list.rows.length).toFixed(0)} bytes a run)`);

/** The run the page lists last: the earliest started (it sorts by start, newest first). */
const startedAt = list.columns.findIndex((c) => c.name === 'started');
const lastId = [...list.rows].sort((a, b) => String(a.cells[startedAt]!.v).localeCompare(String(b.cells[startedAt]!.v)))[0]!.id;

/**
 * The probes run in the page, as text (the page's globals are not typed here). Each resolves
 * after the paint that shows its result: a frame, then a task.
 */
const PROBES = `
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const box = () => document.querySelector('.table.rows');
  const drawn = () => [...document.querySelectorAll('table.runs tbody tr[data-id]')];
  const untilPainted = async (done) => { for (let i = 0; i < 600 && !done(); i++) await painted(); if (!done()) throw new Error('not drawn within 600 frames'); };
`;
const probe = <T>(tab: import('playwright-core').Page, body: string): Promise<T> => tab.evaluate(`(async () => { ${PROBES} ${body} })()`) as Promise<T>;

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`no Chromium at ${executablePath}: the page load is not measured`);
} else {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const m = { shown: [] as number[], modules: [] as number[], fetched: [] as number[], built: [] as number[], layout: [] as number[], end: [] as number[], sort: [] as number[], filter: [] as number[], drawnRows: [] as number[] };
  let cover = '';
  for (let i = 0; i < 5; i++) {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await tab.goto(ui.url, { waitUntil: 'commit' });
    // The first screen: drawn rows reach the bottom of the table's box (or all rows are drawn), polled each frame.
    const shown = await tab.waitForFunction(
      (n) => {
        const d = globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { bottom: number } } | null; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { bottom: number } }> }; innerHeight: number };
        const rows = d.document.querySelectorAll('table.runs tbody tr[data-id]');
        const box = d.document.querySelector('.table.rows');
        if (rows.length === 0 || box === null) return false;
        const full = rows.length === n || rows[rows.length - 1]!.getBoundingClientRect().bottom >= Math.min(box.getBoundingClientRect().bottom, d.innerHeight);
        return full ? performance.now() : false;
      },
      total,
      { polling: 'raf', timeout: 30_000 },
    );
    m.shown.push(Number(await shown.jsonValue()));
    const marks = await probe<Record<string, number>>(tab, `
      const at = (name) => performance.getEntriesByName(name)[0].startTime;
      return { fetch: at('runs-fetch'), fetched: at('runs-fetched'), rendered: at('runs-rendered') };`);
    m.modules.push(marks.fetch!);
    m.fetched.push(marks.fetched! - marks.fetch!);
    m.built.push(marks.rendered! - marks.fetched!);
    m.layout.push(m.shown[i]! - marks.rendered!);
    const size = await probe<{ table: number; head: number; row: number; rows: number }>(tab, `
      const rows = drawn();
      const row = (rows[rows.length - 1].getBoundingClientRect().bottom - rows[0].getBoundingClientRect().top) / rows.length;
      return { table: document.querySelector('table.runs').getBoundingClientRect().height, head: document.querySelector('table.runs thead').getBoundingClientRect().height, row, rows: rows.length };`);
    m.drawnRows.push(size.rows);
    const expected = size.head + total * size.row;
    cover = `table ${size.table.toFixed(0)} px tall for header ${size.head.toFixed(0)} px + ${total} rows x ${size.row.toFixed(2)} px = ${expected.toFixed(0)} px (${((100 * size.table) / expected).toFixed(1)}%)`;
    m.end.push(await probe<number>(tab, `
      const t0 = performance.now();
      box().scrollTop = box().scrollHeight;
      await untilPainted(() => { const tr = document.querySelector('tr[data-id="${lastId}"]'); return tr !== null && tr.getBoundingClientRect().bottom <= box().getBoundingClientRect().bottom + 1; });
      return performance.now() - t0;`));
    m.sort.push(await probe<number>(tab, `
      const before = drawn()[0].dataset.id;
      const t0 = performance.now();
      document.querySelector('th[data-col="label"]').click();
      await untilPainted(() => drawn()[0].dataset.id !== before);
      return performance.now() - t0;`));
    m.filter.push(await probe<number>(tab, `
      const count = document.querySelector('.count');
      const before = count.textContent;
      const input = document.querySelector('input[type=search]');
      const t0 = performance.now();
      input.value = 'bs=64';
      input.dispatchEvent(new Event('input'));
      await untilPainted(() => count.textContent !== before && drawn().every((tr) => tr.textContent.includes('bs=64')));
      return performance.now() - t0;`));
    await tab.close();
  }
  await browser.close();
  console.log(`list page with ${total} runs, 5 loads, from navigation start (performance.now() in the page):`);
  console.log(`  table shown with its first screen of rows (${median(m.drawnRows)} rows drawn): ${spread(m.shown)}`);
  console.log(`    of which: page and modules loaded ${ms(median(m.modules))}, GET /api/runs + JSON parse ${ms(median(m.fetched))}, sort, build and lay out the rows in view ${ms(median(m.built))}, to the next frame ${ms(median(m.layout))} (medians)`);
  console.log(`  scrollbar covers all rows: ${cover}`);
  console.log(`  scroll to the bottom -> last run drawn: ${spread(m.end)}`);
  console.log(`  click the "run" header -> ${total} rows re-sorted, first row changed: ${spread(m.sort)}`);
  console.log(`  type "bs=64" in the filter -> count and rows updated: ${spread(m.filter)}`);
}
console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
t = performance.now();
await ui.close();
