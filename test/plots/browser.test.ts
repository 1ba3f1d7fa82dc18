/**
 * The HTML reports in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) opens report.html and compare.html from file://,
 * the charts must have drawn (SVG marks present) and the console must show no
 * errors, and the layout facts that could break are measured: no sideways scroll
 * at 1280 px, charts as wide as the viewport lets them, the YAML folded, the
 * header's provenance rows, numbers grouped and right-aligned. Compared: two runs
 * of one sweep, two different experiments (a baseline-like and a keras-convnet-like
 * stack, on tiny 8x8 data) and all five runs at once. A full-page screenshot of
 * each page goes to $TFEXP_SCREENSHOTS, else to a new temporary folder; the test
 * prints where. Skips only when no Chromium exists (`.ci/run` installs it with
 * apt-get; CHROMIUM_PATH overrides the path).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compareRuns } from '../../src/compare/index.js';
import { shellLine, utcTime } from '../../src/plots/report.js';
import type { RunInfo } from '../../src/runs/store.js';
import { runSweep } from '../../src/sweep/run.js';
import { runExperiment } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The page's globals used inside evaluate(), typed here: the project compiles without the DOM library.
interface PageBox {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly textContent: string | null;
}
declare const document: { readonly documentElement: PageBox; querySelectorAll(selectors: string): Iterable<PageBox> };
declare function getComputedStyle(element: unknown): { readonly textAlign: string; readonly fontVariantNumeric: string };
const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };

/** Where the screenshots go: $TFEXP_SCREENSHOTS (created), else a new temporary folder. */
function screenshotDir(): string {
  const wanted = process.env.TFEXP_SCREENSHOTS;
  if (wanted) {
    mkdirSync(wanted, { recursive: true });
    return wanted;
  }
  return mkdtempSync(join(tmpdir(), 'tfexp-screenshots-'));
}

/**
 * Experiments beside `tiny.yaml` (same data files, so only model and training differ): the
 * blog's VGG-style blocks and the Keras tutorial's small convnet, scaled to 8x8 images.
 */
function writeStacks(tiny: string): { baseline: string; convnet: string } {
  const text = readFileSync(tiny, 'utf8');
  const data = text.slice(text.indexOf('data:'), text.indexOf('model:'));
  const write = (name: string, description: string, rest: string) => {
    const file = join(dirname(tiny), `${name}.yaml`);
    writeFileSync(file, `name: ${name}\ndescription: ${description}\nseed: 7\n${data}${rest}`);
    return file;
  };
  const conv = (filters: number, extra = '') => `    - {type: Conv2D, filters: ${filters}, kernel_size: 3, padding: same, activation: relu${extra}}`;
  return {
    baseline: write(
      'baseline-tiny',
      '4-block VGG-style CNN (Keras blog) on 8x8 images',
      [
        'model:',
        '  input_shape: [8, 8, 1]',
        '  layers:',
        conv(4),
        conv(4),
        '    - {type: MaxPooling2D, pool_size: 2}',
        conv(8),
        conv(8),
        '    - {type: MaxPooling2D, pool_size: 2}',
        conv(16),
        conv(16),
        '    - {type: Flatten}',
        '    - {type: Dropout, rate: 0.5}',
        '    - {type: Dense, units: 3, activation: softmax}',
        'train:',
        '  optimizer: {type: rmsprop, learning_rate: 0.001}',
        '  loss: sparse_categorical_crossentropy',
        '  metrics: [accuracy]',
        '  epochs: 2',
        '  batch_size: 16',
        '',
      ].join('\n'),
    ),
    convnet: write(
      'keras-convnet-tiny',
      'Small Keras MNIST convnet (Conv2D, pool, Conv2D, Dense) on 8x8 images',
      [
        'model:',
        '  input_shape: [8, 8, 1]',
        '  layers:',
        '    - {type: Conv2D, filters: 8, kernel_size: 3, activation: relu}',
        '    - {type: MaxPooling2D, pool_size: 2}',
        '    - {type: Conv2D, filters: 16, kernel_size: 2, activation: relu}',
        '    - {type: Flatten}',
        '    - {type: Dense, units: 3, activation: softmax}',
        'train:',
        '  optimizer: {type: adam}',
        '  loss: sparse_categorical_crossentropy',
        '  metrics: [accuracy]',
        '  epochs: 3',
        '  batch_size: 32',
        '',
      ].join('\n'),
    ),
  };
}

/** The number of significant digits a formatted decimal shows ("0.05040" -> 4, "1.000" -> 4). */
const significantDigits = (text: string) => text.replace(/[^\d]/g, '').replace(/^0+/, '').length;

describe('reports in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH` }, () => {
  let browser: Browser;
  let runDir: string;
  /** compare.html of: two points of one sweep, two different experiments, all five runs. */
  const compared: Record<'sweep' | 'two-experiments' | 'five-runs', string> = { sweep: '', 'two-experiments': '', 'five-runs': '' };
  const shots = screenshotDir();

  before(async () => {
    const tiny = writeRunFixture();
    const { baseline, convnet } = writeStacks(tiny);
    const runsDir = tempDir();
    runDir = (await runExperiment(tiny, { ...quiet, runsDir, sets: ['train.epochs=2'] })).dir;
    const sweepDir = (await runSweep(tiny, { ...quiet, runsDir, sets: ['train.epochs=2'], axes: { 'train.optimizer.learning_rate': [0.01, 0.0003] } }))!;
    const stacksDir = tempDir();
    await runExperiment(baseline, { ...quiet, runsDir: stacksDir });
    await runExperiment(convnet, { ...quiet, runsDir: stacksDir });
    const compare = async (name: keyof typeof compared, args: string[]) => {
      const out = join(tempDir(), name);
      const result = await compareRuns(args, { out, warn: () => {} });
      compared[name] = join(out, 'compare.html');
      return result.runs.length;
    };
    assert.equal(await compare('sweep', [sweepDir]), 2);
    assert.equal(await compare('two-experiments', [stacksDir]), 2);
    assert.equal(await compare('five-runs', [runDir, sweepDir, stacksDir]), 5);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  /** Opens `file` at `width` px, checks it drew with no errors and no network, and saves a full-page screenshot as `shot`. */
  async function open(t: TestContext, file: string, width: number, shot: string, minCharts: number): Promise<Page> {
    const tab = await browser.newPage({ viewport: { width, height: 1000 } });
    const errors: string[] = [];
    tab.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    tab.on('pageerror', (error) => errors.push(error.message));
    const requests: string[] = [];
    tab.on('request', (request) => !request.url().startsWith('file://') && requests.push(request.url()));
    await tab.goto(pathToFileURL(file).href);
    const charts = await tab.locator('.chart svg').count();
    const marks = await tab.locator('.chart svg path').count();
    assert.ok(charts >= minCharts, `${charts} charts`);
    assert.ok(marks > 10, `${marks} SVG paths drawn`);
    assert.ok((await tab.locator('table tr').count()) > 1, 'a table with rows');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [], 'no network requests');
    const path = join(shots, shot);
    await tab.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000);
    t.diagnostic(`screenshot: ${path}`);
    return tab;
  }

  /** Neither the page nor any table box scrolls sideways, and no cell's content spills out of it. */
  async function assertFitsWidth(tab: Page): Promise<void> {
    const layout = await tab.evaluate(() => ({
      page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      boxes: [...document.querySelectorAll('.scroll')].map((box) => [box.scrollWidth, box.clientWidth]),
      spilled: [...document.querySelectorAll('td, th')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent),
    }));
    assert.ok(layout.page[0]! <= layout.page[1]!, `page ${layout.page[0]} px wide in a ${layout.page[1]} px window`);
    for (const [scroll, client] of layout.boxes) assert.ok(scroll! <= client!, `a table ${scroll} px wide in its ${client} px box`);
    assert.deepEqual(layout.spilled, [], 'cells whose text spills out');
  }

  /** The first chart's rendered size at viewport widths 1000 and 1400 px. */
  async function chartSizes(tab: Page): Promise<{ width: number; height: number }[]> {
    const sizes: { width: number; height: number }[] = [];
    for (const width of [1000, 1400]) {
      await tab.setViewportSize({ width, height: 1000 });
      sizes.push(await tab.locator('.chart svg').first().evaluate((svg) => ({ width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height })));
    }
    return sizes;
  }

  /** Charts grow with the window (same aspect), within the content. */
  function assertChartsFollowViewport(sizes: { width: number; height: number }[]): void {
    const [narrow, wide] = sizes as [{ width: number; height: number }, { width: number; height: number }];
    assert.ok(narrow.width <= 1000 - 40, `chart ${narrow.width} px wide in a 1000 px window`);
    assert.ok(wide.width > narrow.width + 150, `chart ${narrow.width} px at 1000 px and ${wide.width} px at 1400 px`);
    assert.ok(Math.abs(narrow.height / narrow.width - wide.height / wide.width) < 0.01, 'the aspect ratio is kept');
  }

  /** Every number cell is right-aligned in tabular figures, with no integer part of four digits or more ungrouped. */
  async function assertNumberCells(tab: Page): Promise<string[]> {
    const cells = await tab.locator('td.num').evaluateAll((tds) =>
      tds.map((td) => ({ text: td.textContent ?? '', align: getComputedStyle(td).textAlign, figures: getComputedStyle(td).fontVariantNumeric })),
    );
    assert.ok(cells.length > 5, `${cells.length} number cells`);
    for (const { text, align, figures } of cells) {
      assert.equal(align, 'right', text);
      assert.match(figures, /tabular-nums/, text);
      assert.doesNotMatch(text.split('.')[0]!, /\d{4}/, `"${text}" has no thousands separator`);
    }
    return cells.map((c) => c.text);
  }

  it('report.html: header from run.json, grouped and aligned numbers, YAML folded, charts as wide as the window', async (t) => {
    const info = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunInfo;
    const tab = await open(t, join(runDir, 'report.html'), 1280, 'report.png', 1);
    const fact = (name: string) => tab.locator(`tr[data-fact="${name}"] td`).innerText();
    assert.equal(await fact('started'), utcTime(info.started_at));
    assert.equal(await fact('command'), shellLine(info.command));
    assert.match(await fact('host'), new RegExp(`^${info.host}\\b`));
    const versions = await fact('versions');
    for (const part of [`tfexp ${info.versions.tfexp}`, `tfjs ${info.versions.tfjs}`, `@tensorflow/tfjs-backend-wasm ${info.versions.tfjs_backend_wasm}`, 'Node ']) assert.ok(versions.includes(part), `${part} in "${versions}"`);
    assert.ok((await fact('git commit')).length > 0);
    assert.equal(await tab.locator('.status').innerText(), 'completed', 'the status line as before');
    assert.match(await fact('FLOPs per sample'), /^\d{1,3}(,\d{3})+$/);
    // No empty header row: every header cell names its column.
    const headers = await tab.locator('thead th').allInnerTexts();
    assert.ok(headers.length > 0 && headers.every((h) => h.trim() !== ''), `header cells: ${JSON.stringify(headers)}`);
    // The resolved experiment, folded.
    const details = tab.locator('details.experiment');
    assert.equal(await details.evaluate((d) => (d as unknown as { open: boolean }).open), false);
    assert.equal(await details.locator('summary').innerText(), 'experiment.yaml');
    assert.equal(await details.locator('pre').isVisible(), false);
    await details.locator('summary').click();
    assert.match(await details.locator('pre').innerText(), /^name: tiny$/m, 'opens on a click');
    // Metrics to 4 significant digits, durations to 1 decimal.
    const test = await tab.locator('table.data').first().locator('td').allInnerTexts();
    for (const text of test) assert.equal(significantDigits(text), 4, `test result "${text}"`);
    const seconds = await tab.locator('table.data:not(.classification)').nth(1).locator('tr').nth(1).locator('td').allInnerTexts();
    assert.ok(seconds.some((s) => /^\d+\.\d$/.test(s)), `a duration with one decimal among ${JSON.stringify(seconds)}`);
    // The Evaluation section: the confusion matrix and the misclassified grid drew, the per-class table has a row per class and the two averages.
    assert.ok((await tab.locator('#chart-confusion-matrix-test svg path').count()) >= 9, 'a cell per (true, predicted) pair');
    assert.equal(await tab.locator('#chart-misclassified-test svg').count(), 1);
    assert.deepEqual(await tab.locator('table.classification tbody tr td:first-child').allInnerTexts(), ['0', '1', '2', 'macro avg', 'weighted avg']);
    await assertNumberCells(tab);
    await assertFitsWidth(tab);
    assertChartsFollowViewport(await chartSizes(tab));
    await tab.close();
  });

  for (const [name, runs] of [['sweep', 2], ['two-experiments', 2], ['five-runs', 5]] as const) {
    it(`compare.html of ${name}: fits 1280 px, one column per run, grouped and aligned numbers, charts as wide as the window`, async (t) => {
      const tab = await open(t, compared[name], 1280, `compare-${name}.png`, 2);
      await assertFitsWidth(tab);
      assert.equal(await tab.locator('table.compare thead th').count(), runs + 1, 'a header for each run');
      const numbers = await assertNumberCells(tab);
      if (name !== 'sweep') assert.ok(numbers.some((n) => /^\d{1,3}(,\d{3})+$/.test(n)), `a grouped count (parameters) among ${JSON.stringify(numbers)}`);
      assertChartsFollowViewport(await chartSizes(tab));
      // At 1280 px again, once the window was narrower and wider.
      await tab.setViewportSize({ width: 1280, height: 1000 });
      await assertFitsWidth(tab);
      await tab.close();
    });
  }

  it('prints where the screenshots are', (t) => {
    t.diagnostic(`screenshots in ${shots} (set TFEXP_SCREENSHOTS=<dir> to choose)`);
  });
});
