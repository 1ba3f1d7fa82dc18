/**
 * Keras-style progress: `Epoch 3/20`, then a bar over the epoch's steps,
 * `402/938 [============>.................] - ETA: 12s - loss: 0.0477 - accuracy: 0.9882`, ending as
 * `938/938 [==============================] - 21s 22ms/step - loss: 0.0477 - accuracy: 0.9882`.
 * The numbers are the running means over the samples seen so far.
 *
 * On a terminal the bar is redrawn in place (at most every 100 ms); off a terminal (a pipe, a log
 * file, CI) each epoch prints its finished line, and during the epoch a progress line at most every
 * 30 s (`plainInterval`), so a log shows the run is alive. Evaluations (validation at the end of an
 * epoch, the test set) get the same bar. `StatusLine` says what happens before the first epoch.
 *
 * Ported from Keras 3, `keras/src/utils/progbar.py` (`Progbar.update`, `_format_time`,
 * `_estimate_step_duration`). Divergences:
 *   - the bar is Keras 2's `[====>....]` of 30 characters, not Keras 3's 20 `━` in colour, and the
 *     ETA keeps Keras 2's `ETA:` label (Keras 3 prints the bare time);
 *   - the finished line gives the elapsed time as `12s`, `3m4s`, `1h2m` (Keras: seconds only);
 *   - off a terminal Keras prints one line per update (verbose=1) or none until the end
 *     (verbose=2); tfexp prints one every `plainInterval`.
 */
import type { Logs } from './callbacks/types.js';

export interface ProgressOptions {
  /** Write a line or a partial line. */
  readonly write: (text: string) => void;
  /** Redraw in place (a terminal); else print plain lines. */
  readonly live: boolean;
  /** No progress at all (no bars, no status lines). */
  readonly quiet: boolean;
  /** Clock in milliseconds (injectable for tests). Default: `performance.now`. */
  readonly now?: () => number;
  /** Off a terminal: the least time between two progress lines, in milliseconds. Default: 30,000 (`PLAIN_INTERVAL_MS`). */
  readonly plainInterval?: number;
}

/** Off a terminal, a progress line at most this often during an epoch or an evaluation (milliseconds). */
export const PLAIN_INTERVAL_MS = 30_000;
/** On a terminal, redraw at most this often (milliseconds; Keras: 50). */
const LIVE_INTERVAL_MS = 100;
const BAR_WIDTH = 30;
/** Erases from the cursor to the end of the line (ANSI EL), so a shorter redraw leaves no tail. */
const ERASE_LINE_END = '\x1b[K';

/** `- loss: 0.0477 - accuracy: 0.9882` */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, value]) => ` - ${name}: ${Number.isFinite(value) ? value.toFixed(4) : String(value)}`)
    .join('');
}

/**
 * Elapsed time at the end of an epoch: `12s`, `3m4s`, `1h2m`. Rounded to whole seconds
 * first, so 239.6 s is `4m0s`, never `3m60s`.
 * @param seconds elapsed time, in seconds.
 */
export function formatElapsed(seconds: number): string {
  const whole = Math.round(Math.max(0, seconds));
  if (whole >= 3600) return `${Math.floor(whole / 3600)}h${Math.floor((whole % 3600) / 60)}m`;
  return whole >= 60 ? `${Math.floor(whole / 60)}m${whole % 60}s` : `${whole}s`;
}

/**
 * Time left, as Keras's `Progbar.update` writes it: `h:mm:ss` above an hour, `m:ss` above a
 * minute, else whole seconds (`12s`); seconds are truncated, as Python's `%d` does.
 * @param seconds time left, in seconds.
 */
export function formatEta(seconds: number): string {
  const s = Math.max(0, seconds);
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  if (s > 3600) return `${Math.floor(s / 3600)}:${two((s % 3600) / 60)}:${two(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s)}s`;
}

/**
 * Time per step, as Keras's `Progbar._format_time`: `2s/step` from a second up (or for 0),
 * `25ms/step` from a millisecond, else `40us/step`.
 * @param seconds time of one step, in seconds.
 */
export function formatStepTime(seconds: number, unit = 'step'): string {
  if (seconds >= 1 || seconds === 0) return `${seconds.toFixed(0)}s/${unit}`;
  if (seconds >= 1e-3) return `${(seconds * 1000).toFixed(0)}ms/${unit}`;
  return `${(seconds * 1e6).toFixed(0)}us/${unit}`;
}

/** When the last plain (non-terminal) line was printed; shared by an epoch's bar and its validation. */
interface PlainTicker {
  last: number;
}

/**
 * A bar over `target` steps. The step time leaves out the first step once there are more
 * (it compiles kernels or shaders and is not representative), as Keras's
 * `_estimate_step_duration` does.
 */
export class Progbar {
  private readonly now: () => number;
  private readonly start: number;
  private afterFirstStep: number | undefined;
  private lastDraw = -Infinity;
  private readonly ticker: PlainTicker;

  /**
   * @param target steps (batches) in all, at least 1.
   * @param label written before the count (`Test`), or '' for none.
   * @param ticker the plain-line clock to share with another bar (default: a new one starting now).
   * @param start when the work began, in the clock's milliseconds (default: now), for a bar made
   *   once the first step's numbers are in.
   */
  constructor(
    private readonly target: number,
    private readonly options: ProgressOptions,
    private readonly label = '',
    ticker?: PlainTicker,
    start?: number,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.start = start ?? this.now();
    this.ticker = ticker ?? { last: this.start };
  }

  /** Seconds since the bar started. */
  elapsed(): number {
    return (this.now() - this.start) / 1000;
  }

  /** Seconds per step, from `current` steps done at `now` (ms). */
  private perStep(current: number, now: number): number {
    if (current <= 0) return 0;
    if (this.afterFirstStep !== undefined && current > 1) return (now - this.afterFirstStep) / 1000 / (current - 1);
    if (current === 1) this.afterFirstStep = now;
    return (now - this.start) / 1000 / current;
  }

  private bar(current: number): string {
    const pad = String(this.target).length;
    const filled = Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * current) / this.target));
    const bar = current >= this.target ? '='.repeat(BAR_WIDTH) : `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${'.'.repeat(BAR_WIDTH - filled)}`;
    return `${this.label === '' ? '' : `${this.label} `}${String(current).padStart(pad)}/${this.target} [${bar}]`;
  }

  /** The line while running: count, bar, ETA, running means. */
  running(current: number, logs: Logs): string {
    const perStep = this.perStep(current, this.now());
    const eta = current > 0 ? ` - ETA: ${formatEta(perStep * (this.target - current))}` : '';
    return `${this.bar(current)}${eta}${formatLogs(logs)}`;
  }

  /** The finished line: count, bar, elapsed time, time per step, means. */
  finished(current: number, logs: Logs): string {
    const now = this.now();
    return `${this.bar(current)} - ${formatElapsed((now - this.start) / 1000)} ${formatStepTime(this.perStep(current, now))}${formatLogs(logs)}`;
  }

  /**
   * After a step: on a terminal, redraws at most every 100 ms; off a terminal, prints a line
   * when `plainInterval` has passed since the last one. The last step is left to `finish`.
   * @param current steps done, from 1.
   */
  update(current: number, logs: Logs): void {
    const now = this.now();
    if (this.options.quiet || current >= this.target) {
      this.perStep(current, now);
      return;
    }
    if (this.options.live) {
      if (now - this.lastDraw < LIVE_INTERVAL_MS) {
        this.perStep(current, now);
        return;
      }
      this.lastDraw = now;
      this.options.write(`\r${this.running(current, logs)}${ERASE_LINE_END}`);
      return;
    }
    if (now - this.ticker.last < (this.options.plainInterval ?? PLAIN_INTERVAL_MS)) {
      this.perStep(current, now);
      return;
    }
    this.ticker.last = now;
    this.options.write(`${this.running(current, logs)}\n`);
  }

  /** Writes the finished line (on a terminal over the bar). */
  finish(current: number, logs: Logs): void {
    if (this.options.quiet) return;
    this.options.write(`${this.options.live ? '\r' : ''}${this.finished(current, logs)}${this.options.live ? ERASE_LINE_END : ''}\n`);
  }
}

/** Progress of one epoch: its `Epoch e/E` line, its bar, and the validation after it. */
export class EpochProgress {
  private readonly bar: Progbar;
  private readonly ticker: PlainTicker;
  private readonly now: () => number;
  /** When the last training batch's numbers came in: validation starts then. */
  private lastUpdate: number;
  private validation: Progbar | undefined;

  /**
   * @param epoch from 1.
   * @param steps batches in the epoch.
   * @param firstStepNote said before the first step's numbers arrive (the run's first epoch:
   *   that step compiles kernels or shaders and can take seconds).
   */
  constructor(
    epoch: number,
    epochs: number,
    steps: number,
    private readonly options: ProgressOptions,
    firstStepNote?: string,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.lastUpdate = this.now();
    this.ticker = { last: this.lastUpdate };
    this.bar = new Progbar(steps, options, '', this.ticker, this.lastUpdate);
    if (options.quiet) return;
    options.write(`Epoch ${epoch}/${epochs}\n`);
    if (firstStepNote !== undefined) options.write(options.live ? firstStepNote : `${firstStepNote}\n`);
  }

  /** After each batch, with the running means. */
  update(step: number, logs: Logs): void {
    this.bar.update(step, logs);
    this.lastUpdate = this.now();
  }

  /**
   * During the validation after the epoch's last batch: a `Validation k/n` bar in place of the
   * epoch's bar on a terminal; off a terminal, a line when `plainInterval` has passed.
   * @param batch validation batches done, from 1; `batches` in all.
   */
  validating(batch: number, batches: number, logs: Logs): void {
    this.validation ??= new Progbar(batches, this.options, 'Validation', this.ticker, this.lastUpdate);
    this.validation.update(batch, logs);
  }

  /** The finished line, with validation metrics. */
  finish(step: number, logs: Logs): void {
    this.bar.finish(step, logs);
  }
}

/**
 * An evaluation's bar (the test set): `Test 3/8 [...] - ETA: 2s - loss: ...`, finished as
 * `Test 8/8 [...] - 2s 250ms/step` (the metrics follow on their own lines), or with the results
 * on the line as Keras's `evaluate` prints it (`313/313 [...] - 2s 6ms/step - loss: 0.0476 - accuracy: 0.9851`)
 * when `finish` is given them. Make it just before the evaluation starts: its clock starts then.
 * @returns the per-batch callback `evaluate` takes, and `finish` to call once it returns.
 */
export function evaluationProgress(label: string, options: ProgressOptions): { onBatch: (batch: number, batches: number, logs: Logs) => void; finish: (logs?: Logs) => void } {
  const start = (options.now ?? (() => performance.now()))();
  let bar: Progbar | undefined;
  let done = 0;
  return {
    onBatch: (batch, batches, logs) => {
      bar ??= new Progbar(batches, options, label, undefined, start);
      done = batch;
      bar.update(batch, logs);
    },
    finish: (logs = {}) => bar?.finish(done, logs),
  };
}

/**
 * What the run is doing before its first epoch (`Loading data: mnist ...`): on a terminal one
 * line rewritten in place and erased by `clear`; off a terminal, plain lines; nothing when quiet.
 */
export class StatusLine {
  private shown = false;

  constructor(private readonly options: ProgressOptions) {}

  /** Shows `text` (one short line, no newline) as what the run is doing now, replacing the previous status. */
  show(text: string): void {
    if (this.options.quiet) return;
    if (!this.options.live) {
      this.options.write(`${text}\n`);
      return;
    }
    this.options.write(`\r${text}${ERASE_LINE_END}`);
    this.shown = true;
  }

  /** Erases the status on a terminal, before other output. */
  clear(): void {
    if (!this.shown) return;
    this.options.write(`\r${ERASE_LINE_END}`);
    this.shown = false;
  }
}
