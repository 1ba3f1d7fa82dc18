/**
 * The dashboard's chart specs (pure): smoothing, log scale and zoom over the reports'
 * specs (src/plots/interactive.ts), seed bands, parallel coordinates and the
 * row-normalised confusion matrix; each also drawn headless by vega, so it compiles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandRows, seedBandsSpec } from '../../src/plots/bands-spec.js';
import { overlaySpec } from '../../src/plots/compare-spec.js';
import { interactiveSpec, smoothRows } from '../../src/plots/interactive.js';
import { axisPositions, parallelPoints, parallelSpec } from '../../src/plots/parallel-spec.js';
import { specToSvg } from '../../src/plots/render.js';
import { trainingSpec } from '../../src/plots/training-spec.js';
import type { Metrics } from '../../src/runs/store.js';

const metrics = (accuracy: number[], val = accuracy.map((a) => a - 0.05)): Metrics => ({
  history: accuracy.map((a, i) => ({ epoch: i + 1, accuracy: a, loss: 1 - a, val_accuracy: val[i]!, val_loss: 1.1 - val[i]!, learning_rate: 0.001 })),
  test: { accuracy: accuracy[accuracy.length - 1]!, loss: 0.1 },
  best: null,
});

/** A confusion-matrix heatmap as a run might write it: rect coloured by count, counts written in the cells. */
export const CONFUSION_SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  width: 200,
  height: 200,
  data: { values: [{ true: '0', predicted: '0', count: 8 }, { true: '0', predicted: '1', count: 2 }, { true: '1', predicted: '0', count: 1 }, { true: '1', predicted: '1', count: 4 }] },
  encoding: { x: { field: 'predicted', type: 'ordinal' }, y: { field: 'true', type: 'ordinal' } },
  layer: [
    { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative' }, tooltip: [{ field: 'count' }] } },
    { mark: 'text', encoding: { text: { field: 'count', type: 'quantitative' } } },
  ],
};

/** Every object in `value` with its path, depth first. */
function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (typeof value === 'object' && value !== null) {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe('smoothing (TensorBoard EMA, debiased)', () => {
  it('smooths each curve on its own, keeps the raw value, leaves test rows alone', () => {
    const rows = [
      { metric: 'loss', split: 'training', epoch: 1, value: 1 },
      { metric: 'loss', split: 'training', epoch: 2, value: 3 },
      { metric: 'loss', split: 'validation', epoch: 1, value: 10 },
      { metric: 'loss', split: 'test', epoch: null, value: 5 },
    ];
    const out = smoothRows(rows, 0.5);
    // (0.5 * 1) / (1 - 0.5) = 1; (0.5 * 0.5 + 0.5 * 3) / (1 - 0.25) = 2.333...
    assert.equal(out[0]!.value, 1);
    assert.ok(Math.abs((out[1]!.value as number) - 1.75 / 0.75) < 1e-12);
    assert.equal(out[1]!.raw, 3);
    assert.equal(out[2]!.value, 10, 'validation is its own curve');
    assert.deepEqual(out[3], rows[3], 'the test rule is not smoothed');
    assert.deepEqual(smoothRows(rows, 0), rows);
  });
});

describe('interactiveSpec over the reports\' specs', () => {
  it('log scale on every value axis, one zoom interval per panel, the raw value in the tooltip; the report\'s spec unchanged', async () => {
    const base = trainingSpec(metrics([0.5, 0.7, 0.8]), 'run');
    const before = JSON.stringify(base);
    const spec = interactiveSpec(base, { logY: true, smoothing: 0.6 });
    assert.equal(JSON.stringify(base), before);
    const all = [...objects(spec)];
    const ys = all.filter((o) => typeof o.y === 'object' && (o.y as { field?: string }).field === 'value').map((o) => o.y as { scale?: { type?: string } });
    assert.ok(ys.length >= 2 && ys.every((y) => y.scale?.type === 'log'), JSON.stringify(ys));
    const params = all.flatMap((o) => (Array.isArray(o.params) ? o.params : []));
    assert.deepEqual(params, [{ name: 'zoom_1', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }]);
    assert.ok(JSON.stringify(spec).includes('"field":"raw"'));
    assert.match(await specToSvg(spec), /<svg/);
    assert.match(await specToSvg(interactiveSpec(overlaySpec([{ run: 'a', metrics: metrics([0.5, 0.6]) }], 'two'), { smoothing: 0.3 })), /<svg/);
  });
});

describe('seed bands', () => {
  it('mean and sample standard deviation per epoch, over the seeds that reached it', async () => {
    const rows = bandRows([{ group: 'lr=0.01', runs: [metrics([0.5, 0.9]), metrics([0.7])] }]);
    const first = rows.find((r) => r.metric === 'accuracy' && r.split === 'training' && r.epoch === 1)!;
    assert.ok(Math.abs(first.value - 0.6) < 1e-12);
    assert.ok(Math.abs(first.hi - first.value - Math.sqrt(0.02)) < 1e-12, 'std with n - 1');
    assert.equal(first.n, 2);
    const second = rows.find((r) => r.metric === 'accuracy' && r.split === 'training' && r.epoch === 2)!;
    assert.deepEqual([second.value, second.lo, second.hi, second.n], [0.9, 0.9, 0.9, 1]);
    assert.match(await specToSvg(seedBandsSpec([{ group: 'a', runs: [metrics([0.5, 0.6]), metrics([0.55, 0.65])] }], 't')), /<svg/);
  });
});

describe('parallel coordinates', () => {
  it('numbers spanning decades on a log axis, names evenly in sorted order, the metric last', async () => {
    const lr = axisPositions(['0.1', '0.01', '0.001']);
    assert.deepEqual([lr.get('0.1'), lr.get('0.01'), lr.get('0.001')], [1, 0.5, 0]);
    const names = axisPositions(['sgd', 'adam', 'rmsprop']);
    assert.deepEqual([names.get('adam'), names.get('rmsprop'), names.get('sgd')], [0, 0.5, 1]);
    assert.equal(axisPositions(['64', '64']).get('64'), 0.5);
    const runs = [
      { run: 'a', settings: { lr: '0.01', optimizer: 'adam' }, metric: 0.9 },
      { run: 'b', settings: { lr: '0.001', optimizer: 'sgd' }, metric: 0.95 },
    ];
    const points = parallelPoints(runs, ['lr', 'optimizer'], 'test_accuracy');
    assert.deepEqual(
      points.filter((p) => p.run === 'b').map((p) => [p.axis, p.index, p.position, p.text]),
      [['lr', 0, 0, '0.001'], ['optimizer', 1, 1, 'sgd'], ['test_accuracy', 2, 1, '0.9500']],
    );
    assert.match(await specToSvg(parallelSpec(runs, ['lr', 'optimizer'], 'test_accuracy', 'two runs')), /<svg/);
  });
});

