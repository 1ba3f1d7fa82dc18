/**
 * The files the dashboard serves besides the runs: its page (./client/: plain HTML, CSS
 * and ES modules, no build step) and vega, vega-lite and vega-embed from node_modules
 * (their own minified browser builds), so the page works offline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMimeType } from 'hono/utils/mime';

/** The page's own files (index.html, app.js, ...): beside this module, in src/ or dist/ alike. */
export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/**
 * The browser builds served under /vendor/: each package's minified UMD file, found from
 * its entry point (their `exports` hide the build folder from resolution).
 */
export function vendorFiles(): ReadonlyMap<string, string> {
  const require = createRequire(import.meta.url);
  const build = (pkg: string, file: string) => join(dirname(require.resolve(pkg)), file);
  return new Map([
    ['vega.js', build('vega', 'vega.min.js')],
    ['vega-lite.js', build('vega-lite', 'vega-lite.min.js')],
    ['vega-embed.js', build('vega-embed', 'vega-embed.min.js')],
  ]);
}

/** The Content-Type of a file by its extension; bytes of unknown types are `application/octet-stream`. */
export function contentType(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.log') return 'text/plain; charset=utf-8';
  return getMimeType(path) ?? 'application/octet-stream';
}

/**
 * A file as a response body with its type.
 * @throws when the file cannot be read (the caller answers 404).
 */
export function fileBody(path: string): { body: Uint8Array; type: string } {
  return { body: new Uint8Array(readFileSync(path)), type: contentType(path) };
}

/** A text file (UTF-8), or null when it cannot be read. */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
