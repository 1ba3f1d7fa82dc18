/** Small generated run folders for compare's tests: no training, only the files compare reads. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperiment } from '../../src/config/index.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * Writes a run folder `root/id` with the given experiment (as experiment.yaml),
 * status and metrics.
 * @param metricsText metrics.json's text instead of `{history, test, best}`.
 */
export function fakeRun(root: string, id: string, experiment: object, status: string, history: object[], test: object | null, metricsText?: string, best: object | null = null): string {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ id, status, duration_seconds: 12.4, params: { total: 100 }, backend: { name: 'wasm', threads: 2 } }));
  writeFileSync(join(dir, 'experiment.yaml'), JSON.stringify(experiment));
  writeFileSync(join(dir, 'metrics.json'), metricsText ?? JSON.stringify({ history, test, best }));
  return dir;
}

/** An experiment of the library (experiments/<name>.yaml), resolved as a run's experiment.yaml holds it. */
export function libraryExperiment(name: string, sets: readonly string[] = []): Record<string, unknown> {
  return loadExperiment(join(REPO_ROOT, 'experiments', `${name}.yaml`), sets).experiment as unknown as Record<string, unknown>;
}

/** The experiment files of the library, by name. */
export const LIBRARY = ['baseline', 'baseline-adam', 'baseline-bn', 'baseline-val', 'fashion-baseline', 'keras-convnet', 'vgg16-style', 'vgg16-style-narrow'] as const;

/** `epochs` epochs of training metrics, with validation when `val`. */
export function history(acc: number, epochs = 2, val = true): object[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 1 - acc + i * 0.01,
    accuracy: acc,
    ...(val ? { val_loss: 1, val_accuracy: acc - 0.01 * i } : {}),
  }));
}

/** Adds `fields` to run `dir`'s run.json: `{ name: 'intr' }` as `tfexp run --name intr` writes it. */
export function setRunInfo(dir: string, fields: object): void {
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...fields }));
}
