/**
 * The dashboard's view of the runs folder, kept in memory: every run folder (sweep
 * points too) read once with compare's own reader (src/compare/load.ts: a corrupt
 * metrics.json keeps the run, with a warning), then re-read only when the watcher
 * (./watch.ts) says one of its files changed. The comparison table of all runs
 * (compare's buildTable: labels, differing settings, metrics) is built once per
 * change, not per request, so a folder of 1,000 runs lists quickly.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { findRunDirs, readRun, readSweep, type BrokenRun, type ComparedRun, type PointLive } from '../compare/load.js';
import { buildTable, type CompareTable } from '../compare/table.js';
import { realInside, runIdOf } from './paths.js';

/** The files compare's reader opens in a run folder. */
const READ_FILES = ['run.json', 'metrics.json', 'experiment.yaml'];

/** Whether the run folder, or a file of it that compare reads, is a link out of the runs folder (such a run is not shown). */
function linksOut(root: string, dir: string): boolean {
  if (realInside(root, dir, 'dir') === null) return true;
  return READ_FILES.some((name) => existsSync(join(dir, name)) && realInside(root, join(dir, name)) === null);
}

/** One run folder as the dashboard holds it. */
export interface IndexedRun {
  /** Its folder relative to the runs folder, `/`-separated (`sweep-id/run-id`); `.` for the runs folder itself. */
  readonly id: string;
  readonly dir: string;
  /** The run as compare reads it; undefined when run.json is unreadable. */
  readonly run: ComparedRun | undefined;
  readonly broken: BrokenRun | undefined;
  /** What compare would warn about this run (a corrupt metrics.json, with the parser's words). */
  readonly warnings: readonly string[];
}

/** A sweep folder's progress, from its sweep.json. */
export interface SweepSummary {
  readonly id: string;
  readonly name: string;
  readonly points: number;
  /**
   * How many points are in each status (`completed`, `pending`, `failed`...); an open point of a
   * followed queued sweep counts by its state in the queue (`queued`, `running`).
   */
  readonly counts: Readonly<Record<string, number>>;
  /** The open points of a followed queued sweep (their run folders are on the workers until they end), in point order. */
  readonly remote: readonly ({ index: number } & PointLive)[];
}

export class RunIndex {
  private readonly runs = new Map<string, IndexedRun>();
  private readonly sweepDirs = new Set<string>();
  private table: { runs: ComparedRun[]; ids: string[]; table: CompareTable } | null = null;
  private changes = 0;

  /** @param root the runs folder's real path. */
  constructor(readonly root: string) {}

  /** Reads every run folder and sweep under the root (runs nested in sweep folders too, as compare finds them). */
  async scan(): Promise<void> {
    const { dirs } = await findRunDirs([this.root]);
    for (const dir of dirs) this.read(dir);
    for (const file of await glob('**/sweep.json', { cwd: this.root, deep: 2 })) this.sweepDirs.add(join(this.root, dirname(file)));
  }

  /** The id of a folder under the root. */
  idOf(dir: string): string {
    return runIdOf(this.root, dir) || '.';
  }

  /**
   * Reads (or re-reads) the run folder `dir`; forgets it when its run.json is gone.
   * @returns the run's id.
   */
  read(dir: string): string {
    const id = this.idOf(dir);
    this.forget();
    if (!existsSync(join(dir, 'run.json')) || linksOut(this.root, dir)) {
      this.runs.delete(id);
      return id;
    }
    const warnings: string[] = [];
    const { run, broken } = readRun(dir, (line) => warnings.push(line));
    this.runs.set(id, { id, dir, run, broken, warnings });
    return id;
  }

  /** Notes a sweep folder whose sweep.json appeared or changed; its points' labels name the sweep, so they are re-read. */
  sweepChanged(dir: string): string[] {
    this.forget();
    if (existsSync(join(dir, 'sweep.json'))) this.sweepDirs.add(dir);
    else this.sweepDirs.delete(dir);
    const points = [...this.runs.values()].filter((r) => dirname(r.dir) === dir);
    return points.map((r) => this.read(r.dir));
  }

  /** Forgets every run at or below `dir` (a folder deleted). @returns their ids. */
  removeBelow(dir: string): string[] {
    const gone = [...this.runs.values()].filter((r) => r.dir === dir || r.dir.startsWith(`${dir}/`));
    for (const r of gone) this.runs.delete(r.id);
    if (gone.length > 0) this.forget();
    this.sweepDirs.delete(dir);
    return gone.map((r) => r.id);
  }

  /** Every run, by id. */
  all(): IndexedRun[] {
    return [...this.runs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): IndexedRun | undefined {
    return this.runs.get(id);
  }

  /** How many run folders the index holds (readable or not). */
  get size(): number {
    return this.runs.size;
  }

  /**
   * The comparison table of every readable run (compare's buildTable), built once per change.
   * @returns the runs in table order, their ids, and the table (one row per run).
   */
  compared(): { runs: ComparedRun[]; ids: string[]; table: CompareTable } {
    if (this.table === null) {
      const readable = this.all().filter((r): r is IndexedRun & { run: ComparedRun } => r.run !== undefined);
      const runs = readable.map((r) => r.run);
      this.table = { runs, ids: readable.map((r) => r.id), table: buildTable(runs) };
    }
    return this.table;
  }

  /** Forgets the built table, so the next `compared()` rebuilds it (a running run may have gone stale). */
  invalidate(): void {
    this.forget();
  }

  private forget(): void {
    this.table = null;
    this.changes += 1;
  }

  /** Grows at every change of the index: what a cache of anything built from it is keyed by. */
  get version(): number {
    return this.changes;
  }

  /** Each sweep's progress from its sweep.json, by id; sweep folders whose sweep.json is unreadable are left out. */
  sweeps(): SweepSummary[] {
    return [...this.sweepDirs].sort().flatMap((dir) => {
      const sweep = readSweep(dir);
      if (sweep === null) return [];
      const counts: Record<string, number> = {};
      // `live` counts only while the point is open (pending): sweep.json may name a just-ended point's last state a moment longer.
      const live = (p: (typeof sweep.points)[number]) => (p.status === 'pending' ? p.live : null);
      for (const p of sweep.points) {
        const status = live(p)?.state ?? p.status;
        counts[status] = (counts[status] ?? 0) + 1;
      }
      const remote = sweep.points.flatMap((p) => {
        const seen = live(p);
        return seen ? [{ index: p.index, ...seen }] : [];
      });
      return [{ id: this.idOf(dir) === '.' ? basename(dir) : this.idOf(dir), name: sweep.name, points: sweep.points.length, counts, remote }];
    });
  }
}
