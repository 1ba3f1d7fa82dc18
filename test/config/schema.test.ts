import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { SCHEMA_JSON_PATH, schemaJson } from '../../src/config/schema/emit.js';
import { LAYER_TYPES } from '../../src/config/schema/index.js';
import { ConfigError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { experimentYaml, writeFiles } from '../helpers.js';

/** Loads YAML text from a temp file; returns the problems as `line:col: message` (file name stripped). */
function problemsOf(text: string, sets: string[] = []): string[] {
  const dir = writeFiles({ 'e.yaml': text });
  try {
    loadExperiment(join(dir, 'e.yaml'), sets);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems.map((p) => `${p.at.line}:${p.at.col}: ${p.message}`);
  }
}

describe('schema file', () => {
  it('schemas/experiment.schema.json is what the TypeBox source emits (run `npm run schema` if not)', () => {
    assert.equal(readFileSync(SCHEMA_JSON_PATH, 'utf8'), schemaJson());
  });

  it('lists every layer type the issue asks for, and no SpatialDropout2D (tfjs lacks it)', () => {
    for (const type of ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalMaxPooling2D',
      'GlobalAveragePooling2D', 'Dense', 'Dropout', 'Flatten', 'Reshape', 'BatchNormalization', 'LayerNormalization', 'Activation',
      'ZeroPadding2D', 'Rescaling']) {
      assert.ok(LAYER_TYPES.includes(type as never), type);
    }
    assert.ok(!LAYER_TYPES.includes('SpatialDropout2D' as never));
  });
});

describe('schema validation', () => {
  it('accepts a minimal experiment and fills Keras defaults', () => {
    const dir = writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]') });
    const { experiment } = loadExperiment(join(dir, 'e.yaml'));
    assert.equal(experiment.seed, 42);
    assert.equal(experiment.train.epochs, 1);
    assert.equal(experiment.train.batch_size, 32);
    assert.deepEqual(experiment.train.metrics, ['accuracy']);
    assert.deepEqual(experiment.train.loss, { type: 'sparse_categorical_crossentropy', from_logits: false });
    const dense = experiment.model.layers[1];
    assert.ok(dense !== undefined && 'type' in dense && dense.type === 'Dense');
    assert.equal(dense.activation, 'linear');
    assert.equal(dense.use_bias, true);
    assert.equal(dense.kernel_initializer, 'glorot_uniform');
  });

  it('reports a mistyped key at its position with a suggestion', () => {
    const text = experimentYaml('\n    - {type: Conv2D, filters: 8, kernal_size: 3}\n    - {type: Flatten}\n    - {type: Dense, units: 10}');
    const problems = problemsOf(text);
    assert.ok(problems.includes(`6:34: ${message.unknownKey('kernal_size', 'Conv2D layer', 'kernel_size', [])}`), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('6:7: ') && p.includes('missing required key "kernel_size"')), problems.join('\n'));
  });

  it('reports an unknown layer type with a suggestion', () => {
    const problems = problemsOf(experimentYaml('\n    - {type: Conv2d, filters: 8, kernel_size: 3}'));
    assert.deepEqual(problems, [`6:14: ${message.unknownType('layer', 'Conv2d', 'Conv2D', [])}`]);
  });

  it('lists the known types when nothing is close', () => {
    const [problem] = problemsOf(experimentYaml('\n    - {type: Transformer}'));
    assert.match(problem ?? '', /unknown layer type "Transformer"\. Known: Conv2D, DepthwiseConv2D/);
  });

  it('reports a wrong value type', () => {
    const problems = problemsOf(experimentYaml('\n    - {type: Dense, units: ten}'));
    assert.deepEqual(problems, [`6:28: ${message.wrongType('units', 'an integer', 'ten')}`]);
  });

  it('reports a bad enum value with a suggestion, and out-of-range numbers', () => {
    const problems = problemsOf(experimentYaml('\n    - {type: Conv2D, filters: 0, kernel_size: 3, padding: sme}\n    - {type: Dropout, rate: 1.5}'));
    assert.deepEqual(problems, [
      `6:31: ${message.outOfRange('filters', '>=', 1, 0)}`,
      `6:59: ${message.notInEnum('padding', 'sme', 'same', ['valid', 'same'])}`,
      `7:29: ${message.outOfRange('rate', '<', 1, 1.5)}`,
    ]);
  });

  it('reports a malformed kernel_size once, saying which forms are allowed', () => {
    const problems = problemsOf(experimentYaml('\n    - {type: Conv2D, filters: 4, kernel_size: [3, 3, 3]}'));
    assert.deepEqual(problems, [`6:47: ${message.noMatchingForm('kernel_size', 'an integer, or a list of 2 integers [height, width]', [3, 3, 3])}`]);
  });

  it('reports unknown optimizer and loss names, in shorthand and object form', () => {
    const problems = problemsOf(experimentYaml('[{type: Flatten}]').replace('loss: sparse_categorical_crossentropy', 'loss: sparse_categorical_crossentropyy\n  optimizer: {type: adamw}'));
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /^7:9: unknown loss type "sparse_categorical_crossentropyy"; did you mean "sparse_categorical_crossentropy"\?/);
    assert.match(problems[1]!, /^8:21: unknown optimizer type "adamw"; did you mean "adam"\?/);
  });

  it('reports a missing section and a YAML syntax error', () => {
    assert.deepEqual(problemsOf('name: x\ndata: {dataset: mnist}\nmodel: {input_shape: [1], layers: [{type: Flatten}]}\n'), [
      `1:1: ${message.missingKey('train', 'the experiment', 'How to train: the arguments of Keras `compile` and `fit`.')}`,
    ]);
    const [syntax] = problemsOf('name: [unclosed\n');
    assert.match(syntax ?? '', /^\d+:\d+: YAML syntax error/);
  });

  it('evaluation.misclassified: optional block, 64 inside it by default, a whole number from 0 to 1000, settable with --set', () => {
    const load = (extra: string, sets: string[] = []) => {
      const dir = writeFiles({ 'e.yaml': `${experimentYaml('[{type: Flatten}]')}\n${extra}\n` });
      return loadExperiment(join(dir, 'e.yaml'), sets).experiment.evaluation;
    };
    assert.equal(load(''), undefined, 'absent: runs made before it read the same (misclassifiedOf gives 64)');
    assert.deepEqual(load('evaluation: {}'), { misclassified: 64 });
    assert.deepEqual(load('evaluation: {misclassified: 0}'), { misclassified: 0 });
    assert.deepEqual(load('', ['evaluation.misclassified=5']), { misclassified: 5 });
    const problems = (value: string) => problemsOf(`${experimentYaml('[{type: Flatten}]')}\nevaluation: {misclassified: ${value}}\n`);
    assert.deepEqual(problems('-1'), [`9:29: ${message.outOfRange('misclassified', '>=', 0, -1)}`]);
    assert.deepEqual(problems('1001'), [`9:29: ${message.outOfRange('misclassified', '<=', 1000, 1001)}`]);
    assert.deepEqual(problems('1.5'), [`9:29: ${message.wrongType('misclassified', 'an integer', 1.5)}`]);
  });

  it('rejects unknown keys at the top level and duplicate metrics', () => {
    const problems = problemsOf(`${experimentYaml('[{type: Flatten}]')}\n  metrics: [accuracy, accuracy]\nepoch: 3\n`);
    assert.deepEqual(problems, [
      `9:12: ${message.duplicateItem('metrics', 'accuracy')}`,
      `10:1: ${message.unknownKey('epoch', 'the experiment', undefined, ['extends', 'name', 'description', 'seed', 'data', 'model', 'train', 'evaluation', 'sweep', 'seeds'])}`,
    ]);
  });
});
