/**
 * The files of one run directory, written only here:
 *   experiment.yaml  the resolved experiment (`tfexp run` on it reproduces the run)
 *   run.json         identity, status, timing, command, backend, versions, size
 *   metrics.json     per-epoch history, test results, best epoch (rewritten after every epoch)
 *   summary.txt      the model summary table
 *   model/           the trained model (TensorFlow.js layers format)
 *   checkpoint/      weights, optimizer state and loop state of the last completed epoch
 *   plots/           filled by the plotting step
 * Every JSON and YAML file is written atomically.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
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

  writeExperiment(yaml: string): void {
    writeFileAtomic(join(this.dir, 'experiment.yaml'), yaml);
  }

  writeSummary(text: string): void {
    writeFileAtomic(join(this.dir, 'summary.txt'), text);
  }

  /** report.html: the run's self-contained report. */
  writeReport(html: string): void {
    writeFileAtomic(join(this.dir, 'report.html'), html);
  }

  writeRun(info: RunInfo): void {
    writeJsonAtomic(join(this.dir, 'run.json'), info);
  }

  readRun(): RunInfo {
    return JSON.parse(readFileSync(join(this.dir, 'run.json'), 'utf8')) as RunInfo;
  }

  writeMetrics(metrics: Metrics): void {
    writeJsonAtomic(join(this.dir, 'metrics.json'), metrics);
  }

  readMetrics(): Metrics {
    return JSON.parse(readFileSync(join(this.dir, 'metrics.json'), 'utf8')) as Metrics;
  }

  async saveModel(model: tf.LayersModel): Promise<void> {
    await saveModel(model, this.modelDir);
  }

  /**
   * Saves weights, optimizer state and loop state of a completed epoch. Written to
   * `checkpoint.new/`, then swapped in, so a crash leaves the previous checkpoint whole.
   */
  async saveCheckpoint(model: tf.LayersModel, state: CheckpointState): Promise<void> {
    const next = join(this.dir, 'checkpoint.new');
    const current = join(this.dir, 'checkpoint');
    const old = join(this.dir, 'checkpoint.old');
    rmSync(next, { recursive: true, force: true });
    await saveModel(model, next);
    await saveOptimizer(model.optimizer, next);
    writeJsonAtomic(join(next, 'state.json'), state);
    rmSync(old, { recursive: true, force: true });
    if (existsSync(current)) renameSync(current, old);
    renameSync(next, current);
    rmSync(old, { recursive: true, force: true });
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
