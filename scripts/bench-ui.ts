/**
 * `npm run bench:ui -- [--runs 1000] [--dir DIR]`: how fast `tfexp ui` lists a big runs folder.
 *
 *   1. writes --runs generated run folders (test/ui/generate.ts: 90% in sweeps of 45 points,
 *      the rest loose; each with run.json, metrics.json, a resolved experiment.yaml) into a
 *      temporary folder, or reuses --dir when it already holds runs;
 *   2. starts the dashboard in this process and times its first read of the folder;
 *   3. times GET /api/runs (its JSON is built at start and after each change: this is serving it);
 *   4. in headless Chromium (Debian's chromium; CHROMIUM_PATH), opens the list page 5 times in
 *      fresh tabs and times, from navigation start (performance.now() in the page): the table
 *      shown with its first screen of rows (the page draws 100 rows, then the rest in chunks),
 *      and all rows in the table; prints the median and the worst of each, and the load average.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

if (!existsSync(dir) || readdirSync(dir).length === 0) {
  const t = performance.now();
  generateRuns(dir, { runs: count });
  console.log(`generated ${count} runs in ${dir} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

let t = performance.now();
const ui = await startUi({ root: dir, port: 0, host: '127.0.0.1', warn: (line) => console.warn(line) });
console.log(`read ${ui.index.size} runs and started in ${ms(performance.now() - t)}`);

const fetchRuns = async () => {
  const start = performance.now();
  const response = await fetch(`${ui.url}api/runs`);
  const body = await response.text();
  return { time: performance.now() - start, bytes: body.length };
};
const first = await fetchRuns();
const warm: number[] = [];
for (let i = 0; i < 5; i++) warm.push((await fetchRuns()).time);
console.log(`GET /api/runs: first ${ms(first.time)}, then median ${ms(median(warm))}; ${(first.bytes / 1e6).toFixed(2)} MB`);

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`no Chromium at ${executablePath}: the page load is not measured`);
} else {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const firsts: number[] = [];
  const loads: number[] = [];
  type Doc = { document: { querySelectorAll(s: string): { length: number } } };
  for (let i = 0; i < 5; i++) {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await tab.goto(ui.url, { waitUntil: 'commit' });
    await tab.waitForFunction((n) => (globalThis as unknown as Doc).document.querySelectorAll('table.runs tbody tr').length >= Math.min(n, 100), ui.index.size, { polling: 'raf', timeout: 30_000 });
    firsts.push(await tab.evaluate(() => performance.now()));
    await tab.waitForFunction((n) => (globalThis as unknown as Doc).document.querySelectorAll('table.runs tbody tr').length === n, ui.index.size, { polling: 'raf', timeout: 30_000 });
    loads.push(await tab.evaluate(() => performance.now()));
    await tab.close();
  }
  await browser.close();
  console.log(`list page, navigation start -> table with its first rows shown: median ${ms(median(firsts))}, worst ${ms(Math.max(...firsts))} (5 loads)`);
  console.log(`list page, navigation start -> all ${ui.index.size} rows in the table: median ${ms(median(loads))}, worst ${ms(Math.max(...loads))}`);
}
console.log(`load average (1 min) at the end: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
{
}
t = performance.now();
await ui.close();
