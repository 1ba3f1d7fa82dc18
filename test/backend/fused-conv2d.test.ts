/**
 * A Conv2D layer's convolution, bias add and activation as one kernel in training
 * (src/model/conv2d-bias-activation.ts, src/model/layers/fused-conv2d.ts): forward and the three
 * gradients equal tfjs's unfused ops on the `cpu` backend, on cpu itself (tfjs ops for the
 * gradient), on wasm with tfexp's SIMD kernels (each kernel build this Node runs) and with them
 * off (the fallbacks). Tolerance as test/backend/wasm-kernels.test.ts: max |a - b| <= 1e-4 *
 * max(1, max |b|). Then: what a training step runs, and that saved models stay tfjs's Conv2D.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { relaxedSimdSupported, type KernelVariant } from '../../src/backend/simd/pool.js';
import { useSimdKernels } from '../../src/backend/wasm-kernels/index.js';
import { loadExperiment } from '../../src/config/index.js';
import { conv2dBiasActivation, type FusedActivation } from '../../src/model/conv2d-bias-activation.js';
import { compileExperiment } from '../../src/model/index.js';
import { conv2dLayer } from '../../src/model/layers/fused-conv2d.js';
import { loadModel, saveModel } from '../../src/runs/model-io.js';
import { experimentYaml, tempDir, writeFiles } from '../helpers.js';
import { assertClose, on } from './close.js';

const VARIANTS: KernelVariant[] = relaxedSimdSupported() ? ['plain', 'relaxed'] : ['plain'];

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { x: [2, 9, 9, 4], f: [3, 3, 4, 8], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 6], f: [3, 3, 6, 13], strides: 2, pad: 'same' },
  { x: [3, 8, 8, 9], f: [2, 3, 9, 17], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 5], f: [3, 3, 5, 16], strides: 2, pad: 'valid' },
  { x: [2, 7, 7, 1], f: [3, 3, 1, 32], strides: 1, pad: 'same' }, // a first layer on grayscale: XNNPACK forward
  { x: [2, 7, 10, 5], f: [3, 2, 5, 12], strides: [1, 2], pad: 'same' }, // non-square strides, input and filter
];

const stridesOf = (c: Case): [number, number] => (typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides);

/** [y, dx, dfilter, dbias] of activation(conv(x, f) + b) against a fixed dy, by `conv` (fused or not). */
function outputAndGrads(c: Case, activation: FusedActivation, withBias: boolean, fused: boolean): tf.Tensor[] {
  const x = tf.randomUniform(c.x, -1, 1, 'float32', 1);
  const f = tf.randomUniform(c.f, -1, 1, 'float32', 2);
  const b = tf.randomUniform([c.f[3]], -1, 1, 'float32', 3);
  const conv = (xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor | null): tf.Tensor => {
    if (fused) return conv2dBiasActivation(xs, fs, bs, { strides: stridesOf(c), padding: c.pad, activation });
    const z = tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, stridesOf(c), c.pad);
    const zb = bs === null ? z : tf.add(z, bs);
    return activation === 'relu' ? tf.relu(zb) : zb;
  };
  const y = conv(x, f, withBias ? b : null);
  const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 4);
  const loss = (...args: tf.Tensor[]) => tf.sum(tf.mul(conv(args[0]!, args[1]!, args[2] ?? null), dy));
  return [y, ...tf.grads(loss)(withBias ? [x, f, b] : [x, f])];
}

const runs: { name: string; start: () => Promise<unknown>; simd: boolean }[] = [
  { name: 'cpu (gradient by tfjs ops)', start: () => selectBackend({ request: 'cpu' }), simd: true },
  ...VARIANTS.map((kernels) => ({ name: `wasm, ${kernels} SIMD kernels`, start: () => selectBackend({ request: 'wasm', threads: 2, kernels }), simd: true })),
  { name: 'wasm, SIMD kernels off (fallbacks)', start: () => selectBackend({ request: 'wasm', threads: 2, kernels: 'plain' }), simd: false },
];

for (const run of runs) {
  describe(`conv2dBiasActivation on ${run.name} equals tfjs's unfused ops on cpu`, () => {
    for (const c of CASES) {
      for (const activation of ['relu', 'linear'] as const) {
        for (const withBias of [true, false]) {
          it(`x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}, ${withBias ? 'bias + ' : 'no bias, '}${activation}: y, dx, dfilter${withBias ? ', dbias' : ''}`, async () => {
            const expected = await on('cpu', () => outputAndGrads(c, activation, withBias, false));
            await run.start();
            useSimdKernels(run.simd);
            const actual = await on(tf.getBackend() as 'cpu' | 'wasm', () => outputAndGrads(c, activation, withBias, true)).finally(() => useSimdKernels(true));
            ['y', 'dx', 'dfilter', 'dbias'].slice(0, actual.length).forEach((what, i) => assertClose(actual[i]!, expected[i]!, what));
          });
        }
      }
    }
  });
}

describe('conv2dBiasActivation in training', () => {
  it('computes only the gradients the tape asks for: no input gradient for a model\'s input', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const x = tf.randomUniform([2, 6, 6, 4], -1, 1, 'float32', 5);
    const f = tf.variable(tf.randomUniform([3, 3, 4, 8], -1, 1, 'float32', 6));
    const b = tf.variable(tf.zeros([8]));
    const profile = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(conv2dBiasActivation(x, f, b, { strides: [1, 1], padding: 'same', activation: 'relu' })) as tf.Scalar, [f, b]);
      tf.dispose(Object.values(grads));
    });
    const names = profile.kernelNames;
    assert.ok(names.includes('FusedConv2D') && names.includes('Conv2DBackpropFilter') && names.includes('TfexpReluBiasGrad'), names.join(', '));
    assert.ok(!names.includes('Conv2DBackpropInput'), names.join(', '));
    tf.dispose([x, f, b]);
  });

  it('a training step runs one FusedConv2D per Conv2D layer and no separate Add, Relu or Step on wasm', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const yaml = experimentYaml('[{type: Conv2D, filters: 8, kernel_size: 3, activation: relu}, {type: Conv2D, filters: 8, kernel_size: 3, strides: 2}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]');
    const { model } = compileExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml')));
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7);
    const y = tf.tensor1d([1, 2, 3, 4]);
    await model.trainOnBatch(x, y); // optimizer slots created outside the profile
    const { kernels } = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    const count = (name: string) => kernels.filter((k) => k.name === name).length;
    assert.equal(count('FusedConv2D'), 2);
    assert.equal(count('Conv2D'), 0);
    assert.equal(count('TfexpReluBiasGrad'), 1);
    for (const name of ['Relu', 'Step']) assert.equal(count(name), 0, name);
    assert.equal(count('Conv2DBackpropInput'), 1, 'only the second layer\'s');
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('the fused Conv2D layer against tfjs-layers\' own Conv2D', () => {
  for (const activation of ['relu', 'linear', 'tanh'] as const) {
    it(`one SGD step from the same weights, ${activation}: the same kernel and bias (1e-5 relative)`, async () => {
      await selectBackend({ request: 'wasm', threads: 2 });
      const args = { filters: 6, kernelSize: [3, 2] as [number, number], strides: [1, 2] as [number, number], padding: 'same' as const, activation, kernelInitializer: 'glorotUniform' as const };
      const x = tf.randomUniform([3, 8, 9, 4], -1, 1, 'float32', 11);
      const ours = conv2dLayer(args);
      const theirs = tf.layers.conv2d(args);
      const dy = tf.randomUniform(tf.tidy(() => (ours.apply(x) as tf.Tensor).shape), -1, 1, 'float32', 12);
      tf.dispose(theirs.apply(x) as tf.Tensor);
      theirs.setWeights(tf.tidy(() => ours.getWeights().map((w) => tf.add(w, tf.randomUniform(w.shape, -0.1, 0.1, 'float32', 13))))); // a non-zero bias
      ours.setWeights(theirs.getWeights());
      const after = async (layer: typeof ours) => {
        const optimizer = tf.train.sgd(0.1);
        optimizer.minimize(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, dy)) as tf.Scalar, false, layer.trainableWeights.map((w) => w.read() as tf.Variable));
        optimizer.dispose();
        return Promise.all(layer.getWeights().map((w) => w.data() as Promise<Float32Array>));
      };
      const [a, b] = [await after(ours), await after(theirs)];
      assert.equal(a.length, 2);
      a.forEach((values, i) => {
        const expected = b[i]!;
        const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const worst = values.reduce((m, v, j) => Math.max(m, Math.abs(v - expected[j]!)), 0);
        assert.ok(worst <= 1e-5 * scale, `${i === 0 ? 'kernel' : 'bias'}: max abs difference ${worst} > ${1e-5 * scale}`);
      });
      ours.dispose();
      theirs.dispose();
      tf.dispose([x, dy]);
    });
  }

  it('an int32 input runs tfjs-layers\' code (its own behaviour), not the fused kernel', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const x = tf.ones([1, 5, 5, 2], 'int32');
    const outcome = (layer: ReturnType<typeof conv2dLayer>) => {
      try {
        const y = layer.apply(x) as tf.Tensor;
        const values = Array.from(y.dataSync());
        y.dispose();
        return { values };
      } catch (error) {
        return { error: (error as Error).constructor.name, message: (error as Error).message };
      }
    };
    const args = { filters: 3, kernelSize: 3, activation: 'relu' as const, kernelInitializer: 'ones' as const };
    const ours = conv2dLayer(args);
    const theirs = tf.layers.conv2d(args);
    const [a, b] = [outcome(ours), outcome(theirs)];
    assert.notEqual(a.error, 'InternalError');
    assert.deepEqual(a, b);
    ours.dispose();
    theirs.dispose();
    x.dispose();
  });
});

describe('a model with fused Conv2D layers, saved', () => {
  it('is tfjs\'s Conv2D in model.json and reloads with tf.loadLayersModel, predicting the same', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const yaml = experimentYaml('[{type: Conv2D, filters: 8, kernel_size: 3, activation: relu}, {type: Conv2D, filters: 4, kernel_size: 3, padding: same}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]');
    const { model } = compileExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml')));
    const dir = tempDir();
    await saveModel(model, dir);
    const saved = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: { name: string; activation?: string } }[] } };
      weightsManifest: { weights: { name: string }[] }[];
    };
    const convs = saved.modelTopology.config.layers.filter((l) => l.class_name === 'Conv2D');
    assert.deepEqual(convs.map((l) => l.config.activation), ['relu', 'linear']);
    const first = convs[0]!.config.name;
    assert.deepEqual(saved.weightsManifest[0]!.weights.map((w) => w.name).filter((name) => name.startsWith(`${first}/`)), [`${first}/kernel`, `${first}/bias`]);
    const loaded = await loadModel(dir); // tf.loadLayersModel: tfjs-layers' own Conv2D
    assert.equal(loaded.layers[0]!.getClassName(), 'Conv2D');
    assert.equal(Object.getPrototypeOf(loaded.layers[0]).constructor.name, 'Conv2D');
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 8);
    const [ours, theirs] = [model, loaded].map((m) => (m.predict(x) as tf.Tensor).dataSync());
    assert.ok(ours!.every((v, i) => Object.is(v, theirs![i])), 'predictions differ');
    model.dispose();
    loaded.dispose();
    x.dispose();
  });
});
