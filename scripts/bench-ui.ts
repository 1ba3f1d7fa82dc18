/**
 * `npm run bench:ui -- [--runs 1000] [--dir DIR]`: how fast `tfexp ui` lists a big runs folder.
 *
 *   1. writes --runs generated run folders (test/ui/generate.ts: 90% in sweeps of 45 points,
 *      the rest loose; each with run.json, metrics.json, a resolved experiment.yaml) into a
 *      temporary folder, or reuses --dir when it already holds runs;
 *   2. starts the dashboard in this process and times its first read of the folder;
 *   3. times GET /api/runs: the first (builds compare's table of all runs) and the median of 5 after;
 *   4. in headless Chromium (Debian's chromium; CHROMIUM_PATH), opens the list page 5 times in
 *      fresh tabs and times navigation start -> every row in the table (performance.now() in the
 *      page), the figure the README quotes; prints the median and the worst.
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
console.log(`GET /api/runs: first ${ms(first.time)} (builds the table), then median ${ms(median(warm))}; ${(first.bytes / 1e6).toFixed(2)} MB`);

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`no Chromium at ${executablePath}: the page load is not measured`);
} else {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await tab.goto(ui.url, { waitUntil: 'commit' });
    await tab.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('table.runs tbody tr').length === n, ui.index.size, { polling: 'raf', timeout: 30_000 });
    loads.push(await tab.evaluate(() => performance.now()));
    await tab.close();
  }
  await browser.close();
  console.log(`list page, navigation start -> ${ui.index.size} rows shown: median ${ms(median(loads))}, worst ${ms(Math.max(...loads))} (5 loads)`);
}
t = performance.now();
await ui.close();
