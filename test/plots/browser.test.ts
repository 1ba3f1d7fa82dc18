/**
 * The HTML reports in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) opens report.html and compare.html from file://,
 * the charts must have drawn (SVG marks present) and the console must show no
 * errors; a screenshot of each is saved. Skips only when no Chromium exists
 * (`.ci/run` installs it with apt-get; CHROMIUM_PATH overrides the path).
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { compareRuns } from '../../src/compare/index.js';
import { runExperiment } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };

describe('reports in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH` }, () => {
  let browser: Browser;
  let runDir: string;
  let compareDir: string;
  const shots = tempDir();

  before(async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    runDir = (await runExperiment(file, { ...quiet, runsDir, sets: ['train.epochs=2'] })).dir;
    await runExperiment(file, { ...quiet, runsDir, sets: ['train.epochs=2', 'train.optimizer.learning_rate=0.003'] });
    compareDir = join(runsDir, 'cmp');
    await compareRuns([runsDir], { out: compareDir, warn: () => {} });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  for (const [name, page, minCharts] of [['report.html', () => join(runDir, 'report.html'), 1], ['compare.html', () => join(compareDir, 'compare.html'), 2]] as const) {
    it(`${name} draws its charts with no console errors, from file://`, async () => {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      tab.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
      tab.on('pageerror', (error) => errors.push(error.message));
      const requests: string[] = [];
      tab.on('request', (request) => !request.url().startsWith('file://') && requests.push(request.url()));
      await tab.goto(pathToFileURL(page()).href);
      const charts = await tab.locator('.chart svg').count();
      const marks = await tab.locator('.chart svg path').count();
      assert.ok(charts >= minCharts, `${charts} charts`);
      assert.ok(marks > 10, `${marks} SVG paths drawn`);
      assert.ok((await tab.locator('table tr').count()) > 1, 'a table with rows');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'no network requests');
      const shot = join(shots, `${name}.png`);
      await tab.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000);
      await tab.close();
    });
  }
});
