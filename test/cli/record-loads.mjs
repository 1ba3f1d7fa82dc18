// `node --import tsx --import ./test/cli/record-loads.mjs ...`: appends the URL of every
// module the process loads to the file $TFEXP_LOAD_LOG, one a line, for startup.test.ts.
// ES modules are seen by a resolve hook (registered after tsx's, so it runs first and sees
// the final URL); CommonJS modules (tfjs, resvg, ajv are CommonJS; a `require` bypasses the
// hook) are listed from require's cache at exit. Plain JavaScript: it runs in the loader thread.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const log = process.env.TFEXP_LOAD_LOG;

if (isMainThread && log !== undefined) {
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(log, Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`).join('')));
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log !== undefined) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
