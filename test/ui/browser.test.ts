/**
 * `tfexp ui` in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core, as test/plots/browser.test.ts does) against the server on a free
 * loopback port with generated run folders. The runs table lists the runs with
 * compare's values and sorts; with 400 runs it draws only a window of rows, yet scrolls to
 * the last, sorts, filters and selects all of them, and keeps its scroll position through a
 * live update; a run page draws its charts and shows a tooltip on hover, and its evaluation
 * views (test, and train behind the split switch); the compare page draws overlay curves,
 * seed bands and parallel coordinates (whose metric the selector changes), and opens runs
 * whose folder names hold `,`, `%`, `&` or `+`; live: a tiny real training started after the page opened
 * appears and its epoch count rises without a reload (the delay from each epoch's
 * metrics.json to the page is printed). No console errors, no request leaves loopback.
 * A screenshot of each page goes to $TFEXP_SCREENSHOTS, else to a new temporary folder.
 * Skips only when no Chromium exists (CHROMIUM_PATH overrides the path).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { formatMetric } from '../../src/plots/format.js';
import { startUi, type UiServer } from '../../src/ui/index.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';
import { tfexp } from '../train/spawn.js';
import { AWKWARD_IDS, generateRuns, writeAwkwardRuns, type GeneratedRun } from './generate.js';
import { chromiumSkip, Harness, launchBrowser, median } from './harness.js';
import { writeEvaluation } from './server.test.js';

/** The runs table's rows drawn now: runs (with their id), not the spacers standing for the others. */
const DRAWN = 'table.runs tbody tr[data-id]';

// The page's globals used inside evaluate(), typed here: the project compiles without the DOM library.
interface Node_ {
  readonly textContent: string | null;
}
declare const document: { querySelector(selectors: string): Node_ | null; querySelectorAll(selectors: string): Iterable<Node_> };
declare const window: Record<string, unknown>;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList: boolean; subtree: boolean; characterData: boolean }): void;
}

describe('tfexp ui in headless Chromium', { skip: chromiumSkip }, () => {
  let harness: Harness;
  let ui: UiServer;
  let root: string;
  let runs: GeneratedRun[];

  before(async () => {
    root = tempDir();
    runs = generateRuns(root, { runs: 60, perSweep: 45, inSweeps: 0.75, epochs: 8 });
    runs.push(...writeAwkwardRuns(root, 8));
    writeEvaluation(join(root, runs[0]!.id));
    writeEvaluation(join(root, runs[0]!.id), 'train');
    ui = await startUi({ root, port: 0, host: '127.0.0.1', warn: () => {} });
    harness = new Harness(await launchBrowser());
  });

  after(async () => {
    await harness?.browser.close();
    await ui?.close();
  });

  /** A new tab at `hash` of the dashboard (`base`: another server's); see Harness.open. */
  const open = (hash = '', base = ui.url) => harness.open(`${base}${hash}`);
  const screenshot: Harness['screenshot'] = (t, tab, name) => harness.screenshot(t, tab, name);

  /** The texts of one column of the runs table's rows drawn now (not its spacers), top to bottom. */
  const column = (tab: Page, name: string) =>
    tab.evaluate(([name, drawn]) => {
      const heads = [...document.querySelectorAll('table.runs thead th')].map((th) => (th as unknown as { dataset: { col?: string } }).dataset.col);
      const at = heads.indexOf(name);
      return [...document.querySelectorAll(drawn)].map((tr) => (tr as unknown as { children: Node_[] }).children[at]!.textContent ?? '');
    }, [name, DRAWN] as const);

  /** The count above the table ("N of M runs"), once it reads `text`. */
  const countReads = (tab: Page, text: string) => tab.locator('.count', { hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 10_000 });

  it('the runs table lists every run with compare\'s values, sorts by a column and filters', async (t) => {
    const tab = await open();
    await countReads(tab, `${runs.length} of ${runs.length} runs`);
    const drawn = await tab.locator(DRAWN).count();
    assert.ok(drawn > 20 && drawn <= runs.length, `${drawn} rows drawn`);
    const sample = runs.find((r) => r.status === 'completed' && !r.id.includes('/'))!;
    await tab.fill('input[type=search]', sample.id);
    await countReads(tab, `1 of ${runs.length} runs`);
    const row = tab.locator(`tr[data-id="${sample.id}"]`);
    assert.ok((await row.innerText()).includes(formatMetric(sample.testAccuracy)));
    await tab.fill('input[type=search]', '');
    await tab.locator('th[data-col="test_accuracy"]').click();
    const best = Math.max(...runs.filter((r) => r.status === 'completed').map((r) => r.testAccuracy));
    assert.equal((await column(tab, 'test_accuracy'))[0], formatMetric(best), 'descending on the first click');
    await tab.locator('th[data-col="test_accuracy"]').click();
    const ascending = (await column(tab, 'test_accuracy')).filter((v) => v !== '-').map(Number);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b), 'ascending on the second');
    await tab.locator('th[data-col="label"]').click();
    const labels = await column(tab, 'label');
    assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    await tab.selectOption('select[name=status]', 'failed');
    const failed = runs.filter((r) => r.status === 'failed').length;
    assert.ok(failed > 0);
    await countReads(tab, `${failed} of ${runs.length} runs`);
    assert.equal(await tab.locator(DRAWN).count(), failed);
    assert.equal(await tab.locator('table.runs tr.spacer').count(), 0, 'no spacer when every row is drawn');
    await tab.selectOption('select[name=status]', '');
    await tab.fill('input[type=search]', 'lr=0.0003');
    await countReads(tab, `(?!${runs.length} )[1-9]\\d* of ${runs.length} runs`);
    const matching = Number((await tab.locator('.count').innerText()).split(' ')[0]);
    assert.ok(matching < runs.length && matching === (await tab.locator(DRAWN).count()), `${matching} runs match`);
    await tab.fill('input[type=search]', '');
    await screenshot(t, tab, 'ui-runs.png');
    await tab.close();
  });

  it('a page left while it still fetched draws nothing over the next one (a run page opened and Back pressed quickly)', async () => {
    const tab = await harness.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    tab.on('pageerror', (error) => harness.errors.push(`${tab.url()}: ${error.message}`));
    // The runs list answers slowly, so the first runs page is left before its answer comes.
    let slow = true;
    await tab.route('**/api/runs', async (route) => {
      if (slow) await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    await tab.goto(ui.url);
    await tab.evaluate((id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/run/${id}`), runs[1]!.id);
    await tab.locator('#chart-training svg.marks').waitFor();
    slow = false;
    await tab.goBack();
    await countReads(tab, `${runs.length} of ${runs.length} runs`);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(await tab.locator('p.warn').count(), 0, 'no error written over the page');
    assert.equal(await tab.locator('table.runs').count(), 1, 'one table');
    assert.ok((await tab.locator(DRAWN).count()) > 0);
    await tab.close();
  });

  it('400 runs: only a window of rows is drawn; the scrollbar covers them all; scrolling, sorting, filters and "select all shown" reach every run; a live update keeps the scroll position', async () => {
    const big = tempDir();
    const many = generateRuns(big, { runs: 400, epochs: 3 });
    const server = await startUi({ root: big, port: 0, host: '127.0.0.1', warn: () => {} });
    const tab = await open('', server.url);
    try {
      await countReads(tab, '400 of 400 runs');
      const box = tab.locator('.table.rows');
      // (No named functions inside evaluate(): the test's compiler would wrap them in a helper the page lacks.)
      const size = await box.evaluate((el) => {
        const rows = [...el.querySelectorAll('tbody tr[data-id]')];
        return {
          drawn: rows.length,
          spacers: el.querySelectorAll('tbody tr.spacer').length,
          row: (rows[rows.length - 1]!.getBoundingClientRect().bottom - rows[0]!.getBoundingClientRect().top) / rows.length,
          head: el.querySelector('thead')!.getBoundingClientRect().height,
          table: el.querySelector('table')!.getBoundingClientRect().height,
        };
      });
      assert.ok(size.drawn >= 20 && size.drawn <= 80, `a window of rows drawn: ${size.drawn}`);
      assert.equal(size.spacers, 1, 'a spacer below the rows drawn, none above');
      const expected = size.head + 400 * size.row;
      assert.ok(Math.abs(size.table - expected) < 0.01 * expected, `the table is as tall as all rows: ${size.table} px for ${expected} px`);
      // Scrolled to the bottom, the last run in the sorted order (newest first) is drawn: the first written.
      const toBottom = () => box.evaluate((el) => void (el.scrollTop = el.scrollHeight));
      const lastDrawn = () => tab.locator(DRAWN).last().getAttribute('data-id');
      await toBottom();
      await tab.locator(`tr[data-id="${many[0]!.id}"]`).waitFor({ timeout: 10_000 });
      assert.equal(await lastDrawn(), many[0]!.id);
      // Sorting and filters work on every run: the completed ones by test accuracy, ascending; the last is the best.
      await tab.selectOption('select[name=status]', 'completed');
      const completed = many.filter((r) => r.status === 'completed');
      assert.ok(completed.length > 300 && completed.length < 400);
      await countReads(tab, `${completed.length} of 400 runs`);
      await tab.locator('th[data-col="test_accuracy"]').click();
      await tab.locator('th[data-col="test_accuracy"].sorted-desc').waitFor();
      await tab.locator('th[data-col="test_accuracy"]').click();
      await tab.locator('th[data-col="test_accuracy"].sorted-asc').waitFor();
      const best = Math.max(...completed.map((r) => r.testAccuracy));
      await toBottom();
      await tab.waitForFunction((text) => [...document.querySelectorAll('tr[data-id]:last-child td')].some((td) => td.textContent === text), formatMetric(best), { timeout: 10_000 });
      const bestIds = completed.filter((r) => r.testAccuracy === best).map((r) => r.id);
      assert.ok(bestIds.includes((await lastDrawn())!), `the last row is the best run (${bestIds})`);
      // "select all shown" ticks every completed run, drawn or not; rows drawn later are ticked too.
      await tab.locator('input.all').check();
      await tab.locator('button.compare', { hasText: `Compare selected (${completed.length})` }).waitFor({ timeout: 10_000 });
      assert.ok(await tab.locator(`${DRAWN}.selected input:checked`).count() > 20);
      await box.evaluate((el) => void (el.scrollTop = 0));
      await tab.locator(`${DRAWN}:first-child`).waitFor();
      assert.equal(await tab.locator(`${DRAWN}:not(.selected)`).count(), 0, 'every row drawn at the top is ticked too');
      // A live update (a run's metrics.json rewritten, as the runner does) refetches the table and keeps the scroll position.
      await box.evaluate((el) => void (el.scrollTop = 3000));
      // Drawn for the new position once the top spacer stands for the rows scrolled past.
      await tab.locator('table.runs tbody tr.spacer:first-child').waitFor();
      const drawnBefore = await tab.locator(DRAWN).first().getAttribute('data-id');
      const renders = () => tab.evaluate(() => performance.getEntriesByName('runs-rendered').length);
      const before = await renders();
      const path = join(big, many[5]!.id, 'metrics.json');
      writeFileSync(`${path}.1-live.tmp`, readFileSync(path));
      renameSync(`${path}.1-live.tmp`, path);
      await tab.waitForFunction((n) => performance.getEntriesByName('runs-rendered').length > n, before, { timeout: 10_000 });
      assert.equal(await box.evaluate((el) => el.scrollTop), 3000);
      assert.equal(await tab.locator(DRAWN).first().getAttribute('data-id'), drawnBefore, 'the same rows drawn');
    } finally {
      // The tab first: its live connection would log errors once the server is gone.
      await tab.close();
      await server.close();
    }
  });

  it('a run page draws its charts, shows a tooltip on hover, and its evaluation views', async (t) => {
    const run = runs[0]!;
    const tab = await open(`#/run/${run.id}`);
    const chart = tab.locator('#chart-training svg.marks');
    await chart.waitFor();
    assert.ok((await tab.locator('#chart-training svg path').count()) > 10, 'curves drawn');
    assert.equal(await tab.locator('tr[data-fact="parameters"] td').innerText(), '1,194,730');
    assert.match(await tab.locator('pre.backend').innerText(), /^Backend: wasm/);
    // Hover a point of the curve: vega-tooltip's box appears with the epoch.
    const point = tab.locator('#chart-training .mark-symbol path').nth(3);
    await point.hover({ force: true });
    const tooltip = tab.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    assert.match(await tooltip.innerText(), /epoch/);
    // Log scale and smoothing redraw the charts.
    await tab.locator('input[name=log]').check();
    await tab.waitForFunction(() => document.querySelector('#chart-training svg.marks') !== null);
    // The evaluation views: per-class table, the confusion matrix (counts, then shares by row), the grid.
    assert.equal(await tab.locator('table.per-class tbody tr').count(), 4, 'two classes, macro and weighted averages');
    await tab.locator('#chart-confusion svg.marks').waitFor();
    assert.ok((await tab.locator('#chart-confusion svg.marks').innerHTML()).includes('>8<'), 'counts');
    await tab.locator('input[name=normalise]').check();
    await tab.waitForFunction(() => (document.querySelector('#chart-confusion svg.marks') as unknown as { innerHTML: string } | null)?.innerHTML.includes('>0.80<') ?? false);
    assert.ok(await tab.locator('img.misclassified').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0));
    assert.ok((await tab.locator('ul.files a').count()) >= 8);
    await screenshot(t, tab, 'ui-run.png');
    // evaluation_train.json (tfexp evaluate --split train) behind the split switch: its numbers, matrix and grid.
    assert.match(await tab.locator('.evaluation-summary').innerText(), /^test split, 15 samples/);
    await tab.locator('input[name=split][value=train]').check();
    await tab.waitForFunction(() => document.querySelector('.evaluation-summary')?.textContent?.startsWith('train split, 16 samples') ?? false);
    await tab.waitForFunction(() => (document.querySelector('#chart-confusion svg.marks') as unknown as { innerHTML: string } | null)?.innerHTML.includes('>0.90<') ?? false);
    assert.match((await tab.locator('img.misclassified').getAttribute('src')) ?? '', /\/plots\/misclassified_train\.png$/);
    assert.equal(await tab.locator('h3', { hasText: 'Misclassified training images' }).count(), 1);
    await tab.locator('input[name=split][value=test]').check();
    await tab.waitForFunction(() => document.querySelector('.evaluation-summary')?.textContent?.startsWith('test split') ?? false);
    // A run without evaluation files shows no evaluation section.
    // Only the hash changes: wait for the other run's page, not the charts still on screen.
    await tab.goto(`${ui.url}#/run/${runs[3]!.id}`);
    await tab.waitForFunction((id) => document.querySelector('p.sub code')?.textContent === id, runs[3]!.id);
    await tab.locator('#chart-training svg.marks').waitFor();
    assert.equal(await tab.locator('#chart-confusion').count(), 0);
    assert.equal(await tab.locator('input[name=split]').count(), 0);
    await tab.close();
  });

  it('the compare page draws overlay curves, seed bands and parallel coordinates for runs ticked in the table', async (t) => {
    const tab = await open();
    await tab.locator(DRAWN).first().waitFor();
    await tab.locator('.sweeps summary').click();
    await tab.locator('button.sweep').first().click();
    await tab.locator('input.all').check();
    await tab.locator('button.compare').click();
    await tab.locator('#chart-overlay svg.marks').waitFor();
    await tab.locator('#chart-bands svg.marks').waitFor();
    await tab.locator('#chart-parallel svg.marks').waitFor();
    assert.ok((await tab.locator('#chart-overlay .mark-line path').count()) >= 45, 'a line per run');
    assert.ok((await tab.locator('#chart-bands .mark-area path').count()) >= 15, 'a band per grid point');
    assert.ok((await tab.locator('#chart-parallel .mark-line path').count()) >= 45, 'a line per run across the axes');
    assert.equal(await tab.locator('table.compare tbody tr').count(), 45);
    assert.equal(await tab.locator('table.grouped tbody tr').count(), 15);
    assert.ok((await tab.locator('.diff .del').count()) > 0 && (await tab.locator('.diff .add').count()) > 0, 'the YAML diff');
    await tab.selectOption('select[name=colour]', 'train.batch_size');
    await tab.waitForFunction(() => [...document.querySelectorAll('#chart-overlay svg.marks text')].some((n) => n.textContent === 'bs'));
    // The parallel coordinates' metric: test_accuracy's axis, then test_loss's after switching.
    const parallelTexts = () => tab.evaluate(() => [...document.querySelectorAll('#chart-parallel svg.marks text')].map((n) => n.textContent));
    // The colour change redraws every chart: wait for the parallel coordinates' axis, not a one-shot read.
    await tab.waitForFunction(() => [...document.querySelectorAll('#chart-parallel svg.marks text')].some((n) => n.textContent === 'test_accuracy'));
    await tab.selectOption('select[name=metric]', 'test_loss');
    await tab.waitForFunction(() => [...document.querySelectorAll('#chart-parallel svg.marks text')].some((n) => n.textContent === 'test_loss'));
    assert.ok(!(await parallelTexts()).includes('test_accuracy'), 'the axis title changed');
    assert.equal(await tab.locator('select[name=metric]').inputValue(), 'test_loss');
    assert.equal(await tab.locator('select[name=colour]').inputValue(), 'train.batch_size', 'the colour kept');
    // The hash keeps the choices: a reload (or a shared link) opens the same view.
    await tab.check('input[name=log]');
    await tab.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('log=1'));
    const hash = await tab.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    const params = new URLSearchParams(hash.slice(hash.indexOf('?') + 1));
    assert.deepEqual([params.get('colour'), params.get('metric'), params.get('log'), params.getAll('runs').length], ['train.batch_size', 'test_loss', '1', 45], hash);
    await tab.reload();
    await tab.waitForFunction(() => [...document.querySelectorAll('#chart-parallel svg.marks text')].some((n) => n.textContent === 'test_loss'));
    assert.equal(await tab.locator('select[name=metric]').inputValue(), 'test_loss', 'the metric after a reload');
    assert.equal(await tab.locator('select[name=colour]').inputValue(), 'train.batch_size', 'the colour after a reload');
    assert.ok(await tab.locator('input[name=log]').isChecked(), 'the log scale after a reload');
    await screenshot(t, tab, 'ui-compare.png');
    await tab.close();
  });

  it('compares runs whose folder names hold `,`, `%`, `&` or `+`: the link carries each id whole, after a reload too', async () => {
    const ids: string[] = [...AWKWARD_IDS];
    const tab = await open();
    await tab.locator(DRAWN).first().waitFor();
    await tab.fill('input[type=search]', '20261203-08');
    await tab.waitForFunction((n) => [...document.querySelectorAll('table.runs tbody tr[data-id]')].length === n, ids.length);
    await tab.locator('input.all').check();
    await tab.locator('button.compare').click();
    const runColumn = () =>
      tab.evaluate(() => {
        const heads = [...document.querySelectorAll('table.compare thead th')].map((th) => th.textContent);
        return [...document.querySelectorAll('table.compare tbody tr')].map((tr) => (tr as unknown as { children: Node_[] }).children[heads.indexOf('run')]!.textContent);
      });
    await tab.locator('#chart-overlay svg.marks').waitFor();
    assert.deepEqual((await runColumn()).sort(), [...ids].sort());
    const hash = await tab.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    assert.deepEqual([...new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).getAll('runs')].sort(), [...ids].sort(), `one runs parameter per id in ${hash}`);
    // The hash alone (a reload, a bookmark) opens the same runs.
    await tab.reload();
    await tab.locator('#chart-overlay svg.marks').waitFor();
    assert.deepEqual((await runColumn()).sort(), [...ids].sort());
    // A label links to its run's page, whose id is whole.
    const percent = ids.find((id) => id.endsWith('%'))!;
    await tab.locator(`p.sub a[href="#/run/${encodeURIComponent(percent)}"]`).click();
    await tab.waitForFunction((id) => document.querySelector('p.sub code')?.textContent === id, percent);
    await tab.close();
  });

  it('live: a run started after the page opened appears, and its epoch count rises without a reload', async (t) => {
    const tab = await open();
    await tab.locator(DRAWN).first().waitFor();
    // The page records when each epoch count showed; a reload would lose the marker.
    await tab.evaluate(() => {
      window.marker = 'no reload';
      const seen: [string, number][] = [];
      window.seen = seen;
      new MutationObserver(() => {
        const cell = document.querySelector('tr[data-status="running"] td.epochs, tr[data-id*="tiny"] td.epochs');
        const text = cell?.textContent ?? '';
        if (text !== '' && seen[seen.length - 1]?.[0] !== text) seen.push([text, Date.now()]);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    const experiment = writeRunFixture();
    const started = Date.now();
    const child = tfexp(['run', experiment, '--runs-dir', root, '--quiet', '--threads', '1', '--set', 'train.epochs=6', '--set', 'train.batch_size=4']);
    // When each epoch's metrics.json was written, from the file's own time.
    const written = new Map<number, number>();
    const poll = setInterval(() => {
      for (const dir of tinyRunDirs(root)) {
        try {
          const path = join(root, dir, 'metrics.json');
          const epochs = (JSON.parse(readFileSync(path, 'utf8')) as { history: unknown[] }).history.length;
          if (!written.has(epochs)) written.set(epochs, statSync(path).mtimeMs);
        } catch {
          // Not there yet.
        }
      }
    }, 10);
    try {
      await tab.locator('tr[data-id*="tiny"]').waitFor({ timeout: 120_000 });
      t.diagnostic(`the new run showed ${((Date.now() - started) / 1000).toFixed(1)} s after the training process started`);
      assert.equal(await child.done, 0);
      await tab.waitForFunction(() => document.querySelector('tr[data-id*="tiny"]')?.textContent?.includes('completed') ?? false, undefined, { timeout: 10_000 });
    } finally {
      clearInterval(poll);
      child.child.kill();
    }
    const seen = (await tab.evaluate(() => window.seen)) as [string, number][];
    assert.equal(await tab.evaluate(() => window.marker), 'no reload');
    const counts = seen.map(([text]) => Number(/^\d+/.exec(text)?.[0] ?? NaN)).filter(Number.isFinite);
    assert.ok(new Set(counts).size >= 3, `the epoch count rose on the page: ${JSON.stringify(seen)}`);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'never backwards');
    assert.equal(counts[counts.length - 1], 6);
    // The delay from each epoch's metrics.json to the page showing that epoch count.
    const delays = seen.flatMap(([text, at]) => {
      const epochs = Number(/^\d+/.exec(text)?.[0]);
      const file = written.get(epochs);
      return file === undefined ? [] : [at - file];
    });
    assert.ok(delays.length >= 3, JSON.stringify({ seen, written: [...written] }));
    t.diagnostic(`epoch end -> page: median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms over ${delays.length} epochs`);
    assert.ok(Math.max(...delays) < 2000, `within ~2 s of each epoch's end: ${delays}`);
    await screenshot(t, tab, 'ui-live.png');
    await tab.close();
  });

  it('no console errors and no request left loopback', (t) => {
    assert.deepEqual(harness.errors, []);
    assert.deepEqual(harness.offLoopback, []);
    t.diagnostic(`screenshots in ${harness.shots} (set TFEXP_SCREENSHOTS=<dir> to choose)`);
  });
});

/** The run folders directly under `root` named like the fixture's (`*-tiny`). */
function tinyRunDirs(root: string): string[] {
  try {
    return readdirSync(root).filter((name) => name.endsWith('-tiny'));
  } catch {
    return [];
  }
}
