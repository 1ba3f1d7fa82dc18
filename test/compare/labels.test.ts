/** Run labels: the name plus the values that tell runs of that name apart (src/compare/labels.ts). */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareRuns } from '../../src/compare/index.js';
import { runLabels, shortNames } from '../../src/compare/labels.js';
import { tempDir } from '../helpers.js';
import { fakeRun, history, libraryExperiment, setRunInfo } from './fixtures.js';

const run = (name: string, values: Record<string, string>) => ({ name, values: new Map(Object.entries(values)) });
const LR = 'train.optimizer.learning_rate';
const BS = 'train.batch_size';

describe('run labels', () => {
  it('names runs of one experiment by the values that differ among them, with short names for common settings', () => {
    const labels = runLabels(
      [run('baseline', { [LR]: '0.001', [BS]: '64' }), run('baseline', { [LR]: '0.0003', [BS]: '64' }), run('baseline', { [LR]: '0.0003', [BS]: '128' })],
      [LR, BS],
    );
    assert.deepEqual(labels, ['baseline lr=0.001 bs=64', 'baseline lr=0.0003 bs=64', 'baseline lr=0.0003 bs=128']);
  });

  it('different experiments are told apart by name alone; only values differing within a name are added', () => {
    const paths = ['name', 'description', 'model', LR];
    const labels = runLabels(
      [run('baseline', { name: 'baseline', model: 'C32-P-10', [LR]: '0.001' }), run('baseline', { name: 'baseline', model: 'C32-P-10', [LR]: '0.0003' }), run('keras-convnet', { name: 'keras-convnet', model: 'C32-F-10', [LR]: '0.001' })],
      paths,
    );
    assert.deepEqual(labels, ['baseline lr=0.001', 'baseline lr=0.0003', 'keras-convnet']);
  });

  it('other settings by their last path segment, more segments where two would clash; identical runs numbered', () => {
    assert.equal(shortNames(['train.early_stopping.patience']).get('train.early_stopping.patience'), 'patience');
    const names = shortNames(['model.layers.0.filters', 'model.layers.3.filters', 'data.dataset', 'seed']);
    assert.deepEqual([...names.values()], ['layers.0.filters', 'layers.3.filters', 'data', 'seed']);
    assert.deepEqual(runLabels([run('b', {}), run('b', {}), run('c', {})], []), ['b #1', 'b #2', 'c']);
  });

  it('compare labels rows and chart series; a sweep point by its sweep, not by <name>-<index>; the run folder stays in the run column', async () => {
    const root = tempDir();
    const sweep = join(root, '20261201-210000-baseline-sweep');
    mkdirSync(sweep);
    const points = [1, 2].map((index) => ({ index, status: 'completed', run: `20261201-21000${index}-baseline-${index}`, reason: null }));
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ id: 'x', name: 'baseline', points }));
    fakeRun(sweep, points[0]!.run, libraryExperiment('baseline', ['name=baseline-1']), 'completed', history(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(sweep, points[1]!.run, libraryExperiment('baseline', ['name=baseline-2', 'train.optimizer.learning_rate=0.0003']), 'completed', history(0.8), { accuracy: 0.8, loss: 0.4 });
    fakeRun(root, '20261201-220000-keras-convnet', libraryExperiment('keras-convnet'), 'completed', history(0.7), { accuracy: 0.7, loss: 0.5 });
    const out = join(root, 'cmp');
    const { table } = await compareRuns([root], { out, warn: () => {} });
    const cells = (c: string) => table.rows.map((r) => r[table.columns.indexOf(c)]);
    assert.deepEqual(cells('label'), ['baseline lr=0.001', 'baseline lr=0.0003', 'keras-convnet']);
    assert.deepEqual(cells('run'), [points[0]!.run, points[1]!.run, '20261201-220000-keras-convnet']);
    const bars = JSON.parse(readFileSync(join(out, 'test_accuracy.vl.json'), 'utf8'));
    assert.deepEqual(bars.data.values.map((v: { run: string }) => v.run), ['baseline lr=0.001', 'baseline lr=0.0003', 'keras-convnet'], 'bars are labelled by run labels');
    const svg = readFileSync(join(out, 'test_accuracy.svg'), 'utf8');
    assert.ok(svg.includes('baseline lr=0.0003') && !svg.includes('20261201-'), 'the rendered chart shows labels, not folder names');
  });
  it('a run is labelled by its run.json name (--name), a sweep point by its sweep; #n only where labels still clash', async () => {
    const root = tempDir();
    const named = (id: string, file: string, name: string | undefined, sets: string[] = []) => {
      const dir = fakeRun(root, id, libraryExperiment(file, sets), 'completed', history(0.9), { accuracy: 0.9, loss: 0.3 });
      if (name !== undefined) setRunInfo(dir, { name });
    };
    named('20261202-020222-baseline', 'baseline', 'baseline');
    named('20261202-020249-intr', 'baseline', 'intr');
    named('20261202-020343-kint', 'keras-convnet', 'kint');
    named('20261202-020348-kint', 'keras-convnet', 'kint');
    named('20261202-020356-kint2', 'keras-convnet', 'kint2', ['train.optimizer.learning_rate=0.0003']);
    named('20261202-020400-kint2', 'keras-convnet', 'kint2');
    named('20261202-020500-old', 'keras-convnet', undefined);
    const sweep = join(root, '20261202-020508-fashion-baseline-sweep');
    mkdirSync(sweep);
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ id: 'x', name: 'fashion-baseline', points: [{ index: 1, status: 'completed', run: '20261202-020509-fashion-baseline-1', reason: null }] }));
    setRunInfo(fakeRun(sweep, '20261202-020509-fashion-baseline-1', libraryExperiment('fashion-baseline'), 'completed', history(0.8), { accuracy: 0.8, loss: 0.4 }), { name: 'fashion-baseline-1' });
    const { table } = await compareRuns([root], { out: join(root, 'cmp'), sort: 'run', warn: () => {} });
    const labels = Object.fromEntries(table.rows.map((r) => [r[table.columns.indexOf('run')], r[table.columns.indexOf('label')]]));
    assert.deepEqual(labels, {
      '20261202-020222-baseline': 'baseline',
      '20261202-020249-intr': 'intr',
      '20261202-020343-kint': 'kint #1',
      '20261202-020348-kint': 'kint #2',
      '20261202-020356-kint2': 'kint2 lr=0.0003',
      '20261202-020400-kint2': 'kint2 lr=0.001',
      '20261202-020500-old': 'keras-convnet',
      '20261202-020509-fashion-baseline-1': 'fashion-baseline',
    });
  });
});
