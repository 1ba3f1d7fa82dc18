/**
 * Overlay charts for `tfexp compare` (pure Vega-Lite v5 specs): every run's
 * accuracy and loss per epoch on one chart per metric, coloured by run
 * (training solid, validation dashed; runs of any length), and a bar chart of
 * test accuracy.
 */
import type { Metrics } from '../runs/store.js';

export interface RunSeries {
  /** Run id (the legend entry). */
  readonly run: string;
  readonly metrics: Metrics;
}

/** Long rows: run, metric, split, epoch, value. */
export function overlayRows(series: readonly RunSeries[], metrics = ['accuracy', 'loss']) {
  return series.flatMap(({ run, metrics: m }) =>
    m.history.flatMap((record) =>
      metrics.flatMap((metric) =>
        (['training', 'validation'] as const).flatMap((split) => {
          const value = record[split === 'training' ? metric : `val_${metric}`];
          return value !== undefined && Number.isFinite(value) ? [{ run, metric, split, epoch: record.epoch!, value }] : [];
        }),
      ),
    ),
  );
}

export function overlaySpec(series: readonly RunSeries[], title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: 'training (solid) and validation (dashed) per epoch' },
    data: { values: overlayRows(series) },
    facet: { column: { field: 'metric', type: 'nominal', title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 320,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 400 } },
        strokeDash: { field: 'split', type: 'nominal', title: null, scale: { domain: ['training', 'validation'], range: [[1, 0], [6, 4]] } },
        detail: { field: 'split' },
        tooltip: [{ field: 'run' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
      },
    },
  };
}

/** Bars of test accuracy per run; runs without a test result are left out. */
export function testBarSpec(series: readonly RunSeries[], title: string): Record<string, unknown> {
  const values = series.flatMap(({ run, metrics }) => (metrics.test?.accuracy !== undefined ? [{ run, test_accuracy: metrics.test.accuracy }] : []));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: 'test accuracy' },
    data: { values },
    width: 320,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'run', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'test_accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', legend: null },
      tooltip: [{ field: 'run' }, { field: 'test_accuracy', format: '.4f' }],
    },
  };
}
