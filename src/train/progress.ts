/**
 * Keras-style progress: `Epoch 3/20`, then on a terminal a live bar
 * `938/938 [==============================] - 21s 22ms/step - loss: 0.0477 - accuracy: 0.9882`,
 * and off a terminal (CI, pipes) one plain line per epoch. The numbers are the
 * running means over the samples seen so far.
 */
import type { Logs } from './callbacks/types.js';

export interface ProgressOptions {
  /** Write a line or a partial line. */
  readonly write: (text: string) => void;
  /** Redraw in place (a terminal); else print only the finished line. */
  readonly live: boolean;
  readonly quiet: boolean;
  /** Clock in milliseconds (injectable for tests). */
  readonly now?: () => number;
}

const BAR_WIDTH = 30;

/** `- loss: 0.0477 - accuracy: 0.9882` */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, value]) => ` - ${name}: ${Number.isFinite(value) ? value.toFixed(4) : String(value)}`)
    .join('');
}

function formatSeconds(seconds: number): string {
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${Math.round(seconds)}s`;
}

/** Progress of one epoch. */
export class EpochProgress {
  private readonly start: number;
  private lastDraw = 0;
  private readonly now: () => number;

  constructor(
    epoch: number,
    epochs: number,
    private readonly steps: number,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    if (!options.quiet) options.write(`Epoch ${epoch}/${epochs}\n`);
  }

  private line(step: number, logs: Logs): string {
    const elapsed = (this.now() - this.start) / 1000;
    const filled = Math.round((BAR_WIDTH * step) / this.steps);
    const bar = step >= this.steps ? '='.repeat(BAR_WIDTH) : `${'='.repeat(Math.max(0, filled - 1))}>${'.'.repeat(BAR_WIDTH - Math.max(1, filled))}`;
    const perStep = step > 0 ? `${Math.round((elapsed * 1000) / step)}ms/step` : '';
    const pad = String(this.steps).length;
    return `${String(step).padStart(pad)}/${this.steps} [${bar}] - ${formatSeconds(elapsed)} ${perStep}${formatLogs(logs)}`;
  }

  /** After each batch: redraws at most every 100 ms on a terminal. */
  update(step: number, logs: Logs): void {
    if (this.options.quiet || !this.options.live) return;
    const t = this.now();
    if (t - this.lastDraw < 100 && step < this.steps) return;
    this.lastDraw = t;
    this.options.write(`\r${this.line(step, logs)}`);
  }

  /** The finished line, with validation metrics. */
  finish(step: number, logs: Logs): void {
    if (this.options.quiet) return;
    this.options.write(`${this.options.live ? '\r' : ''}${this.line(step, logs)}\n`);
  }
}
