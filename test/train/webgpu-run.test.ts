/**
 * Training on webgpu end to end (on SwiftShader where there is no GPU): tfexp run and
 * resume, repeatability, device-side pixel decoding, no leaks, no split-K matmul.
 */
import { SWIFTSHADER_ICD, useWebGpu } from '../webgpu-env.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { stopWebGpu } from '../../src/backend/webgpu/start.js';
import { loadExperiment } from '../../src/config/index.js';
import { gatherBatch } from '../../src/data/batches.js';
import { batches, type DataSplit } from '../../src/data/index.js';
import { compileExperiment } from '../../src/model/index.js';
import * as message from '../../src/log/message.js';
import { runExperiment } from '../../src/train/run.js';
import { ResultQueue, trainStep } from '../../src/train/step.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';
import { tfexp } from './spawn.js';

const webgpu = await useWebGpu();
const skip = typeof webgpu === 'string' ? webgpu : false;
const quiet = { quiet: true, backend: 'webgpu' as const, write: () => {} };
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** metrics.json's history without the timings, which differ between runs. */
const numbers = (history: Record<string, number>[]) => history.map(({ seconds: _s, ...rest }) => rest);

after(async () => {
  await tf.setBackend('cpu');
  stopWebGpu();
});

describe('tfexp run --backend webgpu', { skip }, () => {
  it('writes a complete run directory recording the adapter; Ctrl-C then resume completes it', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    let seen = '';
    const env = { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD };
    const { child, done } = tfexp(['run', file, '--runs-dir', runsDir, '--backend', 'webgpu'], (text) => {
      seen += text;
      if (/Epoch 2\/3/.test(seen) && !child.killed) child.kill('SIGINT');
    }, env);
    assert.equal(await done, 130, seen);
    const dir = join(runsDir, readdirSync(runsDir)[0]!);
    assert.equal(json(join(dir, 'run.json')).status, 'interrupted');
    assert.ok(existsSync(join(dir, 'checkpoint', 'state.json')), 'checkpoint of epoch 1');

    // `tfexp resume` as the hint says, no --backend: it continues on the backend the run used.
    let resumedOutput = '';
    const resume = tfexp(['resume', dir], (text) => void (resumedOutput += text), env);
    assert.equal(await resume.done, 0, resumedOutput);
    assert.ok(resumedOutput.includes(message.resumingOnBackend('webgpu')), resumedOutput);
    const resumed = { info: json(join(dir, 'run.json')), metrics: json(join(dir, 'metrics.json')) as { history: { epoch: number }[]; test: Record<string, number> | null } };
    assert.equal(resumed.info.status, 'completed');
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'evaluation.json', 'experiment.yaml', 'metrics.json', 'model', 'plots', 'report.html', 'run.json', 'summary.txt']);
    const run = json(join(dir, 'run.json'));
    assert.equal(run.backend.name, 'webgpu');
    assert.equal(run.backend.adapter.kind, 'software');
    assert.ok(run.backend.adapter.description.length > 0, JSON.stringify(run.backend.adapter));
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes(run.backend.adapter.description), 'report.html names the adapter');
    assert.deepEqual(resumed.metrics.history.map((r) => r.epoch), [1, 2, 3]);
    assert.ok(resumed.metrics.test!['accuracy']! > 0.8, JSON.stringify(resumed.metrics.test));
  });

  it('the same experiment and seed give the same metrics, to the last digit', async () => {
    const file = writeRunFixture();
    const first = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['train.epochs=2'] });
    const second = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['train.epochs=2'] });
    assert.deepEqual(numbers(second.metrics.history), numbers(first.metrics.history));
    assert.deepEqual(second.metrics.test, first.metrics.test);
  });
});

describe('webgpu kernels of tfexp', { skip }, () => {
  it('pixels decoded on the device equal the host float32 path bit for bit (every byte value, odd lengths)', async () => {
    await useWebGpu();
    const count = 7;
    const images = Uint8Array.from({ length: count * 5 * 3 * 1 }, (_, i) => (i * 37 + 11) % 256);
    images.set(Uint8Array.from({ length: 256 }, (_, i) => i).subarray(0, images.length));
    const split: DataSplit = { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count };
    const order = Uint32Array.from([6, 0, 3, 5, 1, 2, 4]);
    for (const normalize of [true, false]) {
      let start = 0;
      for (const { xs, ys } of batches(split, order, { batchSize: 3, sampleShape: [5, 3, 1], normalize })) {
        const chosen = order.subarray(start, start + xs.shape[0]);
        const host = gatherBatch(split, chosen, 15, normalize);
        assert.deepEqual(xs.shape, [chosen.length, 5, 3, 1]);
        assert.deepEqual(await xs.data(), host.xs);
        assert.deepEqual(await ys.data(), host.ys);
        tf.dispose([xs, ys]);
        start += chosen.length;
      }
    }
  });

  it('a matrix product with a long inner dimension runs without atomics and repeats exactly', async () => {
    await useWebGpu();
    const backend = tf.backend() as unknown as { runWebGPUProgram: (program: { atomic?: boolean; shaderKey: string }, ...rest: unknown[]) => unknown };
    const run = backend.runWebGPUProgram.bind(backend);
    const programs: { atomic?: boolean; shaderKey: string }[] = [];
    backend.runWebGPUProgram = (program, ...rest) => (programs.push(program), run(program, ...rest));
    try {
      const a = tf.randomUniform([32, 2304], -1, 1, 'float32', 1);
      const b = tf.randomUniform([2304, 10], -1, 1, 'float32', 2);
      const first = await tf.matMul(a, b).data();
      const second = await tf.matMul(a, b).data();
      assert.deepEqual(second, first);
      assert.ok(programs.length > 0 && programs.every((p) => p.atomic !== true), programs.map((p) => p.shaderKey).join(', '));
      tf.dispose([a, b]);
    } finally {
      backend.runWebGPUProgram = run;
    }
  });

  it('50 training steps leave as many tensors and GPU bytes as 1 (batches, steps, read-back)', async () => {
    await useWebGpu();
    const loaded = loadExperiment(writeRunFixture(), []);
    const { model } = compileExperiment(loaded);
    const count = 64;
    const split: DataSplit = { images: Uint8Array.from({ length: count * 64 }, (_, i) => (i * 7) % 256), labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count };
    const indices = Uint32Array.from({ length: count }, (_, i) => i);
    const results = new ResultQueue<number>(4, () => {});
    const memory: tf.MemoryInfo[] = [];
    for (let step = 1; step <= 50; step++) {
      const { xs, ys } = batches(split, indices.subarray((step * 16) % count, (step * 16) % count + 16), { batchSize: 16, sampleShape: [8, 8, 1] }).next().value!;
      await results.push(trainStep(model, xs, ys), step);
      tf.dispose([xs, ys]);
      if (step === 1 || step === 50) {
        await results.drain();
        memory.push(tf.memory());
      }
    }
    const [first, last] = memory as [tf.MemoryInfo & { numBytesInGPU?: number }, tf.MemoryInfo & { numBytesInGPU?: number }];
    assert.equal(last.numTensors, first.numTensors);
    assert.equal(last.numBytesInGPU, first.numBytesInGPU);
    assert.ok(first.numBytesInGPU! > 0, 'the webgpu backend counts its GPU bytes');
    model.optimizer.dispose();
    model.dispose();
  });
});
