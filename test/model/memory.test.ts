/**
 * The training memory estimate (src/model/memory.ts), the capacity check
 * (src/model/checks/memory.ts) and the memory block of `tfexp summary`.
 * The estimate is checked by hand on a small model, against the slot variables
 * tfjs's optimizers really make, and against the peak of real training steps on
 * the wasm backend (bytes tfjs-backend-wasm allocates, tracked at `_malloc`).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { loadExperiment, type LoadedExperiment, type OptimizerConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import {
  activeMemoryLimit, defaultMemoryLimit, memoryLimitFor, memoryProblem, setMemoryLimit, stepBatchSize, trainingSamples, WASM_HEAP_MAX_BYTES, WASM_MEMORY_LIMIT,
} from '../../src/model/checks/memory.js';
import { compileExperiment, planExperiment } from '../../src/model/index.js';
import { estimateTrainingMemory, largestBatchWithin, optimizerSlots } from '../../src/model/memory.js';
import { buildOptimizer } from '../../src/model/optimizers.js';
import { planModel } from '../../src/model/plan.js';
import { readableBytes } from '../../src/model/summary.js';
import { encodeLabels } from '../../src/train/evaluate.js';
import { trainStep } from '../../src/train/step.js';
import { BASELINE, configErrorOf, experimentYaml, runCli, writeFiles } from '../helpers.js';

/** Loads an experiment written from `layers` (a YAML flow list) and `extra` train/data lines. */
function load(layers: string, extra = '', sets: string[] = []): LoadedExperiment {
  const dir = writeFiles({ 'e.yaml': experimentYaml(layers, extra) });
  return loadExperiment(join(dir, 'e.yaml'), sets);
}

/** A Dense(100000) on MNIST: 78.5 million weights, over the wasm limit with Adam at any batch size. */
const HUGE_DENSE = '[{type: Flatten}, {type: Dense, units: 100000, activation: relu}, {type: Dense, units: 10, activation: softmax}]';

describe('the estimate', () => {
  it('adds up by hand for Flatten + Dense(10, softmax) with sgd at batch 100', () => {
    const loaded = load('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]', '  optimizer: sgd');
    const e = estimateTrainingMemory(planModel(loaded), 100, loaded.experiment.train.optimizer);
    // 7,850 weights; per sample: input 784, loss and labels 21 x 10, Dense output 10 and softmax 10 kept,
    // softmax gradient 10 (no dx: nothing before the Dense has weights) = 1,024 floats.
    assert.equal(e.weights, 7850 * 4);
    assert.equal(e.gradients, 7850 * 4);
    assert.equal(e.optimizerSlots, 0);
    assert.equal(e.activations, 1024 * 4 * 100);
    // Largest temporary: the kernel gradient on wasm (matmul.ts), a 1x1 convolution of the transposed input
    // (784 x 100) with dy packed to 16 channels (16 x 100), beats sgd's update (2 x the 7,840-weight kernel)
    // and softmax's gradient (2 x 10 x 100), plus XNNPACK's packed copy of the Dense weights.
    assert.equal(e.largestTemporary, (784 + 16) * 100 * 4 + 7850 * 4);
    assert.equal(e.total, e.weights + e.gradients + e.optimizerSlots + e.activations + e.largestTemporary);
  });

  it("counts Conv2DBackpropFilter's partial filter gradients: (groups - 1) x the largest filter, capped at 64 MiB", () => {
    // Conv2D 3x3x1x8 on 28x28, pooled to 3x3x8, Conv2D 3x3x8x2048 (147,456 floats = 576 KiB) to 1x1x2048, then a small head:
    // sgd's update (2 filters) and the per-sample transients (GlobalAveragePooling2D: 2 x 2048 floats) stay below the partials.
    const loaded = load('[{type: Conv2D, filters: 8, kernel_size: 3, activation: relu}, {type: MaxPooling2D, pool_size: 8}, {type: Conv2D, filters: 2048, kernel_size: 3, activation: relu}, {type: GlobalAveragePooling2D}, {type: Dense, units: 10, activation: softmax}]', '  optimizer: sgd');
    const plan = planModel(loaded);
    const opt = loaded.experiment.train.optimizer;
    const filter = 3 * 3 * 8 * 2048 * 4;
    const packed = (3 * 3 * 1 * 8 + 8 + 2048 * 10 + 10) * 4; // XNNPACK's copies: the 1-channel Conv2D and the Dense
    const temporary = (batch: number, threads: number) => estimateTrainingMemory(plan, batch, opt, threads).largestTemporary;
    assert.ok(temporary(8, 1) < packed + 2 * filter + 1);
    assert.equal(temporary(8, 8), 7 * filter + packed); // 8 groups: 7 partials
    assert.equal(temporary(7, 8), temporary(7, 1)); // fewer images than threads: no image split, no partials
    // 256 threads: the 64 MiB budget allows floor(64 MiB / 576 KiB) = 113 groups, so 112 partials, not 255.
    assert.equal(temporary(256, 256), 112 * filter + packed);
    assert.equal(largestBatchWithin(plan, opt, estimateTrainingMemory(plan, 8, opt, 8).total, 2 ** 31, 8), 8);
  });

  it('grows with the batch size, affinely once activations dominate', () => {
    const loaded = loadExperiment(BASELINE);
    const plan = planModel(loaded);
    const opt = loaded.experiment.train.optimizer;
    const at = (b: number) => estimateTrainingMemory(plan, b, opt).total;
    assert.equal(at(300) - at(200), at(200) - at(100));
    for (let b = 1; b < 200; b += 7) assert.ok(at(b + 1) >= at(b));
  });

  it('counts the slot variables tfjs optimizers make, per optimizer', async () => {
    await tf.setBackend('cpu');
    const configs: OptimizerConfig[] = [
      { type: 'sgd', learning_rate: 0.01, momentum: 0, nesterov: false },
      { type: 'sgd', learning_rate: 0.01, momentum: 0.9, nesterov: false },
      { type: 'sgd', learning_rate: 0.01, momentum: 0.9, nesterov: true },
      { type: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
      { type: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true },
      { type: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      { type: 'adamax', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      { type: 'adagrad', learning_rate: 0.001, initial_accumulator_value: 0.1 },
      { type: 'adadelta', learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
    ];
    for (const config of configs) {
      const v = tf.variable(tf.zeros([3, 5]), true, `slots_${config.type}_${Math.random()}`);
      const optimizer = buildOptimizer(config);
      const gradient = tf.ones([3, 5]);
      const before = tf.memory().numBytes;
      optimizer.applyGradients({ [v.name]: gradient });
      // Slots are 60-byte tensors like the variable; the rest are scalars (iterations, beta powers).
      // (Counted by bytes: tfjs 4.22's Adamax has no getWeights.)
      const slots = Math.floor((tf.memory().numBytes - before) / 60);
      assert.equal(optimizerSlots(config), slots, JSON.stringify(config));
      optimizer.dispose();
      tf.dispose([v, gradient]);
    }
  });

  it('finds the largest batch size within a limit', () => {
    const loaded = loadExperiment(BASELINE);
    const plan = planModel(loaded);
    const opt = loaded.experiment.train.optimizer;
    const fits = largestBatchWithin(plan, opt, WASM_MEMORY_LIMIT.bytes);
    assert.ok(estimateTrainingMemory(plan, fits, opt).total <= WASM_MEMORY_LIMIT.bytes);
    assert.ok(estimateTrainingMemory(plan, fits + 1, opt).total > WASM_MEMORY_LIMIT.bytes);
    // Measured: the baseline trained at batch size 2861 on wasm and ran out of heap at 3069 (see checks/memory.ts).
    assert.ok(fits > 2600 && fits < 2861, String(fits));
    assert.equal(largestBatchWithin(plan, opt, 1000), 0);
    assert.equal(largestBatchWithin(plan, opt, 1e15, 5000), 5000);
  });
});

describe('the estimate against training steps on the wasm backend', () => {
  let live = 0;
  let peak = 0;
  let restore = () => {};
  before(async () => {
    const choice = await selectBackend({ request: 'wasm', threads: 2 });
    assert.equal(choice.name, 'wasm');
    const module = (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } }).wasm;
    module._free(module._malloc(8)); // Emscripten's stub replaces itself on first call
    const malloc = module._malloc;
    const free = module._free;
    const sizes = new Map<number, number>();
    module._malloc = (n: number) => {
      const p = malloc(n) >>> 0;
      sizes.set(p, n);
      live += n;
      peak = Math.max(peak, live);
      return p;
    };
    module._free = (p: number) => {
      live -= sizes.get(p >>> 0) ?? 0;
      sizes.delete(p >>> 0);
      free(p);
    };
    restore = () => {
      module._malloc = malloc;
      module._free = free;
    };
  });
  after(async () => {
    restore();
    await tf.setBackend('cpu');
  });

  /** Bytes a training step adds at its peak, per sample (slope between two batch sizes). */
  function measuredPerSample(loaded: LoadedExperiment): { measured: number; estimated: number } {
    const { plan, model, labels } = compileExperiment(loaded);
    const step = (batch: number) => {
      const xs = tf.randomUniform([batch, ...plan.input]);
      const ys = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10));
      const y = encodeLabels(ys, { labels, numClasses: 10 } as never);
      tf.dispose(trainStep(model, xs, y)); // the first step makes the optimizer's slots
      const start = live;
      peak = live;
      tf.dispose(trainStep(model, xs, y));
      tf.dispose([xs, ys, y]);
      return peak - start;
    };
    const [small, large] = [8, 24];
    const measured = (step(large) - step(small)) / (large - small);
    const opt = loaded.experiment.train.optimizer;
    const estimated = (estimateTrainingMemory(plan, large, opt).total - estimateTrainingMemory(plan, small, opt).total) / (large - small);
    model.optimizer.dispose();
    model.dispose();
    return { measured, estimated };
  }

  const CASES: Record<string, string> = {
    'conv, relu, pooling, dropout, softmax': '[{type: Conv2D, filters: 8, kernel_size: 3, activation: relu}, {type: Conv2D, filters: 8, kernel_size: 3, activation: relu}, {type: MaxPooling2D, pool_size: 2}, {type: Dropout, rate: 0.5}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]',
    'batch normalization, zero padding, average pooling': '[{type: Conv2D, filters: 8, kernel_size: 3}, {type: BatchNormalization}, {type: ZeroPadding2D, padding: 1}, {type: AveragePooling2D, pool_size: 2}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]',
    'depthwise and separable convolutions, gelu, global pooling': '[{type: Conv2D, filters: 8, kernel_size: 3}, {type: DepthwiseConv2D, kernel_size: 3}, {type: SeparableConv2D, filters: 8, kernel_size: 3, activation: gelu}, {type: GlobalAveragePooling2D}, {type: Dense, units: 10, activation: softmax}]',
  };
  for (const [name, layers] of Object.entries(CASES)) {
    it(`is within 15% of a real step's peak per sample: ${name}`, () => {
      const { measured, estimated } = measuredPerSample(load(layers, '  optimizer: adam'));
      assert.ok(Math.abs(estimated / measured - 1) <= 0.15, `estimated ${estimated} bytes per sample, measured ${measured}`);
    });
  }
});

describe('the capacity check', () => {
  it('refuses a Dense(100000) with Adam before allocating anything, whatever the batch size', () => {
    const loaded = load(HUGE_DENSE, '  optimizer: adam');
    const tensors = tf.memory().numTensors;
    const started = performance.now();
    const error = configErrorOf(() => planExperiment(loaded));
    assert.ok(performance.now() - started < 1000);
    assert.equal(tf.memory().numTensors, tensors);
    const text = error.problems[0]!.message;
    assert.match(text, /more than the wasm backend can hold \(3\.20 GB: a 4 GiB WebAssembly heap less a 20% reserve\)/);
    assert.match(text, /Not even batch size 1 fits/);
  });

  it('names the largest batch size that fits, pointing at train.batch_size', () => {
    const loaded = load('[{type: Conv2D, filters: 32, kernel_size: 3, activation: relu}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]', '  batch_size: 20000');
    const error = configErrorOf(() => planExperiment(loaded));
    const plan = planModel(loaded);
    const fits = largestBatchWithin(plan, loaded.experiment.train.optimizer, WASM_MEMORY_LIMIT.bytes);
    assert.ok(fits > 0 && fits < 20000);
    assert.match(error.problems[0]!.message, new RegExp(`at batch size 20000, .*Use --set train\\.batch_size=${fits} or less`));
    assert.equal(error.problems[0]!.at.line, 8);
  });

  it('a batch size above the training set: a step takes all samples, and that is what must fit', () => {
    const loaded = loadExperiment(BASELINE, ['train.batch_size=1000000']);
    assert.equal(trainingSamples(loaded.experiment), 60000);
    assert.equal(stepBatchSize(loaded.experiment), 60000);
    const text = configErrorOf(() => planExperiment(loaded)).problems[0]!.message;
    assert.match(text, /at batch size 60000 \(all 60000 training samples: train\.batch_size 1000000 is larger/);
    // With 500 samples the whole training set is one small step: fine.
    assert.doesNotThrow(() => planExperiment(loadExperiment(BASELINE, ['train.batch_size=1000000', 'data.train_limit=500'])));
  });

  it('counts training samples as splitIndices takes them', () => {
    const at = (sets: string[]) => trainingSamples(loadExperiment(BASELINE, sets).experiment);
    assert.equal(at(['data.validation_split=0.1']), 54000);
    assert.equal(at(['data.train_limit=2000', 'data.validation_split=0.25']), 1500);
    const idx = load('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]', '', [
      'data={dataset: idx, train_images: a, train_labels: b, test_images: c, test_labels: d}',
    ]);
    assert.equal(trainingSamples(idx.experiment), undefined);
    assert.equal(stepBatchSize(idx.experiment), 32);
  });

  it('takes the limit as a parameter: a GPU backend passes its own', () => {
    const loaded = loadExperiment(BASELINE);
    const plan = planModel(loaded);
    const opt = loaded.experiment.train.optimizer;
    assert.equal(memoryProblem(plan, 64, opt, 16 * 2 ** 30, 'webgpu'), null);
    const text = memoryProblem(plan, 64, opt, 100 * 2 ** 20, 'webgpu', { why: 'the memory the device reports' });
    assert.match(text ?? '', /more than the webgpu backend can hold \(100\.00 MB: the memory the device reports\)/);
    assert.match(text ?? '', /--set train\.batch_size=\d+ or less/);
    assert.deepEqual(memoryLimitFor('webgpu', 8e9), { backend: 'webgpu', bytes: 8e9, why: 'the memory the device reports' });
    assert.equal(memoryLimitFor('tensorflow'), null);
    assert.equal(memoryLimitFor('wasm'), WASM_MEMORY_LIMIT);
    assert.equal(WASM_MEMORY_LIMIT.bytes, Math.floor(WASM_HEAP_MAX_BYTES * 0.8));
  });

  it('uses the wasm limit unless TFEXP_BACKEND or the run says otherwise', () => {
    assert.equal(defaultMemoryLimit({}), WASM_MEMORY_LIMIT);
    assert.equal(defaultMemoryLimit({ TFEXP_BACKEND: 'auto' }), WASM_MEMORY_LIMIT);
    assert.equal(defaultMemoryLimit({ TFEXP_BACKEND: 'cpu' }), null);
    assert.equal(defaultMemoryLimit({ TFEXP_BACKEND: 'tensorflow' }), null);
    const loaded = load(HUGE_DENSE, '  optimizer: adam');
    try {
      setMemoryLimit(null);
      assert.equal(activeMemoryLimit(), null);
      assert.doesNotThrow(() => planExperiment(loaded));
      setMemoryLimit({ backend: 'webgpu', bytes: 64 * 2 ** 30, why: 'the memory the device reports' });
      assert.doesNotThrow(() => planExperiment(loaded));
    } finally {
      setMemoryLimit(undefined);
    }
    assert.throws(() => planExperiment(loaded), ConfigError);
  });
});

describe('tfexp summary and validate', () => {
  it('summary gives the estimate at the configured batch size, in Keras units', async () => {
    const { code, stdout } = await runCli(['summary', BASELINE]);
    assert.equal(code, 0);
    const loaded = loadExperiment(BASELINE);
    const e = estimateTrainingMemory(planModel(loaded), 64, loaded.experiment.train.optimizer);
    assert.match(stdout, /Training memory per step at batch size 64 \(estimate, float32\):/);
    assert.match(stdout, new RegExp(`Weights: +${readableBytes(e.weights)}\\n`));
    assert.match(stdout, new RegExp(`Optimizer slots: +${readableBytes(e.optimizerSlots)} \\(rmsprop: 2 per trainable weight\\)`));
    assert.match(stdout, new RegExp(`Activations: +${readableBytes(e.activations)} `));
    assert.match(stdout, new RegExp(`Largest temporary: +${readableBytes(e.largestTemporary)}\\n`));
    assert.match(stdout, new RegExp(`Total: +${readableBytes(e.total)}\\n`));
    assert.match(stdout, /Fits the wasm backend \(at most 3\.20 GB\)/);
  });

  it('summary --json gives the bytes', async () => {
    const { code, stdout } = await runCli(['summary', BASELINE, '--json']);
    assert.equal(code, 0);
    const memory = JSON.parse(stdout).training_memory;
    const loaded = loadExperiment(BASELINE);
    const e = estimateTrainingMemory(planModel(loaded), 64, loaded.experiment.train.optimizer);
    assert.deepEqual(memory, {
      batch_size: 64,
      weights: e.weights,
      gradients: e.gradients,
      optimizer_slots: e.optimizerSlots,
      activations: e.activations,
      largest_temporary: e.largestTemporary,
      total: e.total,
      limit: { backend: 'wasm', bytes: WASM_MEMORY_LIMIT.bytes },
      fits: true,
      largest_batch_size: largestBatchWithin(planModel(loaded), loaded.experiment.train.optimizer, WASM_MEMORY_LIMIT.bytes),
    });
  });

  it('summary shows a model over the limit, with the batch size that fits; validate refuses it (exit 2)', async () => {
    const summary = await runCli(['summary', BASELINE, '--set', 'train.batch_size=5000']);
    assert.equal(summary.code, 0);
    assert.match(summary.stdout, /Over the wasm backend's 3\.20 GB: the largest batch size that fits is \d+/);
    const json = JSON.parse((await runCli(['summary', BASELINE, '--set', 'train.batch_size=5000', '--json'])).stdout);
    assert.equal(json.training_memory.fits, false);
    const validate = await runCli(['validate', BASELINE, '--set', 'train.batch_size=5000']);
    assert.equal(validate.code, 2);
    assert.match(validate.stderr, /--set train\.batch_size=5000: training needs about [\d.]+ GB per step at batch size 5000/);
  });
});
