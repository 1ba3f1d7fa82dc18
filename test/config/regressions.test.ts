/** Cases found in review: each asserts the located, single, clear problem a user should see. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { configErrorOf, experimentYaml, writeFiles } from '../helpers.js';

const GOOD = experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]');

describe('review regressions', () => {
  it('a YAML syntax error is located where it is, not at 1:1', () => {
    const dir = writeFiles({ 'e.yaml': 'name: a\ndata:\n  dataset: mnist\n  dataset: fashion-mnist\n' });
    const [problem] = configErrorOf(() => loadExperiment(join(dir, 'e.yaml'))).problems;
    assert.deepEqual([problem?.at.line, problem?.at.col], [4, 3]);
    assert.match(problem?.message ?? '', /YAML syntax error: Map keys must be unique/);
  });

  it('--set and derived files can reach into a shorthand optimizer or loss', () => {
    const base = GOOD.replace('loss: sparse_categorical_crossentropy', 'loss: sparse_categorical_crossentropy\n  optimizer: adam');
    const dir = writeFiles({ 'base.yaml': base, 'child.yaml': 'extends: base.yaml\ntrain: {optimizer: {learning_rate: 0.0003}}\n' });
    const viaSet = loadExperiment(join(dir, 'base.yaml'), ['train.optimizer.learning_rate=3e-4', 'train.loss.from_logits=false']);
    assert.equal(viaSet.experiment.train.optimizer.type, 'adam');
    assert.equal(viaSet.experiment.train.optimizer.learning_rate, 0.0003);
    const viaExtends = loadExperiment(join(dir, 'child.yaml'));
    assert.deepEqual(viaExtends.experiment.train.optimizer, { type: 'adam', learning_rate: 0.0003, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
  });

  it('a problem inside an object created by --set is blamed on that --set', () => {
    const dir = writeFiles({ 'e.yaml': GOOD });
    const [problem] = configErrorOf(() => loadExperiment(join(dir, 'e.yaml'), ['train.optimizer.learning_rate=0.1'])).problems;
    assert.equal(problem?.at.file, '--set train.optimizer.learning_rate=0.1');
    assert.match(problem?.message ?? '', /this optimizer has no "type"/);
  });

  it('list indices in --set are numbers: 01 is item 1', () => {
    const dir = writeFiles({ 'e.yaml': GOOD });
    const { layers } = loadExperiment(join(dir, 'e.yaml'), ['model.layers.01.units=10', 'model.layers.01.use_bias=false']);
    assert.equal((layers[1]!.config as { use_bias: boolean }).use_bias, false);
  });

  it('`repeat` on a layer is a stray key of that layer, not a broken repeat block', () => {
    const dir = writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten, repeat: 2}, {type: Dense, units: 10}]') });
    const problems = configErrorOf(() => loadExperiment(join(dir, 'e.yaml'))).problems.map((p) => p.message);
    assert.deepEqual(problems, ['unknown key "repeat" in Flatten layer. Allowed keys: type, name.']);
  });

  it('list items are named by their list, and a missing or non-string type is one problem', () => {
    const dir = writeFiles({
      'a.yaml': GOOD.replace('loss: sparse_categorical_crossentropy', 'loss: sparse_categorical_crossentropy\n  metrics: [accuracy, acuracy]'),
      'b.yaml': experimentYaml('[{type: 5}, {units: 10}]'),
    });
    assert.deepEqual(configErrorOf(() => loadExperiment(join(dir, 'a.yaml'))).problems.map((p) => p.message), [
      '"metrics[1]" cannot be "acuracy"; did you mean "accuracy"? Allowed: accuracy, sparse_categorical_accuracy, categorical_accuracy, binary_accuracy, sparse_top_k_categorical_accuracy.',
    ]);
    const problems = configErrorOf(() => loadExperiment(join(dir, 'b.yaml'))).problems.map((p) => p.message);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /^"type" must be one of Conv2D, .*, got number 5$/);
    assert.match(problems[1]!, /^this layer has no "type"; add one of: Conv2D, /);
  });

  it('an empty file says so', () => {
    const dir = writeFiles({ 'e.yaml': '# nothing yet\n' });
    assert.match(configErrorOf(() => loadExperiment(join(dir, 'e.yaml'))).message, /must be a YAML mapping .*; the file is empty/);
  });
});
