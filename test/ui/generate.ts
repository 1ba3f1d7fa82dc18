/**
 * Generated run folders for the dashboard's tests and its 1,000-run measurement: each
 * with run.json, metrics.json (smooth, seeded curves), experiment.yaml (the resolved
 * baseline with its own learning rate, batch size and seed, as `tfexp render` writes it),
 * summary.txt and report.html; grouped into sweeps (sweep.json, a learning-rate x
 * batch-size grid with repeated seeds) plus loose runs of a few experiment names.
 * Nothing is trained: a folder of 1,000 runs takes a few seconds to write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperiment } from '../../src/config/index.js';
import { experimentToYaml } from '../../src/config/render.js';
import { mulberry32 } from '../../src/data/random.js';
import { BASELINE } from '../helpers.js';

export interface GeneratedRun {
  readonly id: string;
  readonly name: string;
  readonly lr: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly epochs: number;
  readonly testAccuracy: number;
  readonly status: 'completed' | 'failed' | 'interrupted';
}

/** The resolved baseline experiment, once. */
let base: Record<string, unknown> | undefined;
const baseline = () => (base ??= structuredClone(loadExperiment(BASELINE).experiment) as unknown as Record<string, unknown>);

const LRS = [0.01, 0.003, 0.001, 0.0003, 0.0001];
const BATCH_SIZES = [32, 64, 128];
const NAMES = ['baseline', 'baseline-adam', 'baseline-bn', 'keras-convnet', 'vgg16-style-narrow'];

/** The start time of run `i`: one minute apart from 2026-12-01 08:00 UTC. */
const startOf = (i: number) => new Date(Date.UTC(2026, 11, 1, 8, 0, 0) + i * 60_000);

/** `YYYYMMDD-HHMMSS`, as run folders are named. */
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * Writes one run folder.
 * @param index orders start times (and folder names).
 */
export function writeRun(dir: string, index: number, run: Omit<GeneratedRun, 'id' | 'testAccuracy'> & { readonly experiment?: string }): number {
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const random = mulberry32(run.seed * 7919 + Math.round(run.lr * 1e6) + run.batchSize + index);
  // Better with learning rates near 1e-3, and a little noise per seed.
  const quality = 0.985 - 0.01 * Math.abs(Math.log10(run.lr) + 3) - 0.00003 * run.batchSize;
  const history = Array.from({ length: run.epochs }, (_, e) => {
    const progress = 1 - Math.exp(-(e + 1) / 2);
    const accuracy = Math.min(0.9999, quality * progress + 0.1 * (1 - progress) + (random() - 0.5) * 0.01);
    const valAccuracy = Math.min(0.9999, accuracy - 0.004 + (random() - 0.5) * 0.01);
    return {
      epoch: e + 1,
      loss: -Math.log(Math.max(accuracy, 0.05)) * 1.2 + random() * 0.01,
      accuracy,
      val_loss: -Math.log(Math.max(valAccuracy, 0.05)) * 1.25 + random() * 0.01,
      val_accuracy: valAccuracy,
      seconds: 10 + random(),
      learning_rate: run.lr,
      num_tensors: 20,
    };
  });
  const last = history[history.length - 1]!;
  const testAccuracy = run.status === 'completed' ? Math.round((last.val_accuracy + 0.002) * 1e4) / 1e4 : NaN;
  const experiment = structuredClone(baseline());
  // A sweep's points keep their experiment's name; run.json names them <name>-<index> (as --name does).
  experiment.name = run.experiment ?? run.name;
  experiment.seed = run.seed;
  const train = experiment.train as Record<string, unknown>;
  (train.optimizer as Record<string, unknown>).learning_rate = run.lr;
  train.batch_size = run.batchSize;
  train.epochs = run.status === 'completed' ? run.epochs : run.epochs + 2;
  const started = startOf(index);
  const duration = history.reduce((a, r) => a + r.seconds, 0);
  const info = {
    id: dir.split('/').pop(),
    name: run.name,
    status: run.status,
    failure_reason: run.status === 'failed' ? 'the loss became NaN at epoch 3, batch 12 (TerminateOnNaN)' : run.status === 'interrupted' ? 'interrupted by the user (Ctrl-C)' : null,
    started_at: started.toISOString(),
    ended_at: new Date(started.getTime() + duration * 1000).toISOString(),
    duration_seconds: duration,
    command: ['tfexp', 'run', 'experiments/baseline.yaml'],
    experiment_file: '/work/experiments/baseline.yaml',
    seed: run.seed,
    epochs_planned: train.epochs,
    epochs_completed: run.epochs,
    stopped_early: null,
    backend: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: 2, adapter: null, reason: 'fastest available', skipped: [{ backend: 'webgpu', reason: 'no WebGPU adapter: no Vulkan driver is installed' }], warnings: [] },
    versions: { tfexp: '0.1.0', tfjs: '4.22.0', tfjs_backend_wasm: '4.22.0', node: 'v20.20.2', platform: 'linux x64' },
    cpu: 'AMD EPYC',
    git_commit: null,
    params: { total: 1194730, trainable: 1194730, non_trainable: 0 },
    flops_per_sample: 98_765_432,
    dataset: { name: 'mnist', train: 60000, validation: 0, test: 10000, validation_from: 'test' },
    host: 'generated',
    pid: 1,
    heartbeat_at: started.toISOString(),
  };
  const metrics = { history, test: run.status === 'completed' ? { loss: -Math.log(testAccuracy), accuracy: testAccuracy } : null, best: { monitor: 'val_loss', mode: 'min', epoch: run.epochs, value: last.val_loss } };
  writeFileSync(join(dir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
  writeFileSync(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  writeFileSync(join(dir, 'experiment.yaml'), experimentToYaml(experiment));
  writeFileSync(join(dir, 'summary.txt'), `Model: "${run.name}"\n(generated run: no model)\nTotal params: 1,194,730\n`);
  writeFileSync(join(dir, 'report.html'), '<!DOCTYPE html><title>report</title><p>generated</p>\n');
  return testAccuracy;
}

export interface GenerateOptions {
  /** Runs in all. Default: 1,000. */
  readonly runs?: number;
  /** Points per sweep (a grid of learning rate x batch size x seeds). Default: 45 (5 x 3 x 3). */
  readonly perSweep?: number;
  /** Share of the runs inside sweeps. Default: 0.9. */
  readonly inSweeps?: number;
  /** Epochs per run. Default: 10. */
  readonly epochs?: number;
}

/**
 * Fills `root` with generated runs (see the module comment).
 * @returns every run written, in order.
 */
export function generateRuns(root: string, options: GenerateOptions = {}): GeneratedRun[] {
  const total = options.runs ?? 1000;
  const perSweep = options.perSweep ?? 45;
  const epochs = options.epochs ?? 10;
  const swept = Math.floor((total * (options.inSweeps ?? 0.9)) / perSweep) * perSweep;
  const runs: GeneratedRun[] = [];
  let index = 0;
  for (let s = 0; s < swept / perSweep; s++) {
    const name = NAMES[s % NAMES.length]!;
    const sweepId = `${stamp(startOf(index))}-${name}-sweep`;
    const points: Record<string, unknown>[] = [];
    for (let p = 0; p < perSweep; p++) {
      const lr = LRS[p % LRS.length]!;
      const batchSize = BATCH_SIZES[Math.floor(p / LRS.length) % BATCH_SIZES.length]!;
      const seed = 1 + Math.floor(p / (LRS.length * BATCH_SIZES.length));
      const id = `${stamp(startOf(index))}-${name}-${p + 1}`;
      const run = { name: `${name}-${p + 1}`, experiment: name, lr, batchSize, seed, epochs, status: 'completed' as const };
      const testAccuracy = writeRun(join(root, sweepId, id), index, run);
      runs.push({ ...run, id: `${sweepId}/${id}`, testAccuracy });
      points.push({ index: p + 1, values: { 'train.optimizer.learning_rate': lr, 'train.batch_size': batchSize }, seed, sets: [], status: 'completed', run: id, reason: null });
      index += 1;
    }
    const sweep = { id: sweepId, name, experiment_file: BASELINE, sets: [], axes: { 'train.optimizer.learning_rate': LRS, 'train.batch_size': BATCH_SIZES }, seeds: [1, 2, 3], created_at: startOf(index).toISOString(), points };
    writeFileSync(join(root, sweepId, 'sweep.json'), `${JSON.stringify(sweep, null, 2)}\n`);
  }
  while (index < total) {
    const name = NAMES[index % NAMES.length]!;
    const status = index % 17 === 3 ? 'failed' : index % 23 === 5 ? 'interrupted' : 'completed';
    const run = { name, lr: LRS[index % LRS.length]!, batchSize: BATCH_SIZES[index % BATCH_SIZES.length]!, seed: 42, epochs: status === 'completed' ? epochs : 3, status } as const;
    const id = `${stamp(startOf(index))}-${name}`;
    const testAccuracy = writeRun(join(root, id), index, run);
    runs.push({ ...run, id, testAccuracy });
    index += 1;
  }
  return runs;
}

/**
 * Run folder names a URL must carry whole: a comma (older compare links split on it), a
 * percent sign and a literal `%2C` (decoded twice by them), `&` and `+` (query syntax).
 */
export const AWKWARD_IDS = ['20261203-080000-lr=0.1,bs=8', '20261203-080100-top-5%', '20261203-080200-a%2Cb&c+d'] as const;

/**
 * Writes one completed run under each of AWKWARD_IDS in `root` (learning rates 0.1, 0.01,
 * 0.001, so they differ in a setting).
 * @returns the runs written, in AWKWARD_IDS's order.
 */
export function writeAwkwardRuns(root: string, epochs = 4): GeneratedRun[] {
  return AWKWARD_IDS.map((id, i) => {
    const run = { name: 'awkward', lr: 10 ** -(i + 1), batchSize: 32, seed: 42, epochs, status: 'completed' as const };
    const testAccuracy = writeRun(join(root, id), 2000 + i, run);
    return { ...run, id, testAccuracy };
  });
}
