/**
 * Compiles src/ to dist/ (`npm run build`; `npm install` runs it as `prepare`), so
 * bin/tfexp.js starts without transpiling TypeScript (issue 13).
 *
 * esbuild transpiles each file on its own, without bundling, rather than tsc:
 * - tsconfig.json already sets `isolatedModules` and `verbatimModuleSyntax`, the
 *   guarantee that every file compiles alone, so per-file output is what tsc would emit;
 * - it takes well under a second for all of src/ where tsc takes many (it type-checks:
 *   that stays `npm run typecheck`, part of `npm test`), and `prepare` runs at every install;
 * - no bundle: dist/ keeps src/'s layout, so the modules that find files next to
 *   themselves (`new URL('x', import.meta.url)`: the SIMD kernels' .wasm and worker,
 *   package.json, schemas/) work unchanged, and the CLI still loads a command's heavy
 *   modules only when that command runs.
 * Files that are not TypeScript but are loaded at run time (ASSET_EXTENSIONS, and the
 * dashboard's page under ASSET_FOLDERS: no front-end build, its files are served as written) are copied,
 * and the experiment schema's ajv validator is written as code (config/validate.ts).
 * `.build-info.json` records `sourcesNewest`, the newest time under src/ when the build
 * started: bin/tfexp.js runs the sources instead of dist/ once anything there is newer, so
 * a file saved while the build ran (maybe after esbuild read it) is never run stale.
 * The new dist/ is built beside the old one and swapped in by renames: a failed build
 * leaves the old dist/ as it was.
 *
 * Usage: tsx scripts/build.ts [--outdir DIR] [--if-available]
 *   --outdir DIR    write there instead of dist/ (tests build into a temp folder);
 *   --if-available  exit 0 with a note when esbuild is not installed (`npm install
 *                   --omit=dev`): bin/tfexp.js then runs the sources through tsx.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRECOMPILED_VALIDATOR } from '../src/config/validate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
/** Non-TypeScript files under src/ that modules load at run time (C sources and build.sh are not). */
const ASSET_EXTENSIONS = new Set(['.wasm', '.mjs', '.json']);
/** Folders copied whole: the dashboard's page (plain HTML, CSS and browser modules, served as they are). */
const ASSET_FOLDERS = ['ui/client/'];

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

/**
 * Latest modification time (ms) of `dir` and everything under it, links not followed,
 * entries that vanish skipped. bin/tfexp.js has the same function: keep them alike.
 */
function newest(dir: string): number {
  let latest = 0;
  try {
    latest = lstatSync(dir).mtimeMs;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) latest = Math.max(latest, newest(path));
      else latest = Math.max(latest, lstatSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    }
  } catch {
    // Gone or unreadable meanwhile: what was seen so far.
  }
  return latest;
}

/** What bin/tfexp.js reads to tell whether src/ changed since the build. */
const BUILD_INFO = '.build-info.json';

/**
 * The experiment schema's validator as ajv standalone code (CommonJS), compiled from
 * src/ with the options config/validate.ts uses; it loads it instead of compiling at start.
 */
async function standaloneValidator(): Promise<string> {
  // The CommonJS module is the function; its `default` property is the same function, and typed.
  const [{ Ajv }, { default: { default: standaloneCode } }, { ExperimentSchema }, { AJV_OPTIONS }] = await Promise.all([
    import('ajv'),
    import('ajv/dist/standalone/index.js'),
    import('../src/config/schema/index.js'),
    import('../src/config/validate.js'),
  ]);
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  return standaloneCode(ajv, ajv.compile(ExperimentSchema));
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--outdir');
const outdir = resolve(outAt >= 0 && args[outAt + 1] !== undefined ? args[outAt + 1]! : join(ROOT, 'dist'));

let esbuild: typeof import('esbuild');
try {
  esbuild = await import('esbuild');
} catch {
  if (!args.includes('--if-available')) throw new Error('esbuild is not installed: run npm install (with its devDependencies)');
  console.log('tfexp: esbuild is not installed, dist/ not built; bin/tfexp.js runs the sources through tsx');
  process.exit(0);
}

const started = performance.now();
// Before reading any source: a file saved from now on is newer than this.
const sourcesNewest = newest(SRC);
const files = walk(SRC);
const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const assets = files.filter((f) => ASSET_EXTENSIONS.has(extname(f)) || ASSET_FOLDERS.some((folder) => f.split(sep).join('/').startsWith(folder)));

// Build beside the target, then swap it in: a failed build never leaves a half-written dist/.
const staging = `${outdir}.building-${process.pid}`;
const old = `${outdir}.old-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
let movedAside = false;
try {
  await esbuild.build({
    entryPoints: sources.map((f) => join(SRC, f)),
    outdir: staging,
    outbase: SRC,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  for (const asset of assets) {
    mkdirSync(dirname(join(staging, asset)), { recursive: true });
    copyFileSync(join(SRC, asset), join(staging, asset));
  }
  writeFileSync(join(staging, 'config', PRECOMPILED_VALIDATOR), await standaloneValidator());
  writeFileSync(join(staging, BUILD_INFO), `${JSON.stringify({ sourcesNewest, built: new Date().toISOString() })}\n`);
  // The swap: the old build aside, the new one in its place (two renames, no copy).
  if (existsSync(outdir)) {
    rmSync(old, { recursive: true, force: true });
    renameSync(outdir, old);
    movedAside = true;
  }
  renameSync(staging, outdir);
} catch (error) {
  // Not swapped in: the old build back where it was, the staging folder gone.
  if (movedAside && !existsSync(outdir)) renameSync(old, outdir);
  rmSync(staging, { recursive: true, force: true });
  throw error;
}
if (movedAside) {
  try {
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    console.warn(`tfexp build: could not remove the previous build ${old} (${error instanceof Error ? error.message : String(error)}); delete it by hand`);
  }
}
console.log(`built ${relative(process.cwd(), outdir) || '.'}/: ${sources.length} modules, ${assets.length} assets in ${((performance.now() - started) / 1000).toFixed(2)} s`);
