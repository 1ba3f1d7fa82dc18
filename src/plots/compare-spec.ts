/**
 * Overlay charts for `tfexp compare` (pure Vega-Lite v5 specs): every run's
 * accuracy and loss per epoch on one chart per metric, coloured by run
 * (training solid, validation dashed; runs of any length), and a bar chart of
 * test accuracy.
 */
import type { Metrics } from '../runs/store.js';
import { trainingRows } from './training-spec.js';
import { EPOCH_X, PANEL, perMetricPanels, VEGA_LITE_SCHEMA } from './vega.js';

export interface RunSeries {
  /** Run id (the legend entry). */
  readonly run: string;
  readonly metrics: Metrics;
}

/** Long rows: run, metric, split (training or validation), epoch, value; the training chart's rows of each run. */
export function overlayRows(series: readonly RunSeries[], metrics = ['accuracy', 'loss']) {
  return series.flatMap(({ run, metrics: m }) =>
    trainingRows(m)
      .filter((row) => row.split !== 'test' && metrics.includes(row.metric))
      .map(({ metric, split, epoch, value }) => ({ run, metric, split, epoch: epoch!, value })),
  );
}

export function overlaySpec(series: readonly RunSeries[], title: string): Record<string, unknown> {
  return perMetricPanels({ text: title, subtitle: 'training (solid) and validation (dashed) per epoch' }, overlayRows(series), {
    mark: { type: 'line', point: true },
    encoding: {
      x: EPOCH_X,
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 400 } },
      strokeDash: { field: 'split', type: 'nominal', title: null, scale: { domain: ['training', 'validation'], range: [[1, 0], [6, 4]] } },
      detail: { field: 'split' },
      tooltip: [{ field: 'run' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
    },
  });
}

/** Bars of test accuracy per run; runs without a test result are left out. */
export function testBarSpec(series: readonly RunSeries[], title: string): Record<string, unknown> {
  const values = series.flatMap(({ run, metrics }) => (metrics.test?.accuracy !== undefined ? [{ run, test_accuracy: metrics.test.accuracy }] : []));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: 'test accuracy' },
    data: { values },
    width: PANEL.width,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'run', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'test_accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', legend: null },
      tooltip: [{ field: 'run' }, { field: 'test_accuracy', format: '.4f' }],
    },
  };
}
