/**
 * Watching the runs folder (chokidar: inotify on Linux, FSEvents on macOS) for the files
 * that say what a run is: run.json (status, heartbeat), metrics.json (a new epoch),
 * experiment.yaml, summary.txt, evaluation.json and evaluation_train.json, and sweep.json (a sweep's points). A
 * run folder's model/, checkpoint/ and plots/ are not watched (one watch per run folder,
 * not four), nor are the temporary files atomic writes rename into place. Events are
 * gathered for DEBOUNCE_MS and reported as one batch of folders.
 */
import { basename, dirname, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { EVALUATION_SPLITS, evaluationFileName } from '../evaluation/evaluation.js';

/** Files whose change means a run (or a sweep) changed. */
export const WATCHED_FILES: ReadonlySet<string> = new Set(['run.json', 'metrics.json', 'experiment.yaml', 'summary.txt', ...EVALUATION_SPLITS.map(evaluationFileName), 'sweep.json']);

/** Folders of a run never looked into. */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['model', 'checkpoint', 'plots', 'node_modules', '.git']);

/** How long changes are gathered before they are reported, milliseconds: a run writes metrics.json and run.json together. */
export const DEBOUNCE_MS = 50;

/**
 * Folders below the runs folder that are watched: a run is `<root>/<run>/` or, in a sweep,
 * `<root>/<sweep>/<run>/` (as compare finds them), so chokidar goes this deep.
 */
const DEPTH = 2;

/** One batch of changes. */
export interface Changes {
  /** Folders one of whose WATCHED_FILES (other than sweep.json) was added, changed or removed. */
  readonly runs: ReadonlySet<string>;
  /** Folders whose sweep.json was added, changed or removed. */
  readonly sweeps: ReadonlySet<string>;
  /** Folders removed. */
  readonly removed: ReadonlySet<string>;
}

/**
 * Starts watching `root`.
 * @param onChanges called with each batch (at most one per DEBOUNCE_MS).
 * @param onError called when watching fails (e.g. the inotify watch limit).
 * @returns the watcher, once its first scan is done; `close()` it to stop.
 */
export async function watchRuns(root: string, onChanges: (changes: Changes) => void, onError: (error: Error) => void): Promise<FSWatcher> {
  let runs = new Set<string>();
  let sweeps = new Set<string>();
  let removed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = { runs, sweeps, removed };
    runs = new Set();
    sweeps = new Set();
    removed = new Set();
    onChanges(batch);
  };
  const note = (kind: 'file' | 'removed', path: string) => {
    if (kind === 'removed') removed.add(path);
    else if (basename(path) === 'sweep.json') sweeps.add(dirname(path));
    else if (WATCHED_FILES.has(basename(path))) runs.add(dirname(path));
    else return;
    timer ??= setTimeout(flush, DEBOUNCE_MS);
  };
  const watcher = watch(root, {
    ignoreInitial: true,
    // A link inside the runs folder must not make the server watch (and read) what it points at.
    followSymlinks: false,
    depth: DEPTH,
    // Folders other than run and sweep folders, and files other than the watched ones.
    ignored: (path, stats) => {
      if (path === root) return false;
      const name = basename(path);
      if (stats?.isFile()) return !WATCHED_FILES.has(name);
      return SKIPPED_FOLDERS.has(name) || name.startsWith('.') || path.slice(root.length + 1).split(sep).length > DEPTH + 1;
    },
  });
  watcher.on('add', (path) => note('file', path));
  watcher.on('change', (path) => note('file', path));
  watcher.on('unlink', (path) => note('file', path));
  watcher.on('unlinkDir', (path) => note('removed', path));
  watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}
