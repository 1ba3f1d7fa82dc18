/** Running the tfexp command as a child process, for tests that signal it (Ctrl-C) or read its output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, sourceEnv } from '../helpers.js';

/**
 * Starts `node bin/tfexp.js ...args`, on the sources (never a dist/ build).
 * @param onOutput called with each chunk of stdout and stderr.
 * @param env the child's environment (default: this process's).
 * @returns the child and its exit code (128 when killed by a signal without a code).
 */
export function tfexp(args: string[], onOutput?: (text: string) => void, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: sourceEnv(env) });
  child.stdout.on('data', (d: Buffer) => onOutput?.(d.toString()));
  child.stderr.on('data', (d: Buffer) => onOutput?.(d.toString()));
  const done = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === null ? -1 : 128))));
  return { child, done };
}
