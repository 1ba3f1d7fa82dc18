/**
 * Training on the multi-threaded wasm backend: the same losses as the cpu
 * backend, more than one thread at work, no tensor leaks; and the doctor and
 * bench commands.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { loadExperiment } from '../../src/config/index.js';
import { compileExperiment } from '../../src/model/index.js';
import { benchmark } from '../../src/train/bench.js';
import { mulberry32 } from '../../src/data/random.js';
import { kernelVariant, relaxedSimdSupported } from '../../src/backend/simd/pool.js';
import { simdKernelsOnActiveBackend } from '../../src/backend/wasm-kernels/index.js';
import { experimentYaml, REPO_ROOT, runCli, tempDir, writeFiles } from '../helpers.js';

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

  it('the baseline: its loss after 5 steps with the relaxed SIMD kernels (FMA) is the plain kernels\' within 1e-4 relative', { skip: !relaxedSimdSupported() && 'this Node has no relaxed SIMD (22 and later do)' }, async () => {
    const baseline = join(REPO_ROOT, 'experiments/baseline.yaml');
    // The same dropout masks in both (they come from Math.random, as the training loop seeds it).
    const seeded = async () => {
      const real = Math.random;
      Math.random = mulberry32(5);
      try {
        return await fiveLosses(baseline);
      } finally {
        Math.random = real;
      }
    };
    await selectBackend({ request: 'wasm', threads: 2, kernels: 'plain' });
    const plain = await seeded();
    await selectBackend({ request: 'wasm', threads: 2, kernels: 'relaxed' });
    assert.deepEqual(simdKernelsOnActiveBackend(), { threads: 2, kernels: 'relaxed' });
    const relaxed = await seeded();
    assert.ok(plain[4]! < plain[0]!, `the loss falls: ${plain}`);
    relaxed.forEach((loss, i) => assert.ok(Math.abs(loss - plain[i]!) <= 1e-4 * Math.abs(plain[i]!), `step ${i}: relaxed ${loss} vs plain ${plain[i]}`));
  });

  it('runs a convolution on more than one thread with --threads 2 (per-thread CPU time, Linux)', async (t) => {
    if (!existsSync('/proc/self/task')) return t.skip('needs /proc (Linux) to read per-thread CPU time');
    await selectBackend({ request: 'wasm', threads: 2 });
    const x = tf.randomNormal([64, 28, 28, 32]);
    const f = tf.randomNormal([3, 3, 32, 32]);
    tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dispose();
    // Per-thread CPU ticks (utime + stime, /proc/self/task/<tid>/stat fields 14-15): unlike
    // process CPU time vs wall time, this holds even when other processes load the cores.
    const ticks = () =>
      new Map(
        readdirSync('/proc/self/task').map((tid) => {
          const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return [tid, Number(fields[11]) + Number(fields[12])] as const;
        }),
      );
    const before = ticks();
    for (let i = 0; i < 15; i++) tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dispose();
    const after = ticks();
    tf.dispose([x, f]);
    const busy = [...after].filter(([tid, n]) => n - (before.get(tid) ?? 0) >= 3);
    assert.ok(busy.length >= 2, `threads with >= 30 ms of CPU: ${busy.length}`);
  });

  it('leaks no tensors: the count after 50 steps equals the count after 1', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const before = tf.memory().numTensors;
    const result = await benchmark(loadExperiment(smallFile()), { steps: 50, warmup: 1 });
    assert.equal(result.tensors_after_last, result.tensors_after_first);
    assert.equal(tf.memory().numTensors, before, 'the benchmark cleans up after itself');
  });

  it('bench times forward passes and steps in turn on a CPU backend, so step/forward compares the same minutes', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    // F: a predict call; S: a step's filter gradient (one per Conv2D layer, so runs of them collapse to one S).
    const order: string[] = [];
    const predict = tf.LayersModel.prototype.predict;
    const engine = tf.engine();
    const runKernel = engine.runKernel;
    tf.LayersModel.prototype.predict = function (this: tf.LayersModel, ...args: Parameters<typeof predict>) {
      order.push('F');
      return predict.apply(this, args);
    };
    engine.runKernel = function (this: typeof engine, ...args: Parameters<typeof runKernel>) {
      if (args[0] === 'Conv2DBackpropFilter' && order.at(-1) !== 'S') order.push('S');
      return runKernel.apply(this, args);
    } as typeof runKernel;
    try {
      await benchmark(loadExperiment(smallFile()), { steps: 3, warmup: 1 });
    } finally {
      tf.LayersModel.prototype.predict = predict;
      delete (engine as { runKernel?: unknown }).runKernel; // the prototype's again
    }
    assert.equal(order.join(''), 'FS'.repeat(4), 'one warm-up round, then 3 timed rounds of a forward pass and a step');
  });
});

describe('tfexp doctor and bench', () => {
  it('doctor explains the missing native backends and shows wasm with its threads', async () => {
    const { code, stdout } = await runCli(['doctor']);
    assert.equal(code, 0);
    assert.match(stdout, /tensorflow +@tensorflow\/tfjs-node-gpu: (not installed|installed, but|available)/);
    if (spawnSync('nvidia-smi', ['-L']).status === 0) assert.match(stdout, /fix: npm install @tensorflow\/tfjs-node-gpu|running on the GPU/);
    else {
      // No NVIDIA driver: the GPU package's row says it cannot help, and gives no CUDA fix.
      assert.match(stdout, /tfjs-node-gpu: .*\n +it needs an NVIDIA GPU and its driver .* this machine has none/);
      assert.doesNotMatch(stdout, /CUDA fix|npm install @tensorflow\/tfjs-node-gpu/);
    }
    assert.match(stdout, /ok +wasm +@tensorflow\/tfjs-backend-wasm 4\.22\.0: available, SIMD, \d+ threads?/);
    assert.match(stdout, /--backend auto uses: /);
  });

  it('bench prints a row per backend and writes JSON with the figures', async () => {
    const out = join(tempDir(), 'bench.json');
    const { code, stdout, stderr } = await runCli(['bench', smallFile(), '--backend', 'wasm', '--steps', '2', '--threads', '2', '--out', out]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^backend +device +threads +kernels +batch +forward ms\/batch +train ms\/step +samples\/s +GFLOP\/s +step\/forward/);
    assert.match(stdout, new RegExp(`^wasm +cpu +2 +${kernelVariant()} +16 `, 'm'));
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const [row] = json.results;
    assert.equal(row.backend.name, 'wasm');
    assert.equal(row.batch_size, 16);
    assert.ok(row.samples_per_second > 0 && row.train_step_ms > 0 && row.forward_ms > 0);
    assert.ok(Math.abs(row.samples_per_second - (16 * 1000) / row.train_step_ms) < 0.01 * row.samples_per_second);
  });
});
