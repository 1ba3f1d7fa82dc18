/**
 * What the dashboard's browser tests share: headless Chromium (Debian's `chromium`, driven by
 * playwright-core; CHROMIUM_PATH overrides the path), tabs that collect console errors and any
 * request leaving loopback, and screenshots into $TFEXP_SCREENSHOTS (else a new temporary folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false. */
export const chromiumSkip: string | false = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`;

/** Headless Chromium with nothing of its own that reaches the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser and what its tabs reported: console errors and page errors, and requests that left loopback. */
export class Harness {
  readonly errors: string[] = [];
  readonly offLoopback: string[] = [];
  readonly shots: string;

  constructor(readonly browser: Browser) {
    const wanted = process.env.TFEXP_SCREENSHOTS;
    if (wanted) mkdirSync(wanted, { recursive: true });
    this.shots = wanted || mkdtempSync(join(tmpdir(), 'tfexp-ui-screenshots-'));
  }

  /** A new tab at `url`, 1400 x 1000 px; its console errors and requests are collected. */
  async open(url: string): Promise<Page> {
    const tab = await this.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    tab.on('console', (msg) => msg.type() === 'error' && this.errors.push(`${tab.url()}: ${msg.text()}`));
    tab.on('pageerror', (error) => this.errors.push(`${tab.url()}: ${error.message}`));
    tab.on('request', (request) => {
      const host = new URL(request.url()).hostname;
      if (host !== '127.0.0.1' && !request.url().startsWith('data:')) this.offLoopback.push(request.url());
    });
    await tab.goto(url);
    return tab;
  }

  /** Saves a full-page screenshot of `tab` as `name` and names it in the test's output. */
  async screenshot(t: TestContext, tab: Page, name: string): Promise<void> {
    const path = join(this.shots, name);
    await tab.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000);
    t.diagnostic(`screenshot: ${path}`);
  }
}

export const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
