/**
 * The dashboard's HTTP routes (Hono), read-only: every route is a GET (HEAD too), parses
 * its request, calls the payload builders of ./api/ (which call compare's, runs' and
 * plots' own functions) and serialises. Files come from three places only: the page
 * (./client/), vega's browser builds, and the runs folder through paths.ts; anything
 * else, and any path that leaves the runs folder, is 404.
 *
 *   GET /                    the page (index.html)
 *   GET /app/<file>          the page's scripts and styles
 *   GET /vendor/<file>       vega.js, vega-lite.js, vega-embed.js
 *   GET /api/runs            the runs table (api/list.ts)
 *   GET /api/run?id=         one run (api/run.ts); &smoothing=0.6&log=1 for the charts
 *   GET /api/compare?runs=a&runs=b...&colour=&metric=&diff=a&diff=b&smoothing=&log=   (api/compare.ts;
 *                            one parameter per run id, so an id may hold `,` or `%`: see compareIds)
 *   GET /api/events          Server-Sent Events: which runs changed (events.ts)
 *   GET /files/<run>/<path>  a file of a run folder (&download=1: as an attachment)
 */
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as message from '../log/message.js';
import { MAX_SMOOTHING, type ChartView } from '../plots/interactive.js';
import { comparePayload } from './api/compare.js';
import type { ListCache } from './api/list.js';
import { runPayload } from './api/run.js';
import { KEEPALIVE_MS, type EventHub, type RunsChanged } from './events.js';
import { realInside, resolveInside } from './paths.js';
import { CLIENT_DIR, fileBody, readText } from './static.js';
import type { RunIndex } from './store.js';

/** What the routes read. */
export interface UiContext {
  /** The runs folder's real path. */
  readonly root: string;
  readonly index: RunIndex;
  /** The runs table's JSON, built once per change of the index. */
  readonly lists: ListCache;
  readonly hub: EventHub;
  /** /vendor/ names -> files (static.ts vendorFiles). */
  readonly vendor: ReadonlyMap<string, string>;
  /**
   * Host names (the Host header without its port) the server answers for; null: any
   * (a server bound to a non-loopback address is meant to be reached by other names).
   */
  readonly hosts: ReadonlySet<string> | null;
}

/**
 * The page's Content-Security-Policy: scripts and connections to this server only (no request
 * leaves it); vega compiles its expressions with `new Function` ('unsafe-eval'), vega-embed
 * and vega-tooltip set inline styles.
 */
export const PAGE_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Run files are shown sandboxed: a report.html (or anything else in a run folder) runs no script in the dashboard's origin. */
export const FILE_CSP = 'sandbox; default-src \'none\'; img-src \'self\' data:; style-src \'unsafe-inline\'';

/** The chart options in a query: smoothing in [0, MAX_SMOOTHING], log=1. */
export function viewOf(c: Context): ChartView {
  const smoothing = Number(c.req.query('smoothing') ?? 0);
  return { smoothing: Number.isFinite(smoothing) ? Math.min(Math.max(smoothing, 0), MAX_SMOOTHING) : 0, logY: c.req.query('log') === '1' };
}

/** The path after `prefix` as the client sent it (percent-encoded; URL parsing already resolved plain and encoded dot segments). */
const rawPathAfter = (c: Context, prefix: string) => {
  const path = new URL(c.req.url).pathname;
  return path.startsWith(prefix) ? path.slice(prefix.length) : '';
};

const notFound = (c: Context) => c.text(message.UI_NOT_FOUND, 404);

/** Serves `path` (already checked) with its type, or 404 when it cannot be read. */
function sendFile(c: Context, path: string, headers: Record<string, string> = {}): Response {
  let file: { body: Uint8Array; type: string };
  try {
    file = fileBody(path);
  } catch {
    return notFound(c);
  }
  return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.type, 'X-Content-Type-Options': 'nosniff', ...headers });
}

/**
 * The run ids a compare query names, in order, each once: one `runs` parameter per id
 * (`?runs=a&runs=b`, each value percent-decoded once by the URL parser, so ids holding `,`,
 * `%`, `&` or `+` arrive whole). A value that names no run but whose comma-separated parts
 * all do is read as that list (`?runs=a,b`: links written before ids could hold commas).
 * Values that name no run are left out.
 * @param values the `runs` parameters as decoded.
 * @param known whether an id names a run of the folder.
 */
export function compareIds(values: readonly string[], known: (id: string) => boolean): string[] {
  const ids = values.flatMap((value) => {
    if (known(value)) return [value];
    const parts = value.split(',');
    return parts.length > 1 && parts.every(known) ? parts : [];
  });
  return [...new Set(ids)];
}

/** The status text compare's table gives a run, or its broken file's words. */
function statusTextOf(ctx: UiContext, id: string): string {
  const { ids, table } = ctx.index.compared();
  const row = ids.indexOf(id);
  return row < 0 ? (ctx.index.get(id)?.broken?.what ?? 'unknown') : String(table.rows[row]![table.columns.indexOf('status')] ?? 'unknown');
}

/** The app: routes over `ctx`. */
export function createApp(ctx: UiContext): Hono {
  const app = new Hono();

  // A page on another site may resolve its own name to 127.0.0.1 (DNS rebinding): answer only to our names.
  app.use('*', async (c, next) => {
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '').toLowerCase();
    if (ctx.hosts !== null && !ctx.hosts.has(host)) return c.text(message.uiWrongHost(host), 403);
    await next();
  });

  app.get('/', (c) => sendFile(c, `${CLIENT_DIR}index.html`, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' }));

  app.get('/app/*', (c) => {
    const path = resolveInside(CLIENT_DIR.replace(/\/$/, ''), rawPathAfter(c, '/app/'));
    return path === null ? notFound(c) : sendFile(c, path, { 'Cache-Control': 'no-cache' });
  });

  app.get('/vendor/:name', (c) => {
    const path = ctx.vendor.get(c.req.param('name'));
    return path === undefined ? notFound(c) : sendFile(c, path, { 'Cache-Control': 'max-age=3600' });
  });

  app.get('/api/runs', (c) => c.body(ctx.lists.json(), 200, { 'Content-Type': 'application/json' }));

  app.get('/api/run', (c) => {
    const id = c.req.query('id') ?? '';
    const run = ctx.index.get(id);
    return run === undefined ? notFound(c) : c.json(runPayload(ctx.root, run, viewOf(c), statusTextOf(ctx, id)));
  });

  app.get('/api/compare', (c) => {
    const runOf = (id: string) => ctx.index.get(id)?.run;
    const chosen = compareIds(c.req.queries('runs') ?? [], (id) => runOf(id) !== undefined).map((id) => ({ id, run: runOf(id)! }));
    if (chosen.length === 0) return notFound(c);
    const diff = c.req.queries('diff') ?? [];
    return c.json(
      comparePayload(
        chosen.map((r) => r.run),
        chosen.map((r) => r.id),
        {
          ...(c.req.query('colour') ? { colour: c.req.query('colour')! } : {}),
          ...(c.req.query('metric') ? { metric: c.req.query('metric')! } : {}),
          ...(diff.length === 2 && diff.every((id) => chosen.some((r) => r.id === id)) ? { diff: diff as [string, string] } : {}),
          view: viewOf(c),
        },
        (id) => experimentText(ctx, id),
      ),
    );
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (event: RunsChanged) => void stream.writeSSE({ event: 'runs', data: JSON.stringify(event) }).catch(() => undefined);
      const unsubscribe = ctx.hub.subscribe(send);
      stream.onAbort(unsubscribe);
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ runs: ctx.index.size }) });
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(KEEPALIVE_MS);
        await stream.write(': keep-alive\n\n').catch(() => undefined);
      }
      unsubscribe();
    }),
  );

  app.get('/files/*', (c) => {
    const path = resolveInside(ctx.root, rawPathAfter(c, '/files/'));
    if (path === null) return notFound(c);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const download: Record<string, string> = c.req.query('download') === '1' ? { 'Content-Disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"` } : {};
    return sendFile(c, path, { 'Content-Security-Policy': FILE_CSP, 'Cache-Control': 'no-cache', ...download });
  });

  app.notFound(notFound);
  return app;
}

/** A run's experiment.yaml as written (the diff compares the files, not a re-serialisation); null when unreadable. */
function experimentText(ctx: UiContext, id: string): string | null {
  const run = ctx.index.get(id);
  const path = run === undefined ? null : realInside(ctx.root, join(run.dir, 'experiment.yaml'));
  return path === null ? null : readText(path);
}
