/**
 * What the submitter shows while it follows a queued sweep.
 *
 * On a terminal, a table of every point redrawn in place (log-update) whenever a point changes:
 *
 *     Sweep 20261202-0410-keras-convnet-sweep: 1 completed, 2 running, 5 queued (1m12s)
 *       #  point                         status
 *       1  train.batch_size=32 seed=1    completed on w1: test accuracy 0.9812
 *       2  train.batch_size=32 seed=2    running on w2: epoch 3 of 5, val_accuracy 0.9712
 *       3  train.batch_size=64 seed=1    queued
 *
 * Off a terminal (a pipe, a log file, CI), one line per change: `[2/8] train.batch_size=32 seed=2: running on w2, epoch 3 of 5, ...`.
 * Lines that must stay (a run folder gathered, Redis lost) print above the table.
 */
import { createLogUpdate } from 'log-update';
import { truncateEnd } from '../compare/fit.js';
import { formatElapsed } from '../train/progress.js';

/** One point as shown. */
export interface PointRow {
  readonly index: number;
  /** `describePoint`: the swept values and seed. */
  readonly point: string;
  /** queued, running, completed, failed, cancelled, ... (the first word of `detail`). */
  readonly state: string;
  /** The status cell: `running on w2: epoch 3 of 5, val_accuracy 0.9712`. */
  readonly detail: string;
}

/** The lines of the live table, each at most `width` columns. `rows` in point order. */
export function renderTable(sweep: string, rows: readonly PointRow[], elapsedSeconds: number, width: number, height = Infinity): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const order = ['completed', 'running', 'queued', 'failed', 'cancelled'];
  const summary = [...counts].sort(([a], [b]) => rank(order, a) - rank(order, b)).map(([state, n]) => `${n} ${state}`);
  const pointWidth = Math.min(Math.max(5, ...rows.map((r) => r.point.length)), Math.max(10, Math.floor(width / 2)));
  const indexWidth = Math.max(1, ...rows.map((r) => String(r.index).length));
  const line = (index: string, point: string, status: string) => truncateEnd(`  ${index.padStart(indexWidth)}  ${truncateEnd(point, pointWidth).padEnd(pointWidth)}  ${status}`, width);
  // A long sweep on a short terminal: the open points first, the finished ones counted.
  let shown = rows;
  const room = Math.max(1, height - 3);
  if (rows.length > room) {
    const open = rows.filter((r) => r.state !== 'completed');
    shown = open.slice(0, room - 1);
  }
  const lines = [truncateEnd(`Sweep ${sweep}: ${summary.join(', ')} (${formatElapsed(elapsedSeconds)})`, width), line('#', 'point', 'status'), ...shown.map((r) => line(String(r.index), r.point, r.detail))];
  if (shown.length < rows.length) lines.push(truncateEnd(`  ... and ${rows.length - shown.length} more (completed or not shown)`, width));
  return lines;
}

function rank(order: readonly string[], state: string): number {
  const i = order.indexOf(state);
  return i < 0 ? order.length : i;
}

/** Where the follower's output goes: a redrawn table on a terminal, else a line per change. */
export interface SweepDisplay {
  /** A line that stays (printed above the table on a terminal). */
  line(text: string): void;
  /** The points' current rows: a terminal redraws; otherwise each changed row prints `[i/n] point: detail`. */
  update(rows: readonly PointRow[]): void;
  /** Leaves the table's last state on screen. */
  done(): void;
}

/**
 * @param live redraw in place (stdout is a terminal); else plain lines through `write`.
 * @param now seconds since the sweep was submitted (for the header).
 */
export function sweepDisplay(sweep: string, live: boolean, write: (text: string) => void, elapsed: () => number): SweepDisplay {
  if (!live) {
    const last = new Map<number, string>();
    let total = 0;
    return {
      line: (text) => write(`${text}\n`),
      update: (rows) => {
        total = rows.length;
        for (const row of rows) {
          if (last.get(row.index) === row.detail) continue;
          last.set(row.index, row.detail);
          write(`[${row.index}/${total}] ${row.point}: ${row.detail}\n`);
        }
      },
      done: () => {},
    };
  }
  const stream = process.stdout;
  const draw = createLogUpdate(stream, { showCursor: true });
  let rows: readonly PointRow[] = [];
  const render = () => draw(renderTable(sweep, rows, elapsed(), stream.columns || 100, stream.rows || 40).join('\n'));
  // The header's clock ticks between changes.
  const clock = setInterval(render, 1000);
  clock.unref();
  return {
    line: (text) => {
      draw.clear();
      write(`${text}\n`);
      render();
    },
    update: (next) => {
      rows = next;
      render();
    },
    done: () => {
      clearInterval(clock);
      render();
      draw.done();
    },
  };
}
