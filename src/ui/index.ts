/**
 * `tfexp ui`: a local, read-only dashboard of a runs folder, in order:
 *  1. read every run folder and sweep under it (store.ts, with compare's reader);
 *  2. watch the folder (watch.ts); each batch of changes re-reads those runs and is
 *     pushed to the open pages as a Server-Sent Event (events.ts);
 *  3. every STATUS_CHECK_MS, look again at the runs marked running, so one whose process
 *     died turns stale on the page though no file changed, and at the queued sweeps showing
 *     live lines, which drop once their follower's process is gone;
 *  4. serve the page, vega's builds, the API and the run files (server.ts) on
 *     host:port (Node's HTTP server through @hono/node-server).
 */
import { realpathSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { FSWatcher } from 'chokidar';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { ListCache, statusKind } from './api/list.js';
import { EventHub } from './events.js';
import { createApp } from './server.js';
import { vendorFiles } from './static.js';
import { RunIndex } from './store.js';
import { watchRuns, type Changes } from './watch.js';

export interface UiOptions {
  /** The runs folder. */
  readonly root: string;
  /** TCP port; 0 for any free one. Default: 6006 (the CLI's; TensorBoard's too). */
  readonly port: number;
  /** Address to bind. Default: 127.0.0.1 (the CLI's). */
  readonly host: string;
  /** Called with warnings (watching failed). Default: stderr. */
  readonly warn?: (line: string) => void;
  /** Milliseconds between the checks of step 3 (tests). Default: STATUS_CHECK_MS. */
  readonly statusCheckMs?: number;
}

export interface UiServer {
  /** `http://host:port/`. */
  readonly url: string;
  /** The port bound (the one chosen when `port` was 0). */
  readonly port: number;
  readonly index: RunIndex;
  /** Stops watching and serving; open pages are disconnected. */
  close(): Promise<void>;
}

/** How often runs marked running are checked for a process gone, milliseconds. */
export const STATUS_CHECK_MS = 10_000;

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The names the server answers to (its Host header, port aside): the loopback names, the bound
 * address, and, for a bind to every address (0.0.0.0, ::), this machine's name and addresses.
 * Any other Host (a DNS-rebinding page's) is refused, whatever the bind.
 */
function allowedHosts(host: string): Set<string> {
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const names = new Set(['localhost', '127.0.0.1', '[::1]', host.toLowerCase(), bracket(host.toLowerCase())]);
  if (host === '0.0.0.0' || host === '::' || host === '[::]') {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) names.add(bracket(entry.address.toLowerCase()));
  }
  return names;
}

/** Re-reads the runs a batch names. @returns the ids that changed (sweep folders' too) and those that went. */
export function applyChanges(index: RunIndex, changes: Changes): { changed: string[]; removed: string[] } {
  const removed = [...changes.removed].flatMap((dir) => index.removeBelow(dir));
  const changed = new Set<string>();
  for (const dir of changes.runs) {
    const known = index.get(index.idOf(dir)) !== undefined;
    const id = index.read(dir);
    if (index.get(id) !== undefined) changed.add(id);
    else if (known) removed.push(id);
  }
  for (const dir of changes.sweeps) {
    changed.add(index.idOf(dir));
    for (const id of index.sweepChanged(dir)) changed.add(id);
  }
  return { changed: [...changed], removed };
}

/**
 * Starts the dashboard.
 * @throws UsageError (exit 2) when the port is taken or the address cannot be bound.
 */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const root = realpathSync(options.root);
  // 1. The runs.
  const index = new RunIndex(root);
  await index.scan();
  const lists = new ListCache(index);
  lists.json();
  const hub = new EventHub();
  // 2. Watching.
  let watcher: FSWatcher | undefined;
  try {
    const onChanges = (changes: Changes) => {
      const event = applyChanges(index, changes);
      // Ready before the pages ask for it.
      lists.json();
      hub.publish(event);
    };
    watcher = await watchRuns(root, onChanges, (error) => warn(message.uiWatchFailed(error.message)));
  } catch (error) {
    warn(message.uiWatchFailed(error instanceof Error ? error.message : String(error)));
  }
  // 3. Running runs whose process is gone, and queued sweeps whose follower is gone (its live lines drop: compare/load.ts liveStands).
  const running = () =>
    new Set([
      ...index.all().filter((r) => r.run !== undefined && statusKind(r.run) === 'running').map((r) => r.id),
      ...index.sweeps().filter((s) => s.remote.length > 0).map((s) => s.id),
    ]);
  let wasRunning = running();
  const check = setInterval(() => {
    const now = running();
    const stopped = [...wasRunning].filter((id) => !now.has(id));
    wasRunning = now;
    if (stopped.length > 0) {
      index.invalidate();
      lists.json();
      hub.publish({ changed: stopped, removed: [] });
    }
  }, options.statusCheckMs ?? STATUS_CHECK_MS);
  check.unref();
  // 4. Serving.
  const app = createApp({ root, index, lists, hub, vendor: vendorFiles(), hosts: allowedHosts(options.host) });
  const server = createAdaptorServer({ fetch: app.fetch });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(check);
    await watcher?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(message.uiPortInUse(options.host, options.port));
    throw new UsageError(message.uiCannotListen(options.host, options.port, (error as Error).message));
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    index,
    close: async () => {
      clearInterval(check);
      await watcher?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep it open.
        (server as import('node:http').Server).closeAllConnections?.();
      });
    },
  };
}
