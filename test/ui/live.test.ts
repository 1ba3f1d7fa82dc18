/**
 * `tfexp ui` live, in headless Chromium (./harness.ts): pages opened before a training starts
 * follow it without a reload.
 * - A run page: its epoch count and its training curves grow as the run's epochs end, and it
 *   shows the test results when the run completes.
 * - A queued sweep (a real redis-server and a real worker process; skipped without
 *   redis-server): its points show as queued, then running on the worker with a rising epoch
 *   (what the submitter's follower writes into sweep.json), then as the gathered runs' rows.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startUi, type UiServer } from '../../src/ui/index.js';
import { tempDir } from '../helpers.js';
import { REDIS_MISSING, redisServerPath, startRedis } from '../queue/redis.js';
import { writeRunFixture } from '../train/fixtures.js';
import { tfexp } from '../train/spawn.js';
import { chromiumSkip, Harness, launchBrowser } from './harness.js';

// The page's globals used inside evaluate(), typed here: the project compiles without the DOM library.
interface Node_ {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selectors: string): Node_ | null; querySelectorAll(selectors: string): Iterable<Node_> };
declare const window: Record<string, unknown>;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList: boolean; subtree: boolean; characterData: boolean }): void;
}

/** Marks the page so that a reload (which would lose the mark) is seen. */
const markPage = (tab: Page) => tab.evaluate(() => void (window.marker = 'no reload'));
const unmarked = async (tab: Page) => (await tab.evaluate(() => window.marker)) !== 'no reload';

describe('tfexp ui follows trainings live', { skip: chromiumSkip, timeout: 300_000 }, () => {
  let harness: Harness;
  let ui: UiServer;
  let root: string;

  before(async () => {
    root = tempDir();
    ui = await startUi({ root, port: 0, host: '127.0.0.1', warn: () => {} });
    harness = new Harness(await launchBrowser());
  });

  after(async () => {
    await harness?.browser.close();
    await ui?.close();
  });

  it('a run page opened while the run trains grows its epoch count and its curves, then shows the test results', async (t) => {
    const tab = await harness.open(ui.url);
    const experiment = writeRunFixture();
    const child = tfexp(['run', experiment, '--runs-dir', root, '--quiet', '--threads', '1', '--set', 'train.epochs=12', '--set', 'train.batch_size=4']);
    try {
      // Into the run page from the table, as a user would: the hash changes, the page does not load again.
      await tab.locator('tr[data-id*="tiny"] td.label a').click({ timeout: 120_000 });
      await tab.locator('.epochs-done').waitFor();
      await markPage(tab);
      // Each change of the page: the epoch count shown and how many points the training chart has.
      await tab.evaluate(() => {
        const seen: [number, number][] = [];
        window.seen = seen;
        new MutationObserver(() => {
          const epochs = Number(document.querySelector('.epochs-done')?.textContent ?? NaN);
          const points = [...document.querySelectorAll('#chart-training .mark-symbol path')].length;
          const last = seen[seen.length - 1];
          if (Number.isFinite(epochs) && points > 0 && (last?.[0] !== epochs || last[1] !== points)) seen.push([epochs, points]);
        }).observe(document, { childList: true, subtree: true, characterData: true });
      });
      assert.equal(await child.done, 0);
      await tab.locator('.status-text[data-status="completed"]').waitFor({ timeout: 10_000 });
      await tab.locator('table.test').waitFor({ timeout: 10_000 });
    } finally {
      child.child.kill();
    }
    assert.ok(!(await unmarked(tab)), 'the page was not reloaded');
    const seen = (await tab.evaluate(() => window.seen)) as [number, number][];
    const epochs = seen.map(([e]) => e);
    assert.ok(new Set(epochs).size >= 3, `the epoch count rose on the page: ${JSON.stringify(seen)}`);
    assert.deepEqual(epochs, [...epochs].sort((a, b) => a - b), 'never backwards');
    assert.equal(epochs[epochs.length - 1], 12);
    // More epochs, more points on the curves (a point per epoch and series).
    const pointsAt = (e: number) => Math.max(...seen.filter(([x]) => x === e).map(([, p]) => p));
    assert.ok(pointsAt(12) > pointsAt(epochs[0]!), `the curves grew: ${JSON.stringify(seen)}`);
    t.diagnostic(`epochs seen on the run page: ${[...new Set(epochs)].join(', ')}`);
    await harness.screenshot(t, tab, 'ui-live-run.png');
    await tab.close();
  });

  it('a sweep followed from a queue shows its points queued, running with their epoch, then its gathered runs', { skip: redisServerPath() === null ? REDIS_MISSING : false }, async (t) => {
    const redis = await startRedis();
    const file = writeRunFixture();
    let workerLog = '';
    const worker = tfexp(['worker', '--queue', redis.url, '--runs-dir', join(tempDir(), 'worker-runs'), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', 'w1', '--quiet'], (text) => void (workerLog += text));
    let submitLog = '';
    let submit: ReturnType<typeof tfexp> | undefined;
    try {
      for (const started = Date.now(); !workerLog.includes('waiting for sweep points'); ) {
        assert.ok(Date.now() - started < 60_000 && worker.child.exitCode === null, `the worker did not start:\n${workerLog}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const tab = await harness.open(ui.url);
      await markPage(tab);
      // Each line the sweep panel shows for a point still on the queue, as it changes.
      await tab.evaluate(() => {
        const seen: string[] = [];
        window.remote = seen;
        new MutationObserver(() => {
          for (const li of document.querySelectorAll('.remote li')) {
            const line = `${li.getAttribute('data-state')}|${li.getAttribute('data-point')}|${li.textContent}`;
            if (!seen.includes(line)) seen.push(line);
          }
        }).observe(document, { childList: true, subtree: true, characterData: true });
      });
      submit = tfexp(['run', file, '--sweep', 'train.batch_size=4,8', '--set', 'train.epochs=12', '--queue', redis.url, '--runs-dir', root, '--quiet'], (text) => void (submitLog += text));
      await tab.locator('button.sweep').waitFor({ timeout: 60_000 });
      await tab.locator('.remote li[data-state="running"]').first().waitFor({ timeout: 120_000 });
      await harness.screenshot(t, tab, 'ui-live-queued-sweep.png');
      assert.equal(await submit.done, 0, `${submitLog}\n--- worker:\n${workerLog}`);
      // Both points' run folders come back into the sweep folder and become rows; the queue lines go.
      await tab.waitForFunction(() => [...document.querySelectorAll('tr[data-id*="/"][data-status="completed"]')].length === 2, undefined, { timeout: 10_000 });
      await tab.waitForFunction(() => [...document.querySelectorAll('.remote li')].length === 0, undefined, { timeout: 10_000 });
      assert.match((await tab.locator('button.sweep').innerText()).replace(/\s+/g, ' '), /2 points\): 2 completed/);
      assert.ok(!(await unmarked(tab)), 'the page was not reloaded');
      const lines = (await tab.evaluate(() => window.remote)) as string[];
      const ofPoint = (n: number) => lines.filter((l) => l.split('|')[1]!.endsWith(`#${n}`));
      assert.ok(ofPoint(2).some((l) => l.startsWith('queued|')), `point 2 waited while the one worker ran point 1: ${JSON.stringify(lines)}`);
      for (const n of [1, 2]) {
        const epochs = ofPoint(n).flatMap((l) => (l.startsWith('running|') ? [Number(/running on w1, epoch (\d+) of 12/.exec(l)?.[1])] : []));
        assert.ok(new Set(epochs.filter(Number.isFinite)).size >= 2, `point ${n}'s epoch rose on the page: ${JSON.stringify(lines)}`);
        assert.ok(ofPoint(n).some((l) => l.includes(`[${n}/2] train.batch_size=${n === 1 ? 4 : 8}`)), 'the line names the point and its settings');
      }
      await tab.close();
    } finally {
      submit?.child.kill();
      worker.child.kill('SIGTERM');
      await worker.done;
      await redis.stop();
    }
  });

  it('no console errors and no request left loopback', () => {
    assert.deepEqual(harness.errors, []);
    assert.deepEqual(harness.offLoopback, []);
  });
});
