/**
 * The webgpu backend against the cpu backend (the reference), layer by layer and for a few
 * training steps, on models tfexp's own compiler builds from experiment YAML.
 *
 * Every layer type the schema allows (and each activation) runs forward, and backward
 * through tf.variableGrads of sum(output * R) for a fixed random R, with the same weights and
 * the same input on both backends; the output and the gradients w.r.t. the input and every
 * trainable weight must agree within TOLERANCE. Conv and pooling layers run with strides 1
 * and 2 and padding same and valid on odd input sizes (7x7), where same and valid differ.
 * Weights are set to random values (not the compiler's zeros and ones) so biases, gamma, beta
 * and the moving statistics all matter.
 *
 * Dropout masks come from tf.randomUniform, which draws on the host (tfjs-core
 * rand_util.ts: seedrandom alea seeded from Math.random when no seed is given), so seeding
 * Math.random identically gives the same mask on both backends: training-mode Dropout is
 * compared element by element, and so are 5 RMSprop steps of a conv model with Dropout.
 *
 * Left out, because they fail on the cpu backend as well (tfjs 4.22, not webgpu), so
 * there is nothing to compare: `dilation_rate` > 1 (no conv gradient; tfexp rejects it at
 * validation, src/model/checks/dilation.ts); BatchNormalization / LayerNormalization
 * with `center: false` or `scale: false` (BatchNormalization throws in training mode;
 * LayerNormalization's gradient throws); BatchNormalization on an axis other than the last
 * (its training gradient throws in FusedBatchNorm_grad); validate rejects all three
 * (src/model/checks/normalization.ts).
 *
 * On a machine without a GPU, Dawn runs on SwiftShader (CPU Vulkan): slow, so every
 * tensor here is tiny. Never dataSync()/arraySync() on webgpu (they need OffscreenCanvas).
 */
import { useWebGpu } from '../webgpu-env.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTfjs } from '../../src/backend/quiet.js';
import { stopWebGpu } from '../../src/backend/webgpu/start.js';
import { loadExperiment, type LoadedExperiment } from '../../src/config/index.js';
import { ACTIVATIONS, LAYER_TYPES } from '../../src/config/schema/index.js';
import { mulberry32 } from '../../src/data/random.js';
import { buildModel } from '../../src/model/build.js';
import { compileExperiment } from '../../src/model/index.js';
import { planModel } from '../../src/model/plan.js';
import { RMSPropOptimizer } from '../../src/model/rmsprop.js';
import { trainStep } from '../../src/train/step.js';
import { writeFiles } from '../helpers.js';

quietTfjs();

/**
 * Largest allowed max |webgpu - cpu| over a tensor, relative to max(1, max |cpu|) over that
 * tensor. Both backends compute in float32, but the GPU sums in a different order (tiled
 * matmul/conv, tree reductions), may fuse multiply-adds, and its exp/log/tanh/erf are
 * approximations with a few ulp of error (Vulkan allows 3 + 2|x| ulp for exp): a handful of
 * float32 roundings on values of order 1-10, i.e. about 1e-6. 1e-4 leaves two orders of
 * magnitude for that and still catches any real difference (a wrong pad, a missed window
 * element, a wrong mask or activation shows up at 1e-2 or more).
 */
const TOLERANCE = 1e-4;

const BATCH = 2;
const webgpu = await useWebGpu();
const skip = typeof webgpu === 'string' ? webgpu : false;

after(async () => {
  await tf.setBackend('cpu');
  // Frees the device's buffers; later test files start their own.
  stopWebGpu();
});

type Backend = 'cpu' | 'webgpu';

async function use(backend: Backend): Promise<void> {
  if (backend === 'cpu') {
    assert.ok(await tf.setBackend('cpu'));
    return;
  }
  const choice = await useWebGpu();
  if (typeof choice === 'string') throw new Error(choice);
  assert.equal(tf.getBackend(), 'webgpu');
}

/** Max |actual - expected| / max(1, max |expected|); Infinity on a NaN/Inf mismatch or a length mismatch. */
function relDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!Number.isFinite(a) || !Number.isFinite(e)) {
      if (a !== e) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return diff / scale;
}

/** Values in [lo, hi) from mulberry32(seed). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A one-layer experiment, loaded as tfexp loads any experiment file. */
function loadLayer(layer: string, input: readonly number[]): LoadedExperiment {
  // Only planned and built here: the model checks (which would want MNIST's shape and 10 classes) do not run.
  const text = `name: t\nseed: 3\ndata: {dataset: mnist}\nmodel:\n  input_shape: ${JSON.stringify(input)}\n  layers: [${layer}]\ntrain: {loss: mean_squared_error}\n`;
  return loadExperiment(join(writeFiles({ 'e.yaml': text }), 'e.yaml'));
}

interface LayerCase {
  /** The layer as an experiment writes it (a YAML flow mapping). */
  readonly layer: string;
  /** Sample shape fed to it (no batch axis). */
  readonly input: readonly number[];
  /** Call the layer in training mode (BatchNormalization batch statistics, Dropout masks). */
  readonly training?: boolean;
  /** Input values are uniform in [-scale, scale). Default 1. */
  readonly scale?: number;
  /** Seed Math.random with mulberry32(random) on both backends before the call (Dropout masks). */
  readonly random?: number;
}

/** What one backend computed for a case. */
interface Computed {
  readonly output: Float32Array;
  readonly outputShape: number[];
  /** Gradient of sum(output * R) w.r.t. the input, then each trainable weight (by weight name). */
  readonly grads: [string, Float32Array][];
  /** Non-trainable weights after the call (BatchNormalization's moving statistics). */
  readonly state: [string, Float32Array][];
}

/** Weight values for a case: random, positive where a variance or a scale is expected. */
function caseWeights(model: tf.LayersModel, seed: number): { shape: number[]; values: Float32Array }[] {
  return model.weights.map((w, i) => {
    const positive = /variance|gamma/.test(w.originalName);
    return { shape: w.shape as number[], values: uniform(size(w.shape as number[]), seed + 101 * i, positive ? 0.5 : -1, positive ? 1.5 : 1) };
  });
}

/** Builds the case's model with tfexp's compiler on the active backend and runs it forward and backward. */
async function compute(c: LayerCase, loaded: LoadedExperiment, weights: { shape: number[]; values: Float32Array }[], seed: number): Promise<Computed> {
  const model = buildModel(loaded.experiment, planModel(loaded));
  const realRandom = Math.random;
  try {
    const values = weights.map((w) => tf.tensor(w.values, w.shape));
    model.setWeights(values);
    tf.dispose(values);
    const inputShape = [BATCH, ...c.input];
    const scale = c.scale ?? 1;
    const x = tf.variable(tf.tensor(uniform(size(inputShape), seed, -scale, scale), inputShape), true);
    const outShape = [BATCH, ...(model.outputs[0]!.shape.slice(1) as number[])];
    const r = tf.tensor(uniform(size(outShape), seed + 1), outShape);
    const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let output: tf.Tensor | undefined;
    if (c.random !== undefined) Math.random = mulberry32(c.random);
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(model.apply(x, { training: c.training === true }) as tf.Tensor);
      return tf.sum(tf.mul(output, r));
    }, [x, ...trainable]);
    Math.random = realRandom;
    const names = [x.name, ...trainable.map((v) => v.name)];
    const labels = ['input', ...model.trainableWeights.map((w) => w.originalName)];
    const result: Computed = {
      output: (await output!.data()) as Float32Array,
      outputShape: output!.shape,
      grads: await Promise.all(
        names.map(async (name, i): Promise<[string, Float32Array]> => {
          assert.ok(grads[name] !== undefined, `no gradient for ${labels[i]}`);
          return [labels[i]!, (await grads[name]!.data()) as Float32Array];
        }),
      ),
      state: await Promise.all(model.nonTrainableWeights.map(async (w): Promise<[string, Float32Array]> => [w.originalName, (await w.read().data()) as Float32Array])),
    };
    tf.dispose([x, r, value, output!, ...Object.values(grads)]);
    return result;
  } finally {
    Math.random = realRandom;
    model.dispose();
  }
}

/** Runs a case on cpu, then webgpu, checks output, gradients and state agree (reporting the max differences); returns both results. */
async function compareCase(t: TestContext, c: LayerCase, seed: number): Promise<{ cpu: Computed; gpu: Computed }> {
  const loaded = loadLayer(c.layer, c.input);
  await use('cpu');
  const probe = buildModel(loaded.experiment, planModel(loaded));
  const weights = caseWeights(probe, seed);
  probe.dispose();
  const cpu = await compute(c, loaded, weights, seed);
  await use('webgpu');
  const gpu = await compute(c, loaded, weights, seed);
  await use('cpu');

  assert.deepEqual(gpu.outputShape, cpu.outputShape, 'output shape');
  const diffs: [string, number][] = [['output', relDiff(gpu.output, cpu.output)]];
  cpu.grads.forEach(([name, values], i) => diffs.push([`d/d ${name}`, relDiff(gpu.grads[i]![1], values)]));
  cpu.state.forEach(([name, values], i) => diffs.push([`${name} after`, relDiff(gpu.state[i]![1], values)]));
  t.diagnostic(`max rel diff: ${diffs.map(([name, d]) => `${name} ${d.toExponential(1)}`).join(', ')}`);
  for (const [name, d] of diffs) assert.ok(d <= TOLERANCE, `${name}: webgpu differs from cpu by ${d} (relative), over ${TOLERANCE}`);
  // A non-trivial check: the gradients are not all zero.
  assert.ok(cpu.grads.some(([, g]) => g.some((v) => v !== 0)), 'some gradient is non-zero');
  return { cpu, gpu };
}

// Odd 7x7 inputs: same and valid padding give different sizes for strides 1 and 2.
const IMAGE = [7, 7, 2] as const;
const STRIDED = [
  { strides: 1, padding: 'valid' },
  { strides: 1, padding: 'same' },
  { strides: 2, padding: 'valid' },
  { strides: 2, padding: 'same' },
] as const;
/** Activations that tfjs-layers fuses into conv/matmul kernels, and some it does not: spread over the conv cases. */
const CONV_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'elu'] as const;

const CASES: Record<string, LayerCase[]> = {
  Conv2D: [
    ...STRIDED.map(({ strides, padding }, i) => ({
      layer: `{type: Conv2D, filters: 3, kernel_size: 3, strides: ${strides}, padding: ${padding}, activation: ${CONV_ACTIVATIONS[i]}}`,
      input: IMAGE,
    })),
    { layer: '{type: Conv2D, filters: 2, kernel_size: [2, 3], use_bias: false}', input: IMAGE },
  ],
  DepthwiseConv2D: STRIDED.map(({ strides, padding }, i) => ({
    layer: `{type: DepthwiseConv2D, kernel_size: 3, depth_multiplier: ${1 + (i % 2)}, strides: ${strides}, padding: ${padding}, activation: ${CONV_ACTIVATIONS[i]}}`,
    input: IMAGE,
  })),
  SeparableConv2D: STRIDED.map(({ strides, padding }, i) => ({
    layer: `{type: SeparableConv2D, filters: 3, kernel_size: 3, depth_multiplier: ${1 + (i % 2)}, strides: ${strides}, padding: ${padding}, activation: ${CONV_ACTIVATIONS[i]}}`,
    input: IMAGE,
  })),
  MaxPooling2D: [
    { layer: '{type: MaxPooling2D}', input: IMAGE },
    ...STRIDED.map(({ strides, padding }) => ({ layer: `{type: MaxPooling2D, pool_size: 3, strides: ${strides}, padding: ${padding}}`, input: IMAGE })),
  ],
  AveragePooling2D: [
    { layer: '{type: AveragePooling2D}', input: IMAGE },
    ...STRIDED.map(({ strides, padding }) => ({ layer: `{type: AveragePooling2D, pool_size: 3, strides: ${strides}, padding: ${padding}}`, input: IMAGE })),
  ],
  GlobalMaxPooling2D: [{ layer: '{type: GlobalMaxPooling2D}', input: IMAGE }],
  GlobalAveragePooling2D: [{ layer: '{type: GlobalAveragePooling2D}', input: IMAGE }],
  Dense: [
    { layer: '{type: Dense, units: 4, activation: relu}', input: [5] },
    { layer: '{type: Dense, units: 3, activation: softmax, use_bias: false}', input: [3, 5] },
  ],
  Dropout: [
    { layer: '{type: Dropout, rate: 0.4}', input: [4, 4, 2] },
    { layer: '{type: Dropout, rate: 0.4}', input: [4, 4, 2], training: true, random: 12345 },
  ],
  Flatten: [{ layer: '{type: Flatten}', input: [3, 4, 2] }],
  Reshape: [{ layer: '{type: Reshape, target_shape: [-1, 6]}', input: [4, 3, 2] }],
  BatchNormalization: [
    { layer: '{type: BatchNormalization, momentum: 0.9}', input: [5, 5, 3], training: true },
    { layer: '{type: BatchNormalization, momentum: 0.9}', input: [5, 5, 3] },
    { layer: '{type: BatchNormalization, epsilon: 0.01}', input: [6], training: true },
  ],
  LayerNormalization: [
    { layer: '{type: LayerNormalization}', input: [3, 3, 4] },
    { layer: '{type: LayerNormalization, epsilon: 0.01}', input: [6] },
    { layer: '{type: LayerNormalization, axis: 1}', input: [4, 3, 2] },
  ],
  Activation: ACTIVATIONS.map((name) => ({ layer: `{type: Activation, activation: ${name}}`, input: [3, 4], scale: 7 })),
  ZeroPadding2D: [
    { layer: '{type: ZeroPadding2D}', input: [3, 3, 2] },
    { layer: '{type: ZeroPadding2D, padding: [[1, 2], [0, 3]]}', input: [3, 3, 2] },
  ],
  Rescaling: [{ layer: '{type: Rescaling, scale: 0.5, offset: -1}', input: [3, 3, 2] }],
};

describe('webgpu layers equal cpu (forward, and gradients w.r.t. input and weights)', () => {
  it('has cases for every layer type and every activation in the schema', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...LAYER_TYPES].sort());
    for (const name of ACTIVATIONS) assert.ok(CASES.Activation!.some((c) => c.layer.includes(`activation: ${name}}`)), name);
  });

  let seed = 1000;
  for (const [type, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      const caseSeed = (seed += 10);
      const mode = c.training ? ' (training)' : c.layer.includes('Normalization') || type === 'Dropout' ? ' (inference)' : '';
      it(`${c.layer} on [${BATCH}, ${c.input}]${mode}`, { skip }, async (t) => {
        const { cpu } = await compareCase(t, c, caseSeed);
        if (type === 'Dropout') {
          const zeros = cpu.output.filter((v) => v === 0).length;
          // Inference: identity. Training (rate 0.4 on 64 values): some dropped, the rest scaled by 1/0.6.
          if (c.training) assert.ok(zeros > 5 && zeros < 50, `training drops about 40% (${zeros} of ${cpu.output.length} zero)`);
          else assert.equal(zeros, 0, 'inference drops nothing');
        }
      });
    }
  }
});

/** The small conv model of the training comparison (tfexp's compile path: its RMSprop subclass, loss, metrics). */
const TRAIN_YAML = `name: webgpu-rmsprop
seed: 11
data: {dataset: idx, train_images: a, train_labels: b, test_images: c, test_labels: d}
model:
  input_shape: [9, 9, 2]
  layers:
    - {type: Conv2D, filters: 4, kernel_size: 3, activation: relu}
    - {type: MaxPooling2D}
    - {type: Conv2D, filters: 4, kernel_size: 3, strides: 2, padding: same}
    - {type: Flatten}
    - {type: Dropout, rate: 0.25}
    - {type: Dense, units: 3, activation: softmax}
train:
  loss: sparse_categorical_crossentropy
  optimizer: {type: rmsprop, learning_rate: 0.01}
`;
const STEPS = 5;
const TRAIN_BATCH = 4;

interface Trained {
  readonly initial: Float32Array[];
  readonly losses: number[];
  readonly weights: [string, Float32Array][];
  readonly slots: [string, Float32Array][];
}

/** 5 training steps of the compiled experiment on the active backend, with Math.random seeded for the dropout masks. */
async function trainFive(loaded: LoadedExperiment): Promise<Trained> {
  const { model, labels } = compileExperiment(loaded);
  assert.equal(labels, 'index');
  assert.ok(model.optimizer instanceof RMSPropOptimizer, 'tfexp RMSprop');
  const realRandom = Math.random;
  try {
    const initial = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    const losses: number[] = [];
    Math.random = mulberry32(77);
    for (let step = 0; step < STEPS; step++) {
      const xs = tf.tensor(uniform(TRAIN_BATCH * 9 * 9 * 2, 500 + step, 0, 1), [TRAIN_BATCH, 9, 9, 2]);
      const y = tf.tensor1d(Array.from(uniform(TRAIN_BATCH, 600 + step, 0, 3), Math.floor));
      const scalars = trainStep(model, xs, y);
      losses.push((await scalars[0]!.data())[0]!);
      tf.dispose([xs, y, ...scalars]);
    }
    Math.random = realRandom;
    const weights = await Promise.all(model.weights.map(async (w): Promise<[string, Float32Array]> => [w.originalName, (await w.read().data()) as Float32Array]));
    const slots = await Promise.all(
      (await model.optimizer.getWeights()).map(async ({ name, tensor }): Promise<[string, Float32Array]> => [name.replace(/_\d+(?=\/|$)/g, ''), (await tensor.data()) as Float32Array]),
    );
    return { initial, losses, weights, slots };
  } finally {
    Math.random = realRandom;
    model.optimizer.dispose();
    model.dispose();
  }
}

describe('webgpu training equals cpu', () => {
  it(`${STEPS} RMSprop steps of a conv model with Dropout from one seed: same losses, weights and optimizer slots`, { skip }, async (t) => {
    const loaded = loadExperiment(join(writeFiles({ 'e.yaml': TRAIN_YAML }), 'e.yaml'));
    await use('cpu');
    const cpu = await trainFive(loaded);
    await use('webgpu');
    const gpu = await trainFive(loaded);
    await use('cpu');

    cpu.initial.forEach((w, i) => assert.ok(relDiff(gpu.initial[i]!, w) === 0, `initial weight ${i} is the same (seeded initializers draw on the host)`));
    const lossDiffs = cpu.losses.map((loss, i) => Math.abs(gpu.losses[i]! - loss) / Math.max(1, Math.abs(loss)));
    const weightDiffs = cpu.weights.map(([name, w], i) => [name, relDiff(gpu.weights[i]![1], w)] as const);
    assert.equal(gpu.slots.length, cpu.slots.length, 'optimizer slot count');
    const slotDiffs = cpu.slots.map(([name, w], i) => [name, relDiff(gpu.slots[i]![1], w)] as const);
    t.diagnostic(`losses cpu ${cpu.losses.map((l) => l.toFixed(6))} webgpu ${gpu.losses.map((l) => l.toFixed(6))}`);
    t.diagnostic(`max rel diff: losses ${Math.max(...lossDiffs).toExponential(1)}, weights ${Math.max(...weightDiffs.map(([, d]) => d)).toExponential(1)}, slots ${Math.max(...slotDiffs.map(([, d]) => d)).toExponential(1)}`);

    lossDiffs.forEach((d, i) => assert.ok(d <= TOLERANCE, `step ${i}: loss webgpu ${gpu.losses[i]} vs cpu ${cpu.losses[i]}`));
    for (const [name, d] of [...weightDiffs, ...slotDiffs]) assert.ok(d <= TOLERANCE, `${name}: webgpu differs from cpu by ${d} (relative)`);
    // The steps did something: the weights moved, and training changed the loss.
    assert.ok(cpu.weights.some(([, w], i) => relDiff(w, cpu.initial[i]!) > 1e-3), 'the weights moved');
    assert.notEqual(cpu.losses[0], cpu.losses[STEPS - 1]);
  });
});
