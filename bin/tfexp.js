#!/usr/bin/env node
// Entry point for `npx tfexp`. Runs the compiled JavaScript in dist/ (`npm run build`,
// which `npm install` runs as `prepare`): no TypeScript to transpile at start (issue 13).
// Runs the TypeScript sources through tsx's loader instead when
// - dist/ is missing (a clone where the build did not run);
// - src/ changed since the build (a developer's tree): a stale dist/ would silently run
//   old code, so the sources run, with a note to rebuild. "Changed" is judged against
//   dist/.build-info.json's `sourcesNewest`, the newest src/ time as the build saw it when
//   it STARTED, so a file saved while the build ran counts as changed (without that file,
//   from an older build, against dist/cli/main.js's own time);
// - TFEXP_FROM_SOURCE=1 (the tests set it, so they never test a stale build).
// With neither dist/ nor src/ (a package packed without its build) it says so and exits 2.
// Plain JavaScript with no imports from src/ or dist/: it decides which of the two to load.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILT = `${ROOT}dist/cli/main.js`;
const BUILD_INFO = `${ROOT}dist/.build-info.json`;
const SOURCES = `${ROOT}src`;
const SOURCE_MAIN = `${SOURCES}/cli/main.ts`;

/**
 * Latest modification time (ms) of `dir` and everything under it (about 200 stats: a few ms).
 * Links are not followed (a dangling one, like an editor's lock file `.#main.ts`, is just a
 * link), and an entry that vanishes or cannot be read is skipped: this never throws.
 * scripts/build.ts has the same function: keep them alike.
 */
function newest(dir) {
  let latest = 0;
  try {
    latest = lstatSync(dir).mtimeMs;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) latest = Math.max(latest, newest(path));
      else latest = Math.max(latest, lstatSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    }
  } catch {
    // Gone or unreadable meanwhile: what was seen so far.
  }
  return latest;
}

/** When the build last saw src/ (dist/.build-info.json), or else dist/cli/main.js's time. */
function builtFrom() {
  try {
    const { sourcesNewest } = JSON.parse(readFileSync(BUILD_INFO, 'utf8'));
    if (typeof sourcesNewest === 'number') return sourcesNewest;
  } catch {
    // No build info (an older build): the build's own time.
  }
  return statSync(BUILT).mtimeMs;
}

/** Whether to run dist/: built, and src/ missing (a published package), or not forced, and not changed since the build. */
function useBuild() {
  if (!existsSync(BUILT)) return false;
  if (!existsSync(SOURCE_MAIN)) return true;
  if (process.env.TFEXP_FROM_SOURCE === '1') return false;
  if (newest(SOURCES) <= builtFrom()) return true;
  process.stderr.write('tfexp: src/ changed since dist/ was built; running the sources (slower to start). Run npm run build to rebuild.\n');
  return false;
}

/** Says why tfexp cannot start, in one line, and exits 2 (bad installation). */
function cannotStart(reason) {
  process.stderr.write(`tfexp: cannot start: ${reason}\n`);
  process.exit(2);
}

let main;
if (useBuild()) {
  ({ main } = await import(pathToFileURL(BUILT).href));
} else {
  if (!existsSync(SOURCE_MAIN)) {
    cannotStart(`neither dist/cli/main.js (the build) nor src/cli/main.ts (the sources) is in ${ROOT}. Run npm run build there (a clone of tfexp), or reinstall tfexp (a package).`);
  }
  // Child processes (a sweep's points) run the sources too, without the note.
  process.env.TFEXP_FROM_SOURCE = '1';
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    cannotStart(`dist/ is missing or out of date and tsx, which runs the sources, is not installed. Run npm install, then npm run build, in ${ROOT}.`);
  }
  register();
  ({ main } = await import(pathToFileURL(SOURCE_MAIN).href));
}
process.exitCode = await main(process.argv.slice(2));
