/** Compiler checks: problems found before training, each naming the layer and its YAML location. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { ConfigError, type Problem } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { planExperiment } from '../../src/model/index.js';
import { experimentYaml, writeFiles } from '../helpers.js';

function problemsOf(layers: string, train = '', inputShape = '[28, 28, 1]'): Problem[] {
  const text = experimentYaml(layers, train).replace('[28, 28, 1]', inputShape);
  try {
    planExperiment(loadExperiment(join(writeFiles({ 'e.yaml': text }), 'e.yaml')));
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
}

/** 1-based column of `token` on the line that holds it. */
function colOf(text: string, token: string): number {
  const line = text.split('\n').find((l) => l.includes(token)) ?? '';
  return line.indexOf(token) + 1;
}

const HEAD = '{type: Flatten}, {type: Dense, units: 10, activation: softmax}';

describe('shape checks', () => {
  it('a pooling window larger than its input names layer index, name, type and the pool_size node', () => {
    const layers = `
    - {type: Conv2D, filters: 4, kernel_size: 3, strides: 4}
    - {type: MaxPooling2D, pool_size: 8}
    - {type: Flatten}
    - {type: Dense, units: 10, activation: softmax}`;
    const problems = problemsOf(layers);
    assert.equal(problems.length, 1);
    assert.equal(
      problems[0]!.message,
      message.windowTooLarge(message.layerRef(1, 'max_pooling2d', 'MaxPooling2D'), 'pool_size', [8, 8], [7, 7], 'Use a smaller pool_size, padding: same, or fewer poolings before this layer.'),
    );
    assert.deepEqual([problems[0]!.at.line, problems[0]!.at.col], [7, colOf(layers, 'pool_size: 8') + 'pool_size: '.length]);
  });

  it('a kernel larger than its input', () => {
    const [problem] = problemsOf(`[{type: MaxPooling2D, pool_size: 14}, {type: Conv2D, filters: 4, kernel_size: 3}, ${HEAD}]`);
    assert.equal(
      problem?.message,
      message.windowTooLarge(message.layerRef(1, 'conv2d', 'Conv2D'), 'kernel', [3, 3], [2, 2], 'Use padding: same, a smaller kernel_size, or fewer poolings before this layer.'),
    );
  });

  it('a pooling window larger than its input (valid padding)', () => {
    const [problem] = problemsOf(`[{type: MaxPooling2D, pool_size: 7}, {type: MaxPooling2D, pool_size: 5}, ${HEAD}]`);
    assert.match(problem?.message ?? '', /^layer 1 \(max_pooling2d_1, MaxPooling2D\): pool_size 5x5 is larger than its 4x4 input/);
  });

  it('a Reshape to the wrong size', () => {
    const [problem] = problemsOf(`[{type: Reshape, target_shape: [27, 28]}, ${HEAD}]`);
    assert.equal(problem?.message, message.reshapeSize(message.layerRef(0, 'reshape', 'Reshape'), [27, 28], [28, 28, 1], 784));
    assert.equal(problem?.at.col, colOf(experimentYaml(`[{type: Reshape, target_shape: [27, 28]}, ${HEAD}]`), '[27, 28]'), 'points at target_shape');
  });

  it('a Conv2D after Flatten (rank too low) and strides with dilation', () => {
    assert.match(problemsOf(`[{type: Flatten}, {type: Conv2D, filters: 4, kernel_size: 3}, ${HEAD}]`)[0]?.message ?? '', /layer 1 \(conv2d, Conv2D\) needs \[batch, height, width, channels\] input, but receives \[batch, 784\]/);
    assert.equal(
      problemsOf(`[{type: Conv2D, filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2}, ${HEAD}]`)[0]?.message,
      message.stridesWithDilation(message.layerRef(0, 'conv2d', 'Conv2D')),
    );
  });

  it('a layer inside a repeat block is located inside the block', () => {
    const [problem] = problemsOf(`
    - repeat: 6
      layers:
        - {type: MaxPooling2D}
    - {type: Flatten}
    - {type: Dense, units: 10, activation: softmax}`);
    assert.match(problem?.message ?? '', /^layer 4 \(max_pooling2d_4, MaxPooling2D\): pool_size 2x2 is larger than its 1x1 input/);
    assert.equal(problem?.at.line, 8);
  });
});

describe('cross-field checks', () => {
  it('a final Dense whose units do not match the class count', () => {
    const [problem] = problemsOf('[{type: Flatten}, {type: Dense, units: 12, activation: softmax}]');
    assert.equal(problem?.message, message.outputUnitsMismatch(message.layerRef(1, 'dense', 'Dense'), 12, 'mnist', 10));
    assert.equal(problem?.at.col, colOf('[{type: Flatten}, {type: Dense, units: 12, activation: softmax}]', '12') + '  layers: '.length, 'points at units');
  });

  it('an output that is not a vector', () => {
    const [problem] = problemsOf('[{type: Conv2D, filters: 10, kernel_size: 1}]');
    assert.equal(problem?.message, message.outputNotVector(message.layerRef(0, 'conv2d', 'Conv2D'), [28, 28, 10]));
  });

  it('softmax output with a from_logits loss', () => {
    const text = `[${HEAD}]`;
    const yaml = experimentYaml(text).replace('loss: sparse_categorical_crossentropy', 'loss: {type: sparse_categorical_crossentropy, from_logits: true}');
    try {
      planExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml')));
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems[0]?.message, message.softmaxWithLogits(message.layerRef(1, 'dense', 'Dense'), 'sparse_categorical_crossentropy'));
      assert.equal(error.problems[0]?.at.line, 7, 'points at train.loss');
    }
  });

  it('a linear output with from_logits is fine', () => {
    const yaml = experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]').replace('loss: sparse_categorical_crossentropy', 'loss: {type: sparse_categorical_crossentropy, from_logits: true}');
    assert.equal(planExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml'))).output[0], 10);
  });

  it('categorical_crossentropy on integer labels', () => {
    const yaml = experimentYaml(`[${HEAD}]`).replace('loss: sparse_categorical_crossentropy', 'loss: categorical_crossentropy');
    assert.throws(
      () => planExperiment(loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml'))),
      (error: unknown) => error instanceof ConfigError && error.problems[0]?.message === message.categoricalOnIntegerLabels('mnist'),
    );
  });

  it('a dilated convolution, which tfjs cannot train', () => {
    const [problem] = problemsOf(`[{type: Conv2D, filters: 4, kernel_size: 3, dilation_rate: 2}, ${HEAD}]`);
    assert.equal(problem?.message, message.dilationNotTrainable(message.layerRef(0, 'conv2d', 'Conv2D')));
    assert.equal(problem?.at.col, colOf(experimentYaml(`[{type: Conv2D, filters: 4, kernel_size: 3, dilation_rate: 2}, ${HEAD}]`), '2}'));
  });

  it('normalization layers tfjs cannot train: without beta or gamma, BatchNormalization off the last axis', () => {
    const ref = (i: number, name: string, type: string) => message.layerRef(i, name, type);
    const bn = problemsOf(`[{type: BatchNormalization, center: false, axis: 1}, ${HEAD}]`);
    assert.deepEqual(bn.map((p) => p.message), [message.normalizationWithout(ref(0, 'batch_normalization', 'BatchNormalization'), 'center'), message.batchNormAxisNotLast(ref(0, 'batch_normalization', 'BatchNormalization'), 1, 4)]);
    const ln = problemsOf(`[{type: LayerNormalization, scale: false, axis: 1}, ${HEAD}]`);
    assert.deepEqual(ln.map((p) => p.message), [message.normalizationWithout(ref(0, 'layer_normalization', 'LayerNormalization'), 'scale')]);
    assert.deepEqual(problemsOf(`[{type: BatchNormalization, axis: 3}, {type: LayerNormalization, axis: 1}, ${HEAD}]`), []);
  });

  it('a learning-rate schedule together with reduce_lr_on_plateau', () => {
    const [problem] = problemsOf(`[${HEAD}]`, '  learning_rate_schedule: {type: cosine_decay, decay_steps: 100}\n  reduce_lr_on_plateau: {}');
    assert.equal(problem?.message, message.SCHEDULE_WITH_REDUCE_LR);
    assert.equal(problem?.at.line, 9);
  });

  it('an input_shape that does not match the dataset', () => {
    const [problem] = problemsOf(`[${HEAD}]`, '', '[32, 32, 3]');
    assert.equal(problem?.message, message.inputShapeMismatch('mnist', [28, 28, 1], [32, 32, 3]));
  });
});

describe('data.class_names', () => {
  /** An idx experiment whose final Dense has `units`, with `names` as data.class_names (a flow list). */
  const yaml = (names: string, units = 3) =>
    [
      'name: t',
      'data:',
      '  dataset: idx',
      '  train_images: a.gz',
      '  train_labels: b.gz',
      '  test_images: c.gz',
      '  test_labels: d.gz',
      `  class_names: ${names}`,
      'model:',
      '  input_shape: [8, 8, 1]',
      `  layers: [{type: Flatten}, {type: Dense, units: ${units}, activation: softmax}]`,
      'train: {loss: sparse_categorical_crossentropy}',
    ].join('\n');
  const problems = (text: string) => {
    try {
      planExperiment(loadExperiment(join(writeFiles({ 'e.yaml': text }), 'e.yaml')));
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return [...error.problems];
    }
  };

  it('one name per unit of the final layer passes, and the names reach the resolved experiment', () => {
    assert.deepEqual(problems(yaml('[cat, dog, bird]')), []);
    const { experiment } = loadExperiment(join(writeFiles({ 'e.yaml': yaml('[cat, dog, bird]') }), 'e.yaml'));
    assert.deepEqual(experiment.data.class_names, ['cat', 'dog', 'bird']);
  });

  it('another count is an error at data.class_names naming both counts and the final layer', () => {
    const text = yaml('[cat, dog]');
    const [problem, ...more] = problems(text);
    assert.deepEqual(more, []);
    assert.equal(problem?.message, message.classNamesCount(2, 3, message.layerRef(1, 'dense', 'Dense')));
    assert.match(problem?.message ?? '', /^data\.class_names has 2 names, but layer 1 \(dense, Dense\) outputs 3 classes/);
    assert.deepEqual([problem?.at.line, problem?.at.col], [8, colOf(text, '[cat, dog]')]);
  });

  it('the schema refuses repeated or empty names', () => {
    assert.ok(problems(yaml('[cat, cat, bird]')).some((p) => p.at.line === 8), 'repeated');
    assert.ok(problems(yaml("[cat, '', bird]")).some((p) => p.at.line === 8), 'empty');
  });
});
