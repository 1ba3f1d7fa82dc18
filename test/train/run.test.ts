/** tfexp run and resume on a tiny generated dataset: directory contents, statuses, reproducibility. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadExperiment } from '../../src/config/index.js';
import { createRunDir, sanitizeName } from '../../src/runs/dir.js';
import { loadModel } from '../../src/runs/model-io.js';
import { resumeRun, runExperiment } from '../../src/train/run.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';
import { tfexp } from './spawn.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('tfexp run', () => {
  it('trains and writes every file of the run directory', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    const said: string[] = [];
    const { dir, info, metrics } = await runExperiment(file, { ...quiet, quiet: false, live: false, write: (t) => void said.push(t), runsDir });
    // The header gives the training memory estimate at the step's batch size, against the wasm heap.
    assert.match(said.join(''), /\nMemory: about [\d.]+ [KMG]?B per training step at batch size 16 \(the wasm backend holds at most 3\.\d+ GB\)\n/);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'evaluation.json', 'experiment.yaml', 'metrics.json', 'model', 'plots', 'report.html', 'run.json', 'summary.txt']);
    const run = json(join(dir, 'run.json'));
    assert.equal(run.status, 'completed');
    assert.equal(run.epochs_completed, 3);
    assert.equal(run.backend.name, 'wasm');
    assert.equal(run.command[0], 'tfexp', 'the command as typed, not the script path npx resolved');
    assert.equal(run.params.total, 4 * 9 + 4 + 64 * 3 + 3);
    assert.ok(run.duration_seconds > 0 && run.ended_at !== null);
    assert.deepEqual(run.dataset, { name: 'idx', train: 192, validation: 48, test: 60, validation_from: 'split' });
    const m = json(join(dir, 'metrics.json'));
    assert.deepEqual(metrics, m);
    assert.deepEqual(m.history.map((r: { epoch: number }) => r.epoch), [1, 2, 3]);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds', 'learning_rate', 'num_tensors']) {
      assert.ok(typeof m.history[0][key] === 'number', `history has ${key}`);
    }
    assert.ok(m.history[2].loss < m.history[0].loss, 'it learns');
    assert.ok(m.test.accuracy > 0.8, `test accuracy ${m.test.accuracy}`);
    assert.equal(m.best.monitor, 'val_loss');
    assert.equal(new Set(m.history.map((r: { num_tensors: number }) => r.num_tensors)).size, 1, 'tensor count is flat across epochs');
    assert.equal(info.status, 'completed');
    // The saved model loads and predicts like a model of this shape.
    const model = await loadModel(join(dir, 'model'));
    assert.deepEqual((model.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor).shape, [2, 3]);
    model.dispose();
    // experiment.yaml reproduces the resolved experiment.
    assert.deepEqual(loadExperiment(join(dir, 'experiment.yaml')).experiment.train, loadExperiment(file).experiment.train);
    const summary = readFileSync(join(dir, 'summary.txt'), 'utf8');
    assert.match(summary, /Total params: 235 /);
    assert.match(summary, /Training memory per step at batch size 16 \(estimate, float32\):[\s\S]*Fits the wasm backend/);
    assert.deepEqual(readdirSync(join(dir, 'plots')).sort(), [
      ...['confusion_matrix', 'misclassified'].flatMap((chart) => [`${chart}.png`, `${chart}.svg`, `${chart}.vl.json`]),
      'training.png',
      'training.svg',
      'training.vl.json',
    ]);
  });

  it('a wasm worker trap (an uncaught exception) ends the run in one line, exit 1, with run.json failed', async () => {
    const runsDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/train/crash-child.ts'), writeRunFixture(), runsDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 1, stderr);
    const [runDir] = readdirSync(runsDir);
    assert.ok(stderr.startsWith('run failed: the WebAssembly backend ran out of memory (memory access out of bounds) at epoch 2, batch 1 (batch size 16); '), stderr);
    assert.match(stderr, /use --set train\.batch_size=8 or a smaller model/);
    assert.equal(stderr.trim().split('\n').length, 1, 'one line, no stack, no module source');
    assert.match(stderr, new RegExp(`\\(details in ${runsDir}/${runDir}/run\\.json\\)\n$`));
    const run = json(join(runsDir, runDir!, 'run.json'));
    assert.equal(run.status, 'failed');
    assert.match(run.failure_reason, /^the WebAssembly backend ran out of memory \(memory access out of bounds\) at epoch 2/);
    assert.equal(json(join(runsDir, runDir!, 'metrics.json')).history.length, 1, 'epoch 1 is kept');
  });

  it('repeats exactly with the same seed, and differs with another', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    const a = await runExperiment(file, { ...quiet, runsDir });
    const b = await runExperiment(file, { ...quiet, runsDir });
    const c = await runExperiment(file, { ...quiet, runsDir, sets: ['seed=8'] });
    const losses = (r: typeof a) => r.metrics.history.map((h) => [h.loss, h.val_loss, h.accuracy]);
    assert.deepEqual(losses(a), losses(b));
    assert.deepEqual(a.metrics.test, b.metrics.test);
    assert.notDeepEqual(losses(a), losses(c));
    assert.notEqual(a.dir, b.dir, 'runs started in the same second get their own folders');
  });

  it('uses the test set for validation when data.validation is test', async () => {
    const { info } = await runExperiment(writeRunFixture('', '  validation: test'), { ...quiet, runsDir: tempDir(), sets: ['data.validation_split=0'] });
    assert.deepEqual(info.dataset, { name: 'idx', train: 240, validation: 60, test: 60, validation_from: 'test' });
  });
});

describe('run directories', () => {
  it('two runs in the same second get different folders', () => {
    const runsDir = tempDir();
    const now = new Date('2026-11-29T12:00:00Z');
    const a = createRunDir(runsDir, 'x', now);
    const b = createRunDir(runsDir, 'x', now);
    assert.equal(a.id, '20261129-120000-x');
    assert.equal(b.id, '20261129-120000-x-2');
  });

  it('a name with ../ or slashes stays inside the runs folder', async () => {
    assert.equal(sanitizeName('../../etc/passwd'), 'etc_passwd');
    assert.equal(sanitizeName('..'), 'run');
    const runsDir = tempDir();
    const { dir } = await runExperiment(writeRunFixture(), { ...quiet, runsDir, name: '../escape/me', sets: ['train.epochs=1'] });
    assert.equal(join(dir, '..'), runsDir);
    assert.match(dir, /-escape_me$/);
  });
});

/** Spawns `tfexp` with args; resolves with its exit code once it ends. */
describe('interrupt and resume', () => {
  it('SIGINT stops after the current batch (status interrupted, exit 130); resume finishes with the right epoch numbers', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    let seen = '';
    const { child, done } = tfexp(['run', file, '--runs-dir', runsDir, '--set', 'train.epochs=40', '--backend', 'wasm', '--threads', '1'], (text) => {
      seen += text;
      if (/Epoch 3\/40/.test(seen) && !child.killed) child.kill('SIGINT');
    });
    assert.equal(await done, 130, seen);
    const [id] = readdirSync(runsDir);
    const dir = join(runsDir, id!);
    const run = json(join(dir, 'run.json'));
    assert.equal(run.status, 'interrupted');
    const before = json(join(dir, 'metrics.json')).history.map((r: { epoch: number }) => r.epoch);
    assert.ok(before.length >= 2, `kept the finished epochs: ${before}`);
    assert.deepEqual(before, before.map((_: number, i: number) => i + 1));
    assert.ok(existsSync(join(dir, 'checkpoint', 'state.json')));

    const resumed = await resumeRun(dir, { ...quiet, sets: [] });
    assert.equal(resumed.info.status, 'completed');
    const epochs = resumed.metrics.history.map((r) => r.epoch);
    assert.deepEqual(epochs, Array.from({ length: 40 }, (_, i) => i + 1));
    assert.equal(json(join(dir, 'run.json')).status, 'completed');
  });
});
