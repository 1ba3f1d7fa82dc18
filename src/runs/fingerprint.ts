/**
 * What makes a checkpoint valid for an experiment: the model architecture, the optimizer
 * and its arguments, the loss, the data and its preprocessing, and the seed (which fixes the
 * split, the shuffles and the dropout masks). A checkpoint records them; `tfexp resume`
 * refuses to continue when experiment.yaml no longer matches. Everything else may change
 * (epochs, as Keras's `initial_epoch` allows; callbacks; metrics; the batch size; `data.class_names`).
 */
import { createHash } from 'node:crypto';
import { flattenParams } from '../compare/params.js';
import type { Experiment } from '../config/schema/index.js';

/** Recorded in checkpoint/state.json. */
export interface Fingerprint {
  /** SHA-256 of `settings` as canonical JSON. */
  readonly sha256: string;
  /** The settings that make the checkpoint valid, as dotted paths -> values (as `tfexp compare` shows them). */
  readonly settings: Record<string, string>;
}

/** One setting that differs between a checkpoint and the experiment now. */
export interface SettingChange {
  readonly path: string;
  /** "-" where the setting is absent. */
  readonly checkpoint: string;
  readonly now: string;
}

/** The fingerprint of a resolved experiment (defaults filled in, as loadExperiment returns it). */
export function fingerprint(experiment: Experiment): Fingerprint {
  // Class names only label the outputs (evaluation.json, predict): renaming a class keeps the checkpoint valid.
  const { class_names: _names, ...data } = experiment.data;
  const relevant = { seed: experiment.seed, data, model: experiment.model, train: { optimizer: experiment.train.optimizer, loss: experiment.train.loss } };
  const settings = Object.fromEntries(flattenParams(relevant));
  return { sha256: createHash('sha256').update(JSON.stringify(settings)).digest('hex'), settings };
}

/** The settings that differ, in the checkpoint's order then the new ones; empty when the fingerprints match. */
export function fingerprintChanges(checkpoint: Fingerprint, now: Fingerprint): SettingChange[] {
  if (checkpoint.sha256 === now.sha256) return [];
  const paths = [...new Set([...Object.keys(checkpoint.settings), ...Object.keys(now.settings)])];
  return paths
    .map((path) => ({ path, checkpoint: checkpoint.settings[path] ?? '-', now: now.settings[path] ?? '-' }))
    .filter((change) => change.checkpoint !== change.now);
}
