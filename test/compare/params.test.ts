/** Which settings compare shows: the `model` column for differing layer stacks, settings that follow from a type (src/compare/params.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareRuns } from '../../src/compare/index.js';
import { MAX_LAYER_COLUMNS, MODEL_COLUMN, paramColumns } from '../../src/compare/params.js';
import { tempDir } from '../helpers.js';
import { fakeRun, history, libraryExperiment } from './fixtures.js';

const column = (result: { paths: string[]; values: string[][] }, path: string) => result.values.map((row) => row[result.paths.indexOf(path)]);

describe('the model column', () => {
  it('two experiments of the library: one model column of architecture strings, no model.layers.N columns', async () => {
    const root = tempDir();
    fakeRun(root, '20261201-210223-baseline', libraryExperiment('baseline'), 'completed', history(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, '20261201-210300-keras-convnet', libraryExperiment('keras-convnet'), 'completed', history(0.8), { accuracy: 0.8, loss: 0.5 });
    const { table } = await compareRuns([root], { out: join(root, 'cmp'), warn: () => {} });
    assert.ok(table.columns.includes(MODEL_COLUMN), table.columns.join(', '));
    assert.deepEqual(table.columns.filter((c) => c.startsWith('model.layers')), [], 'no per-layer columns');
    assert.ok(table.columns.length < 25, `${table.columns.length} columns: ${table.columns.join(', ')}`);
    const model = Object.fromEntries(table.rows.map((r) => [r[table.columns.indexOf('run')], r[table.columns.indexOf(MODEL_COLUMN)]]));
    assert.deepEqual(model, {
      '20261201-210223-baseline': 'C32-C32-P-C64-C64-P-C128-C128-P-C256-C256-F-D0.5-10',
      '20261201-210300-keras-convnet': 'C32-P-C64-P-C128-F-10',
    });
    assert.ok(table.columns.includes('train.batch_size'), 'the other settings are diffed as before');
    assert.ok(table.columns.includes('params'), 'with the parameter count');
  });

  it('the same stack with a few differing layer arguments (a sweep over filters) keeps its per-setting columns', () => {
    const base = libraryExperiment('keras-convnet');
    const { paths, values } = paramColumns([base, libraryExperiment('keras-convnet', ['model.layers.0.filters=16'])]);
    assert.deepEqual(paths, ['model.layers.0.filters']);
    assert.deepEqual(values, [['32'], ['16']]);
  });

  it('the same layer types with more than MAX_LAYER_COLUMNS differing arguments (vgg16-style against its narrow variant): one model column', () => {
    const result = paramColumns([libraryExperiment('vgg16-style'), libraryExperiment('vgg16-style-narrow')]);
    assert.ok(MAX_LAYER_COLUMNS < 15);
    assert.deepEqual(result.paths, ['name', 'description', MODEL_COLUMN]);
    assert.match(column(result, MODEL_COLUMN)[0]!, /^Z2-C64-C64-P-C128/);
    assert.match(column(result, MODEL_COLUMN)[1]!, /^Z2-C16-C16-P-C32/);
  });

  it('--all-params shows the model column and every layer setting', () => {
    const { paths } = paramColumns([libraryExperiment('baseline'), libraryExperiment('keras-convnet')], true);
    assert.ok(paths.includes(MODEL_COLUMN));
    assert.ok(paths.includes('model.layers.0.padding'));
    assert.ok(paths.includes('model.layers.13.units'));
    assert.ok(paths.indexOf(MODEL_COLUMN) < paths.indexOf('model.layers.0.type'));
  });
});

describe('settings that follow from another', () => {
  it('optimizers of different types: the type and the shared settings, not each type\'s own', () => {
    const result = paramColumns([libraryExperiment('baseline'), libraryExperiment('baseline', ['train.optimizer={type: adam, learning_rate: 0.0003}'])]);
    assert.deepEqual(result.paths, ['train.optimizer.type', 'train.optimizer.learning_rate']);
    assert.deepEqual(result.values, [['rmsprop', '0.001'], ['adam', '0.0003']]);
    assert.ok(paramColumns([libraryExperiment('baseline'), libraryExperiment('baseline-adam')], true).paths.includes('train.optimizer.rho'), '--all-params shows them');
  });

  it('a mapping only some runs have (early stopping): one column with its settings', () => {
    const result = paramColumns([libraryExperiment('baseline'), libraryExperiment('baseline-val')]);
    assert.ok(!result.paths.some((p) => p.startsWith('train.early_stopping.')), result.paths.join(', '));
    const [none, some] = column(result, 'train.early_stopping');
    assert.equal(none, '-');
    assert.deepEqual(some!.split(' ').sort(), ['baseline=null', 'min_delta=0', 'mode=auto', 'monitor=val_loss', 'patience=3', 'restore_best_weights=true', 'start_from_epoch=0']);
    assert.deepEqual(column(result, 'data.validation_split'), ['0', '0.1'], 'a single differing setting keeps its own column');
  });
});
