/** Optimizers, losses and metrics reach tfjs with Keras names and Keras defaults. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTfjs } from '../../src/backend/quiet.js';
import { loadExperiment } from '../../src/config/index.js';
import { OPTIMIZER_TYPES } from '../../src/config/schema/index.js';
import { compileExperiment } from '../../src/model/index.js';
import { buildLoss } from '../../src/model/losses.js';
import { buildMetrics } from '../../src/model/metrics.js';
import { buildOptimizer } from '../../src/model/optimizers.js';
import { BASELINE, experimentYaml, writeFiles } from '../helpers.js';

quietTfjs();

/** Keras 3 defaults (keras/src/optimizers/*.py), written out independently of the schema. */
const KERAS_DEFAULTS = {
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  adamax: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1 },
  adadelta: { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
};

/** The tfjs optimizer config each Keras config must produce. */
const TFJS_CONFIGS = {
  sgd: { learningRate: 0.01 },
  rmsprop: { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 },
  adagrad: { learningRate: 0.001, initialAccumulatorValue: 0.1 },
  adadelta: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
};

describe('optimizers', () => {
  for (const type of OPTIMIZER_TYPES) {
    it(`${type} gets Keras defaults, in the resolved config and in tfjs`, () => {
      const { experiment } = loadExperiment(BASELINE, [`train.optimizer=${type}`]);
      assert.deepEqual(experiment.train.optimizer, { type, ...KERAS_DEFAULTS[type] });
      const optimizer = buildOptimizer(experiment.train.optimizer);
      assert.deepEqual(optimizer.getConfig(), TFJS_CONFIGS[type]);
      optimizer.dispose();
    });
  }

  it('sgd with momentum and nesterov becomes tfjs momentum', () => {
    const { experiment } = loadExperiment(BASELINE, ['train.optimizer={type: sgd, momentum: 0.9, nesterov: true}']);
    const optimizer = buildOptimizer(experiment.train.optimizer);
    assert.deepEqual(optimizer.getConfig(), { learningRate: 0.01, momentum: 0.9, useNesterov: true });
  });
});

describe('losses and metrics', () => {
  const yTrue = tf.tensor1d([2, 0]);
  const logits = tf.tensor2d([[1, 2, 3], [3, 0, -1]]);

  it('from_logits sparse crossentropy equals crossentropy of the softmax', () => {
    const fromLogits = buildLoss({ type: 'sparse_categorical_crossentropy', from_logits: true });
    assert.equal(fromLogits.labels, 'one_hot');
    assert.equal(typeof fromLogits.loss, 'function');
    const oneHot = tf.oneHot(tf.cast(yTrue, 'int32'), 3);
    const a = (fromLogits.loss as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(oneHot, logits).arraySync() as number[];
    const expected = (logits.arraySync() as number[][]).map((row, i) => {
      const sum = row.reduce((s, v) => s + Math.exp(v), 0);
      return -Math.log(Math.exp(row[[2, 0][i]!]!) / sum);
    });
    a.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `${v} vs ${expected[i]}`));
    assert.deepEqual(buildLoss({ type: 'sparse_categorical_crossentropy', from_logits: false }), { loss: 'sparseCategoricalCrossentropy', labels: 'index' });
  });

  it('metrics carry Keras names; accuracy follows the loss; top-5 counts the true class among the 5 highest', () => {
    const metrics = buildMetrics(['accuracy', 'sparse_top_k_categorical_accuracy'], { type: 'sparse_categorical_crossentropy', from_logits: false }, 'index');
    assert.deepEqual(metrics.map((m) => m.name), ['accuracy', 'sparse_top_k_categorical_accuracy']);
    assert.deepEqual(Array.from(metrics[0]!(yTrue, logits).dataSync()), [1, 1]);
    const scores = tf.tensor2d([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]]);
    assert.deepEqual(Array.from(metrics[1]!(tf.tensor1d([4, 0]), scores).dataSync()), [1, 0]);
  });

  it('compiles the baseline with its optimizer, and predicts 10 class probabilities', () => {
    const { model, labels } = compileExperiment(loadExperiment(BASELINE));
    assert.equal(labels, 'index');
    assert.equal(model.optimizer.getClassName(), 'RMSProp');
    tf.tidy(() => {
      const p = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
      assert.deepEqual(p.shape, [1, 10]);
      assert.ok(Math.abs(p.sum().dataSync()[0]! - 1) < 1e-5, 'softmax output sums to 1');
    });
    model.dispose();
  });

  it('trains a small conv model one step with Keras metric names in the history', async () => {
    const yaml = experimentYaml('[{type: Conv2D, filters: 2, kernel_size: 3}, {type: MaxPooling2D}, {type: Flatten}, {type: Dense, units: 10, activation: softmax}]');
    const { model } = compileExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml')));
    const x = tf.randomUniform([4, 28, 28, 1]);
    const y = tf.tensor1d([0, 1, 2, 3]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    assert.ok(Number.isFinite(history.history.loss?.[0] as number));
    assert.ok('accuracy' in history.history, `history keys: ${Object.keys(history.history)}`);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('compiles a from_logits model and reports accuracy for it', async () => {
    const yaml = experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]').replace('loss: sparse_categorical_crossentropy', 'loss: {type: sparse_categorical_crossentropy, from_logits: true}');
    const { model, labels } = compileExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml')));
    assert.equal(labels, 'one_hot');
    const history = await model.fit(tf.zeros([2, 28, 28, 1]), tf.oneHot(tf.tensor1d([0, 0], 'int32'), 10), { epochs: 1, verbose: 0 });
    assert.ok(Math.abs((history.history.loss?.[0] as number) - Math.log(10)) < 1e-5, 'zero logits give loss ln(10)');
    assert.ok('accuracy' in history.history);
    model.dispose();
  });
});
