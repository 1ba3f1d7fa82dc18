/**
 * The files of one run directory, written only here:
 *   experiment.yaml  the resolved experiment (`tfexp run` on it reproduces the run)
 *   run.json         identity, status, timing, command, backend, versions, size
 *   metrics.json     per-epoch history, test results, best epoch (rewritten after every epoch)
 *   summary.txt      the model summary table
 *   model/           the trained model (TensorFlow.js layers format)
 *   checkpoint/      weights, optimizer state and loop state of the last completed epoch
 *   evaluation.json  confusion matrix, per-class scores, misclassified samples of the test set
 *                    (evaluation_train.json: `tfexp evaluate --split train`)
 *   plots/           filled by the plotting step
 * Every JSON and YAML file is written atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { evaluationFileName, type Evaluation, type EvaluationSplit } from '../evaluation/evaluation.js';
import * as message from '../log/message.js';
import { targetOfTemp, writeFileAtomic, writeFs, writeJsonAtomic } from './atomic.js';
import { WriteError, writeErrorOf, type WriteFailure } from './write-error.js';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from './model-io.js';
import type { Fingerprint } from './fingerprint.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

/** run.json. Times are ISO 8601 (UTC); durations in seconds. */
export interface RunInfo {
  id: string;
  name: string;
  status: RunStatus;
  failure_reason: string | null;
  started_at: string;
  ended_at: string | null;
  duration_seconds: number | null;
  command: string[];
  experiment_file: string;
  seed: number;
  epochs_planned: number;
  epochs_completed: number;
  /** Why training ended before epochs_planned (early stopping), if it did. */
  stopped_early: string | null;
  backend: unknown;
  versions: Record<string, string>;
  cpu: string;
  git_commit: string | null;
  params: { total: number; trainable: number; non_trainable: number };
  flops_per_sample: number;
  dataset: { name: string; train: number; validation: number; test: number; validation_from: string };
  /** The machine and process training it (src/runs/liveness.ts tells a live run from a dead one). */
  host?: string;
  pid?: number;
  /** ISO 8601; rewritten every HEARTBEAT_SECONDS while training. */
  heartbeat_at?: string | null;
}

/** metrics.json. */
export interface Metrics {
  history: Record<string, number>[];
  test: Record<string, number> | null;
  best: { monitor: string; mode: 'min' | 'max'; epoch: number; value: number } | null;
}

/** Loop state saved with each checkpoint, for `tfexp resume`. */
export interface CheckpointState {
  epoch: number;
  step: number;
  learning_rate: number;
  callbacks: unknown[];
  /** What the checkpoint is valid for (absent in checkpoints written before tfexp recorded it). */
  fingerprint?: Fingerprint;
}

export class RunStore {
  constructor(readonly dir: string) {}

  get modelDir(): string {
    return join(this.dir, 'model');
  }

  get plotsDir(): string {
    return join(this.dir, 'plots');
  }

  /** @throws WriteError (exit 1) when it cannot be written, as every write method of the store. */
  writeExperiment(yaml: string): void {
    this.guard(() => writeFileAtomic(join(this.dir, 'experiment.yaml'), yaml));
  }

  writeSummary(text: string): void {
    this.guard(() => writeFileAtomic(join(this.dir, 'summary.txt'), text));
  }

  /** report.html: the run's self-contained report. */
  writeReport(html: string): void {
    this.guard(() => writeFileAtomic(join(this.dir, 'report.html'), html));
  }

  writeRun(info: RunInfo): void {
    this.guard(() => writeJsonAtomic(join(this.dir, 'run.json'), info));
  }

  readRun(): RunInfo {
    return JSON.parse(readFileSync(join(this.dir, 'run.json'), 'utf8')) as RunInfo;
  }

  writeMetrics(metrics: Metrics): void {
    this.guard(() => writeJsonAtomic(join(this.dir, 'metrics.json'), metrics));
  }

  readMetrics(): Metrics {
    return JSON.parse(readFileSync(join(this.dir, 'metrics.json'), 'utf8')) as Metrics;
  }

  /** evaluation.json (evaluation_train.json for the train split), atomically. */
  writeEvaluation(evaluation: Evaluation): void {
    this.guard(() => writeJsonAtomic(join(this.dir, evaluationFileName(evaluation.split)), evaluation));
  }

  /** The split's evaluation file, or null when the run has none (a run made before tfexp wrote them, or not completed). */
  readEvaluation(split: EvaluationSplit): Evaluation | null {
    const file = join(this.dir, evaluationFileName(split));
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Evaluation) : null;
  }

  /** True when the run saved its trained model (`model/model.json`: it completed). */
  hasModel(): boolean {
    return existsSync(join(this.modelDir, 'model.json'));
  }

  /**
   * Saves the trained model to `model/`: written to `model.new/`, then renamed, so
   * `model/` is whole or absent.
   * @throws WriteError (exit 1) when it cannot be written; `model.new/` is removed.
   */
  async saveModel(model: tf.LayersModel): Promise<void> {
    const fs = writeFs();
    const next = join(this.dir, 'model.new');
    try {
      fs.rmSync(next, { recursive: true, force: true });
      await saveModel(model, next);
      fs.rmSync(this.modelDir, { recursive: true, force: true });
      fs.renameSync(next, this.modelDir);
    } catch (error) {
      throw this.failed(error, 'the trained model', next);
    }
  }

  /**
   * Saves weights, optimizer state and loop state of a completed epoch. Written to
   * `checkpoint.new/`, then swapped in, so a crash leaves the previous checkpoint whole.
   * @throws WriteError (exit 1) when it cannot be written (disk full, ...): `checkpoint.new/`
   *   is removed and the previous `checkpoint/` (or `checkpoint.old/`) stays whole.
   */
  async saveCheckpoint(model: tf.LayersModel, state: CheckpointState): Promise<void> {
    const fs = writeFs();
    const next = join(this.dir, 'checkpoint.new');
    const current = join(this.dir, 'checkpoint');
    const old = join(this.dir, 'checkpoint.old');
    const what = `the checkpoint of epoch ${state.epoch}`;
    try {
      fs.rmSync(next, { recursive: true, force: true });
      await saveModel(model, next);
      await saveOptimizer(model.optimizer, next);
      writeJsonAtomic(join(next, 'state.json'), state);
    } catch (error) {
      throw this.failed(error, what, next);
    }
    try {
      fs.rmSync(old, { recursive: true, force: true });
      if (existsSync(current)) fs.renameSync(current, old);
      fs.renameSync(next, current);
    } catch (error) {
      // Put the previous checkpoint back under its name if it was moved aside (loadCheckpoint would find it as checkpoint.old/ too).
      if (!existsSync(current) && existsSync(join(old, 'state.json'))) {
        try {
          fs.renameSync(old, current);
        } catch {
          // checkpoint.old/ stays whole and is found there.
        }
      }
      throw this.failed(error, what, next);
    }
    try {
      fs.rmSync(old, { recursive: true, force: true });
    } catch {
      // checkpoint/ is whole; the next save removes checkpoint.old/ first (and reports it if it still cannot).
    }
  }

  /**
   * `error` as a WriteError that names the file, what the run kept on disk (read now: the epochs
   * in metrics.json, the newest complete checkpoint) and how to resume; undefined when `error` is
   * not a failed write (not a WriteError or an errno error of `fs`). Every write method of the
   * store throws these already; this is for the failure path of a run, to describe a write error
   * from elsewhere (plots/) or to describe it again once run.json and metrics.json are updated.
   * @param what what was being saved, e.g. "the checkpoint of epoch 4"
   * @param removed partial outputs removed after the failure, e.g. "checkpoint.new/"
   */
  writeFailure(error: unknown, what?: string, removed: readonly string[] = []): WriteError | undefined {
    const errno = error as { path?: unknown; dest?: unknown } | null;
    const named = typeof errno?.dest === 'string' ? errno.dest : typeof errno?.path === 'string' ? errno.path : this.dir;
    const base = writeErrorOf(error, targetOfTemp(named));
    if (base === undefined) return undefined;
    const f = base.failure;
    const failure: WriteFailure = { ...f, what: what ?? f.what, removed: [...(f.removed ?? []), ...removed] };
    return new WriteError(
      message.runWriteFailed({ dir: this.dir, file: f.file, what: failure.what, cause: message.writeCause(f.code, f.detail), kind: f.kind, removed: failure.removed ?? [], ...this.keptOnDisk() }),
      failure,
    );
  }

  /** Runs one write, turning a failure into a WriteError with the run's context. */
  private guard(write: () => void): void {
    try {
      write();
    } catch (error) {
      throw this.writeFailure(error) ?? error;
    }
  }

  /** After a failed folder write: removes the partial `folder` and returns the error to throw. */
  private failed(error: unknown, what: string, folder: string): unknown {
    const existed = existsSync(folder);
    try {
      writeFs().rmSync(folder, { recursive: true, force: true });
    } catch {
      // Reported below as not removed (it stays out of checkpointDir's way: it is never loaded).
    }
    const removed = existed && !existsSync(folder) ? [`${basename(folder)}/`] : [];
    return this.writeFailure(error, what, removed) ?? error;
  }

  /** What the run has on disk now, for a WriteError's message. */
  private keptOnDisk() {
    const read = (...parts: string[]): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(readFileSync(join(this.dir, ...parts), 'utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    const history = read('metrics.json')?.history;
    const metricsEpochs = Array.isArray(history) ? history.map((r) => (r as { epoch?: unknown }).epoch).filter((e): e is number => typeof e === 'number') : null;
    const folder = this.checkpointDir();
    const epoch = folder === undefined ? undefined : read(basename(folder), 'state.json')?.epoch;
    const checkpoint = folder !== undefined && typeof epoch === 'number' ? { folder: basename(folder), epoch } : null;
    const run = read('run.json');
    const resumable = run !== undefined && existsSync(join(this.dir, 'experiment.yaml')) && metricsEpochs !== null;
    const finished = checkpoint !== null && typeof run?.epochs_planned === 'number' && checkpoint.epoch >= run.epochs_planned;
    return { metricsEpochs, checkpoint, resumable, finished };
  }

  /** True when `dir` holds a run (its run.json). */
  isRun(): boolean {
    return existsSync(join(this.dir, 'run.json'));
  }

  /**
   * The newest complete checkpoint folder: `checkpoint/`, or `checkpoint.old/` when a crash
   * came between the two renames of `saveCheckpoint`; undefined when there is none.
   */
  private checkpointDir(): string | undefined {
    return ['checkpoint', 'checkpoint.old'].map((name) => join(this.dir, name)).find((dir) => existsSync(join(dir, 'state.json')));
  }

  hasCheckpoint(): boolean {
    return this.checkpointDir() !== undefined;
  }

  /** The newest checkpoint's loop state (state.json) without loading its weights, or null when there is none. */
  checkpointState(): CheckpointState | null {
    const dir = this.checkpointDir();
    return dir === undefined ? null : (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState);
  }

  /** Loads the checkpointed weights into `model` and optimizer; returns the loop state. */
  async loadCheckpoint(model: tf.LayersModel): Promise<CheckpointState> {
    const dir = this.checkpointDir();
    if (dir === undefined) throw new Error(`no checkpoint in ${this.dir}`);
    const saved = await loadModel(dir);
    model.setWeights(saved.getWeights());
    saved.dispose();
    await loadOptimizer(model.optimizer, dir);
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  }
}
