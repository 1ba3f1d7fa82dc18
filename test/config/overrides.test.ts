import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { parseOverrides } from '../../src/config/overrides.js';
import * as message from '../../src/log/message.js';
import { BASELINE, configErrorOf } from '../helpers.js';

describe('--set overrides', () => {
  it('parses values as YAML and applies them after extends', () => {
    const { experiment } = loadExperiment(BASELINE, ['train.epochs=5', 'train.optimizer.learning_rate=3e-4', 'description="hello: world"']);
    assert.equal(experiment.train.epochs, 5);
    assert.equal(experiment.train.optimizer.learning_rate, 0.0003);
    assert.equal(experiment.description, 'hello: world');
  });

  it('replaces a whole object, with the new type\'s defaults', () => {
    const { experiment } = loadExperiment(BASELINE, ['train.optimizer=sgd']);
    assert.deepEqual(experiment.train.optimizer, { type: 'sgd', learning_rate: 0.01, momentum: 0, nesterov: false });
  });

  it('sets list items by index, later overrides winning', () => {
    const { layers } = loadExperiment(BASELINE, ['model.layers.0.filters=16', 'model.layers.0.filters=8', 'model.layers.12.rate=0.25']);
    assert.equal((layers[0]!.config as { filters: number }).filters, 8);
    assert.equal((layers[12]!.config as { rate: number }).rate, 0.25);
  });

  it('rejects paths the schema does not have, suggesting a whole path (as --sweep does)', () => {
    const error = configErrorOf(() => parseOverrides(['train.epoch=5', 'train.optimizer.learning_rat=1', 'train.lr=0.1']));
    assert.deepEqual(error.problems.map((p) => p.message), [
      message.overrideUnknownPath('train', 'epoch', 'train.epochs', []),
      message.overrideUnknownPath('train.optimizer', 'learning_rat', 'train.optimizer.learning_rate', []),
      // Keras's old argument name, found below where the path went wrong.
      message.overrideUnknownPath('train', 'lr', 'train.optimizer.learning_rate', []),
    ]);
    assert.equal(error.problems[0]!.at.file, '--set train.epoch=5');
  });

  it('rejects malformed arguments and indices past the end', () => {
    assert.equal(configErrorOf(() => parseOverrides(['train.epochs'])).problems[0]!.message, message.overrideSyntax());
    const error = configErrorOf(() => loadExperiment(BASELINE, ['model.layers.14.rate=0.1']));
    assert.equal(error.problems[0]!.message, message.overrideIndex('model.layers', 14, 14));
  });

  it('reports a value of the wrong type at the --set argument', () => {
    const error = configErrorOf(() => loadExperiment(BASELINE, ['train.batch_size=big']));
    assert.deepEqual(error.problems, [{ at: { file: '--set train.batch_size=big', line: 0, col: 0 }, message: message.wrongType('batch_size', 'an integer', 'big') }]);
  });

  it('works on files that extend others', () => {
    const { experiment } = loadExperiment(join(BASELINE, '..', 'baseline.yaml'), ['seed=7']);
    assert.equal(experiment.seed, 7);
  });
});
