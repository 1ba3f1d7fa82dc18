/**
 * bin/tfexp.js's choice between dist/ and src/ (issue 13), on a copy of it in a temporary
 * folder laid out like the package: a fake dist/cli/main.js that prints "dist", a fake
 * src/cli/main.ts that prints "src" (run through tsx: node_modules is linked to ours).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers.js';

/** A time well before now (s): the sources' files, when they are not to count as changed. */
const LONG_AGO = Date.now() / 1000 - 3600;

/** Sets the times of `dir` and everything under it (links themselves are left alone). */
function age(dir: string, seconds: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) age(path, seconds);
    else if (!entry.isSymbolicLink()) utimesSync(path, seconds, seconds);
  }
  utimesSync(dir, seconds, seconds);
}

/**
 * A package folder with bin/tfexp.js, a build whose info says it saw src/ at `sourcesNewest`
 * (ms), and sources last changed long ago.
 */
function layout({ dist = true, src = true, sourcesNewest = Date.now() as number | null } = {}): string {
  const root = tempDir();
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin/tfexp.js'), join(root, 'bin/tfexp.js'));
  writeFileSync(join(root, 'package.json'), '{"type": "module"}\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  if (src) {
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    writeFileSync(join(root, 'src/cli/main.ts'), "export async function main(argv: readonly string[]): Promise<number> {\n  console.log('src', ...argv);\n  return 0;\n}\n");
    age(join(root, 'src'), LONG_AGO);
  }
  if (dist) {
    mkdirSync(join(root, 'dist/cli'), { recursive: true });
    writeFileSync(join(root, 'dist/cli/main.js'), "export async function main(argv) {\n  console.log('dist', ...argv);\n  return 0;\n}\n");
    if (sourcesNewest !== null) writeFileSync(join(root, 'dist/.build-info.json'), JSON.stringify({ sourcesNewest }));
  }
  return root;
}

/** Runs `node <root>/bin/tfexp.js ...args` with TFEXP_FROM_SOURCE unset unless given. */
function launch(root: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, ...env };
  if (env.TFEXP_FROM_SOURCE === undefined) delete childEnv.TFEXP_FROM_SOURCE;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/tfexp.js'), ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const STALE_NOTE = /^tfexp: src\/ changed since dist\/ was built; running the sources .*npm run build/;

describe('bin/tfexp.js: dist/ or src/', () => {
  it('runs dist/ when src/ has not changed since the build started, passing the arguments', async () => {
    const root = layout();
    assert.deepEqual(await launch(root, ['--version']), { code: 0, stdout: 'dist --version\n', stderr: '' });
  });

  it('runs src/, with a note, when a source file is newer than the build info (saved during or after the build)', async () => {
    const root = layout({ sourcesNewest: LONG_AGO * 1000 + 1000 });
    utimesSync(join(root, 'src/cli/main.ts'), LONG_AGO + 2, LONG_AGO + 2); // dist/cli/main.js itself is newer: the info decides
    const ran = await launch(root);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'src\n');
    assert.match(ran.stderr, STALE_NOTE);
  });

  it('without build info (an older build), compares with dist/cli/main.js', async () => {
    const fresh = layout({ sourcesNewest: null });
    assert.equal((await launch(fresh)).stdout, 'dist\n');
    const stale = layout({ sourcesNewest: null });
    writeFileSync(join(stale, 'src/cli/new.ts'), 'export {};\n'); // now: newer than the build
    utimesSync(join(stale, 'dist/cli/main.js'), LONG_AGO + 10, LONG_AGO + 10);
    const ran = await launch(stale);
    assert.equal(ran.stdout, 'src\n', ran.stderr);
    assert.match(ran.stderr, STALE_NOTE);
  });

  it('a dangling link in src/ (an editor lock file) does not crash it', async () => {
    const root = layout({ sourcesNewest: Date.now() + 60_000 });
    symlinkSync('user@host.4242:1700000000', join(root, 'src/cli/.#main.ts'));
    assert.deepEqual(await launch(root), { code: 0, stdout: 'dist\n', stderr: '' });
    // Once the link counts as a change, the sources run, still without a crash.
    const stale = layout({ sourcesNewest: LONG_AGO * 1000 + 1000 });
    symlinkSync('user@host.4242:1700000000', join(stale, 'src/cli/.#main.ts'));
    const ran = await launch(stale);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'src\n');
  });

  it('TFEXP_FROM_SOURCE=1 runs src/ even with a fresh build, without the note', async () => {
    const root = layout();
    assert.deepEqual(await launch(root, [], { TFEXP_FROM_SOURCE: '1' }), { code: 0, stdout: 'src\n', stderr: '' });
  });

  it('runs dist/ when there is no src/ (a published package), even with TFEXP_FROM_SOURCE=1', async () => {
    const root = layout({ src: false });
    assert.deepEqual(await launch(root, [], { TFEXP_FROM_SOURCE: '1' }), { code: 0, stdout: 'dist\n', stderr: '' });
  });

  it('runs src/ when there is no dist/', async () => {
    const root = layout({ dist: false });
    assert.deepEqual(await launch(root), { code: 0, stdout: 'src\n', stderr: '' });
  });

  it('with neither dist/ nor src/ says what is missing in one line and exits 2', async () => {
    const root = layout({ dist: false, src: false });
    const ran = await launch(root);
    assert.equal(ran.code, 2);
    assert.equal(ran.stdout, '');
    assert.match(ran.stderr, /^tfexp: cannot start: neither dist\/cli\/main\.js .* nor src\/cli\/main\.ts .*npm run build.*reinstall tfexp.*\n$/);
    assert.equal(ran.stderr.split('\n').length, 2, ran.stderr); // one line, no stack trace
    rmSync(root, { recursive: true, force: true });
  });
});
