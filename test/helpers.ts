/** Shared test helpers: temporary experiment files and captured CLI output. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { resetOutput, setOutput } from '../src/cli/output.js';
import { ConfigError } from '../src/errors.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BASELINE = join(REPO_ROOT, 'experiments', 'baseline.yaml');

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tfexp-test-'));
}

/** Writes `files` (relative name -> text) under a fresh temp folder; returns the folder. */
export function writeFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A minimal valid experiment around the given `model.layers` YAML (a flow list). */
export function experimentYaml(layers: string, extra = ''): string {
  return [
    'name: t',
    'data: {dataset: mnist}',
    'model:',
    '  input_shape: [28, 28, 1]',
    `  layers: ${layers}`,
    'train:',
    '  loss: sparse_categorical_crossentropy',
    extra,
  ].join('\n');
}

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  setOutput({ out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    resetOutput();
  }
}

/**
 * The environment for a child `node bin/tfexp.js`: it runs the sources through tsx, never
 * dist/, which may be missing or older than the code under test (see bin/tfexp.js).
 */
export function sourceEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TFEXP_FROM_SOURCE: '1' };
}

/** The ConfigError that `fn` throws; fails the test if it throws something else or nothing. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a ConfigError');
}

/** `promise`'s value, or `fallback` if it has not settled `ms` milliseconds after this call (the timer cleared either way). */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<F>((done) => (timer = setTimeout(() => done(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
