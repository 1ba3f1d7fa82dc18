/**
 * Overlay charts for `tfexp compare` (pure Vega-Lite v5 specs): every run's
 * accuracy and loss per epoch on one chart per metric, and a bar chart of test
 * accuracy. Runs are named by their labels (`baseline lr=0.0003`, see
 * src/compare/labels.ts), not their folders. Colour tells the runs apart, or,
 * when the runs are of one experiment and differ in exactly one setting (a
 * sweep; src/compare/index.ts `chartSeries` decides), the value of that
 * setting, in the sweep's order. Line style tells training (solid) from
 * validation (dashed); the legend shows the two as lines, and lists validation
 * only when some run has it.
 */
import * as message from '../log/message.js';
import type { Metrics } from '../runs/store.js';
import { trainingRows } from './training-spec.js';
import { EPOCH_X, PANEL, perMetricPanels, VEGA_LITE_SCHEMA } from './vega.js';

export interface RunSeries {
  /** The run's label: its legend entry and bar label. */
  readonly run: string;
  readonly metrics: Metrics;
  /** The run's value of the swept setting, when there is one (see `SweptSetting`). */
  readonly setting?: string;
}

/** The one setting the compared runs of one experiment differ in: colour shows its value. */
export interface SweptSetting {
  /** The legend title: the setting's short name (`lr`). */
  readonly title: string;
  /** Its values, in legend order (numbers ascending). */
  readonly values: readonly string[];
}

/** Line style per split: training solid, validation dashed (Vega strokeDash arrays). */
export const SPLIT_DASH = { training: [1, 0], validation: [6, 4] } as const;

/** The legend of the line styles, drawn as grey line samples: vega's default legend symbol for a line with points is a filled dot. */
export const SPLIT_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, encode: { symbols: { update: { stroke: { value: '#444' }, fill: { value: 'transparent' } } } } } as const;

/** Long rows: run, setting (when swept), metric, split (training or validation), epoch, value; the training chart's rows of each run. */
export function overlayRows(series: readonly RunSeries[], metrics = ['accuracy', 'loss']) {
  return series.flatMap(({ run, metrics: m, setting }) =>
    trainingRows(m)
      .filter((row) => row.split !== 'test' && metrics.includes(row.metric))
      .map(({ metric, split, epoch, value }) => ({ run, ...(setting === undefined ? {} : { setting }), metric, split, epoch: epoch!, value })),
  );
}

/** The colour encoding: by run label, or by the swept setting's value. */
function colourBy(swept: SweptSetting | undefined, symbolType: 'stroke' | 'square'): Record<string, unknown> {
  const legend = { labelLimit: 400, symbolType, ...(symbolType === 'stroke' ? { symbolStrokeWidth: 3 } : {}) };
  return swept === undefined
    ? { field: 'run', type: 'nominal', title: 'run', legend }
    : { field: 'setting', type: 'nominal', title: swept.title, scale: { domain: [...swept.values] }, legend };
}

/**
 * Accuracy and loss per epoch of every run, one panel per metric.
 * @param swept colour by this setting's value instead of by run.
 */
export function overlaySpec(series: readonly RunSeries[], title: string, swept?: SweptSetting): Record<string, unknown> {
  const rows = overlayRows(series);
  const splits = rows.some((r) => r.split === 'validation') ? (['training', 'validation'] as const) : (['training'] as const);
  const subtitle = splits.length === 2 ? message.COMPARE_CURVES_SUBTITLE : message.COMPARE_CURVES_SUBTITLE_NO_VALIDATION;
  return perMetricPanels({ text: title, subtitle }, rows, {
    mark: { type: 'line', point: { size: 24 } },
    encoding: {
      x: EPOCH_X,
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      color: colourBy(swept, 'stroke'),
      strokeDash: {
        field: 'split',
        type: 'nominal',
        title: null,
        scale: { domain: [...splits], range: splits.map((s) => [...SPLIT_DASH[s]]) },
        legend: SPLIT_LEGEND,
      },
      detail: { field: 'run' },
      tooltip: [{ field: 'run' }, ...(swept === undefined ? [] : [{ field: 'setting', title: swept.title }]), { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
    },
  });
}

/**
 * The x domain of the bars: the values' range with a little room on each side
 * (at least 0.01, within 0..1), not 0..1, so small differences show.
 */
export function barDomain(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.15, 0.01);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return [round(Math.max(0, lo - pad)), round(Math.min(1, hi + pad))];
}

/** Bars of test accuracy per run (labelled by run label, each with its value); runs without a test result are left out. */
export function testBarSpec(series: readonly RunSeries[], title: string, swept?: SweptSetting): Record<string, unknown> {
  const values = series.flatMap(({ run, metrics, setting }) =>
    metrics.test?.accuracy !== undefined ? [{ run, ...(setting === undefined ? {} : { setting }), test_accuracy: metrics.test.accuracy }] : [],
  );
  // Best first; the order is the data's (sort: null), the same in both layers.
  values.sort((a, b) => b.test_accuracy - a.test_accuracy);
  const domain = values.length === 0 ? [0, 1] : barDomain(values.map((v) => v.test_accuracy));
  const y = { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 300 } };
  const x = { field: 'test_accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain, zero: false, nice: false, clamp: true } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: message.COMPARE_BARS_SUBTITLE },
    data: { values },
    width: PANEL.width,
    encoding: { y, x },
    layer: [
      {
        mark: { type: 'bar', clip: true },
        encoding: {
          // No legend: each bar's label already says its run and setting, and a legend beside the bars collides with the longest bar's value.
          color: { ...colourBy(swept, 'square'), legend: null },
          tooltip: [{ field: 'run' }, ...(swept === undefined ? [] : [{ field: 'setting', title: swept.title }]), { field: 'test_accuracy', format: '.4f' }],
        },
      },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4 }, encoding: { text: { field: 'test_accuracy', type: 'quantitative', format: '.4f' } } },
    ],
  };
}
