import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deepMerge } from '../../src/config/extends.js';
import { loadExperiment } from '../../src/config/index.js';
import * as message from '../../src/log/message.js';
import { BASELINE, configErrorOf, experimentYaml, writeFiles } from '../helpers.js';

const loadError = (path: string) => configErrorOf(() => loadExperiment(path));

describe('deepMerge', () => {
  it('merges mappings recursively and replaces lists and scalars', () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: { e: 1 } });
    assert.deepEqual(merged, { a: { b: 1, c: [3] }, d: { e: 1 } });
  });
});

describe('extends', () => {
  it('derives a variant from the baseline, stating only what differs', () => {
    const dir = writeFiles({ 'adam.yaml': `extends: ${BASELINE}\nname: adam\ntrain:\n  optimizer: {type: adam, learning_rate: 0.0003}\n` });
    const { experiment, layers } = loadExperiment(join(dir, 'adam.yaml'));
    assert.equal(experiment.name, 'adam');
    assert.equal(experiment.train.epochs, 20, 'inherited');
    assert.equal(experiment.train.batch_size, 64, 'inherited');
    assert.deepEqual(experiment.train.optimizer, { type: 'adam', learning_rate: 0.0003, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    assert.equal(layers.length, 14);
    assert.ok(!('extends' in experiment));
  });

  it('follows chains, with lists replaced by the most derived file', () => {
    const dir = writeFiles({
      'a.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]', '  epochs: 3\n  batch_size: 16'),
      'sub/b.yaml': 'extends: ../a.yaml\ntrain: {epochs: 5}\n',
      'sub/c.yaml': 'extends: b.yaml\nname: c\nmodel: {layers: [{type: Flatten}, {type: Dense, units: 64}, {type: Dense, units: 10}]}\n',
    });
    const { experiment, layers } = loadExperiment(join(dir, 'sub/c.yaml'));
    assert.equal(experiment.name, 'c');
    assert.equal(experiment.train.epochs, 5);
    assert.equal(experiment.train.batch_size, 16);
    assert.deepEqual(experiment.model.input_shape, [28, 28, 1]);
    assert.deepEqual(layers.map((l) => l.name), ['flatten', 'dense', 'dense_1']);
  });

  it('locates problems in the file that set the offending key', () => {
    const dir = writeFiles({
      'base.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: relux}]'),
      'child.yaml': 'extends: base.yaml\ntrain: {epochs: 0}\n',
    });
    const error = loadError(join(dir, 'child.yaml'));
    const where = error.problems.map((p) => `${p.at.file.split('/').pop()}:${p.at.line}:${p.at.col}`);
    assert.deepEqual(where, ['base.yaml:5:66', 'child.yaml:2:17']);
  });

  it('reports a missing extends target at the extends line, with a suggestion', () => {
    const dir = writeFiles({ 'baseline.yaml': experimentYaml('[{type: Flatten}]'), 'v.yaml': 'name: v\nextends: baselin.yaml\n' });
    const [problem] = loadError(join(dir, 'v.yaml')).problems;
    assert.equal(problem?.at.line, 2);
    assert.equal(problem?.at.col, 10);
    assert.match(problem?.message ?? '', /extends: cannot find "baselin.yaml".*Did you mean "baseline.yaml"\?/);
  });

  it('reports a cycle, naming every file in it', () => {
    const dir = writeFiles({ 'a.yaml': 'extends: b.yaml\nname: a\n', 'b.yaml': 'extends: c.yaml\n', 'c.yaml': 'extends: a.yaml\n' });
    const [problem] = loadError(join(dir, 'a.yaml')).problems;
    assert.match(problem?.at.file ?? '', /c\.yaml$/);
    assert.equal(problem?.at.line, 1);
    assert.match(problem?.message ?? '', /extends: cycle .*a\.yaml -> .*b\.yaml -> .*c\.yaml -> .*a\.yaml/);
  });

  it('reports a self-extending file', () => {
    const dir = writeFiles({ 'a.yaml': 'extends: ./a.yaml\nname: a\n' });
    assert.match(loadError(join(dir, 'a.yaml')).message, /extends: cycle/);
  });

  it('resolves idx data paths against the file that set them, and --set paths against the working directory', () => {
    const dir = writeFiles({
      'base/base.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]').replace('data: {dataset: mnist}', 'data: {dataset: idx, train_images: d/ti, train_labels: d/tl, test_images: d/si, test_labels: d/sl}').replace('[28, 28, 1]', '[2, 3, 1]'),
      'child.yaml': 'extends: base/base.yaml\ndata: {test_labels: mine/sl}\n',
    });
    const { data } = loadExperiment(join(dir, 'child.yaml'), ['data.test_images=cwd/si']).experiment;
    assert.equal(data.train_images, join(dir, 'base/d/ti'));
    assert.equal(data.test_labels, join(dir, 'mine/sl'));
    assert.equal(data.test_images, join(process.cwd(), 'cwd/si'));
  });

  it('reports a missing experiment file', () => {
    assert.match(loadError('/nonexistent/e.yaml').message, /cannot read experiment file "\/nonexistent\/e.yaml": no such file/);
  });

  it('a folder given as the experiment (or as its base) says so and how to name its files, not EISDIR', () => {
    const dir = writeFiles({ 'child.yaml': 'extends: sub\nseed: 1\n', 'sub/x.yaml': 'seed: 2\n' });
    const problems = configErrorOf(() => loadExperiment(dir)).problems;
    assert.deepEqual(problems.map((p) => p.message), [message.fileUnreadable(dir, message.FILE_IS_FOLDER)]);
    const base = configErrorOf(() => loadExperiment(join(dir, 'child.yaml'))).problems;
    assert.deepEqual(base.map((p) => [p.at.line, p.message]), [[1, message.fileUnreadable(join(dir, 'sub'), message.FILE_IS_FOLDER)]]);
    assert.ok(!problems[0]!.message.includes('EISDIR'));
  });
});
