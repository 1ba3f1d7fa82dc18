/**
 * Training on the multi-threaded wasm backend: the same losses as the cpu
 * backend, more than one thread at work, no tensor leaks; and the doctor and
 * bench commands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { loadExperiment } from '../../src/config/index.js';
import { compileExperiment } from '../../src/model/index.js';
import { benchmark } from '../../src/train/bench.js';
import { experimentYaml, runCli, tempDir, writeFiles } from '../helpers.js';

const SMALL = experimentYaml(
  `[{type: Conv2D, filters: 4, kernel_size: 3, padding: same, activation: relu}, {type: MaxPooling2D},
    {type: Conv2D, filters: 8, kernel_size: 3, strides: 2, activation: relu}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]`,
  '  optimizer: {type: sgd, learning_rate: 0.1}\n  batch_size: 16',
);
const smallFile = () => join(writeFiles({ 'small.yaml': SMALL }), 'small.yaml');

/** Losses of 5 training steps from the experiment seed, on fixed data, on the active backend. */
async function fiveLosses(file: string): Promise<number[]> {
  const { model } = compileExperiment(loadExperiment(file));
  const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.cast(tf.randomUniform([16], 0, 10, 'int32', 2), 'float32');
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) losses.push(((await model.trainOnBatch(x, y)) as number[])[0]!);
  model.dispose();
  tf.dispose([x, y]);
  return losses;
}

describe('training on wasm', () => {
  it('gives the same losses as cpu from the same seed (relative difference < 1e-3)', async () => {
    const file = smallFile();
    await selectBackend({ request: 'cpu' });
    const cpu = await fiveLosses(file);
    await selectBackend({ request: 'wasm', threads: 2 });
    const wasm = await fiveLosses(file);
    assert.ok(cpu[4]! < cpu[0]!, `the loss falls: ${cpu}`);
    wasm.forEach((loss, i) => assert.ok(Math.abs(loss - cpu[i]!) <= 1e-3 * Math.abs(cpu[i]!), `step ${i}: wasm ${loss} vs cpu ${cpu[i]}`));
  });

  it('uses more than one core on a convolution with 2 threads (CPU time > 1.3 x wall time)', async (t) => {
    if (os.availableParallelism() < 2) return t.skip('this machine has one core');
    await selectBackend({ request: 'wasm', threads: 2 });
    const x = tf.randomNormal([64, 28, 28, 32]);
    const f = tf.randomNormal([3, 3, 32, 32]);
    tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dispose();
    // Best of 3 tries: another busy process can take the second core for a moment.
    let best = 0;
    for (let attempt = 0; attempt < 3 && best <= 1.3; attempt++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dispose();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      best = Math.max(best, (cpu.user + cpu.system) / 1000 / wall);
    }
    tf.dispose([x, f]);
    assert.ok(best > 1.3, `CPU time / wall time was at most ${best.toFixed(2)}`);
  });

  it('leaks no tensors: the count after 50 steps equals the count after 1', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const before = tf.memory().numTensors;
    const result = await benchmark(loadExperiment(smallFile()), { steps: 50, warmup: 1 });
    assert.equal(result.tensors_after_last, result.tensors_after_first);
    assert.equal(tf.memory().numTensors, before, 'the benchmark cleans up after itself');
  });
});

describe('tfexp doctor and bench', () => {
  it('doctor explains the missing native backends and shows wasm with its threads', async () => {
    const { code, stdout } = await runCli(['doctor']);
    assert.equal(code, 0);
    assert.match(stdout, /tensorflow +@tensorflow\/tfjs-node-gpu: (not installed|installed, but|available)/);
    assert.match(stdout, /fix: npm install @tensorflow\/tfjs-node-gpu|running on the GPU/);
    assert.match(stdout, /ok +wasm +@tensorflow\/tfjs-backend-wasm 4\.22\.0: available, SIMD, \d+ threads?/);
    assert.match(stdout, /--backend auto uses: /);
  });

  it('bench prints a row per backend and writes JSON with the figures', async () => {
    const out = join(tempDir(), 'bench.json');
    const { code, stdout, stderr } = await runCli(['bench', smallFile(), '--backend', 'wasm', '--steps', '2', '--threads', '2', '--out', out]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^backend +device +threads +batch +forward ms\/batch +train ms\/step +samples\/s +GFLOP\/s +step\/forward/);
    assert.match(stdout, /^wasm +cpu +2 +16 /m);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const [row] = json.results;
    assert.equal(row.backend.name, 'wasm');
    assert.equal(row.batch_size, 16);
    assert.ok(row.samples_per_second > 0 && row.train_step_ms > 0 && row.forward_ms > 0);
    assert.ok(Math.abs(row.samples_per_second - (16 * 1000) / row.train_step_ms) < 0.01 * row.samples_per_second);
  });
});
