/**
 * The per-run training chart as a Vega-Lite v5 spec (pure; no I/O): one panel
 * per metric (accuracy, loss), training and validation curves per epoch, the
 * test result drawn as a dashed rule. Data is inline, so the spec renders anywhere.
 */
import type { Metrics } from '../runs/store.js';
import { EPOCH_X, PANEL, perMetricPanels, VEGA_LITE_SCHEMA } from './vega.js';

/** One row of the chart data. `split` is training, validation or test; `epoch` is null for test. */
export interface TrainingRow {
  metric: string;
  split: 'training' | 'validation' | 'test';
  epoch: number | null;
  value: number;
}

/** The metrics charted, in panel order: those present in the history. */
export function chartedMetrics(metrics: Metrics): string[] {
  const keys = new Set(metrics.history.flatMap((r) => Object.keys(r)));
  return ['accuracy', 'loss', ...[...keys].filter((k) => k.endsWith('accuracy') && k !== 'accuracy' && !k.startsWith('val_'))].filter((k) => keys.has(k));
}

/** Long-format rows: one per (metric, split, epoch), plus one per test result. */
export function trainingRows(metrics: Metrics): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (const metric of chartedMetrics(metrics)) {
    for (const record of metrics.history) {
      const train = record[metric];
      const val = record[`val_${metric}`];
      if (train !== undefined && Number.isFinite(train)) rows.push({ metric, split: 'training', epoch: record.epoch!, value: train });
      if (val !== undefined && Number.isFinite(val)) rows.push({ metric, split: 'validation', epoch: record.epoch!, value: val });
    }
    const test = metrics.test?.[metric];
    if (test !== undefined && Number.isFinite(test)) rows.push({ metric, split: 'test', epoch: null, value: test });
  }
  return rows;
}

/** Each split's colour: Vega's tableau10 in order (blue, orange, red), kept when a split is absent. */
const SPLIT_COLOURS: Readonly<Record<TrainingRow['split'], string>> = { training: '#4c78a8', validation: '#f58518', test: '#e45756' };

/**
 * @param title the experiment name; `subtitle` e.g. its description (any script: rendered with the system's fonts).
 */
export function trainingSpec(metrics: Metrics, title: string, subtitle = ''): Record<string, unknown> {
  const rows = trainingRows(metrics);
  // The legend lists only the splits the run has (no "validation" without validation), each in its fixed colour.
  const splits = (Object.keys(SPLIT_COLOURS) as TrainingRow['split'][]).filter((split) => rows.some((r) => r.split === split));
  const scale = { domain: splits, range: splits.map((split) => SPLIT_COLOURS[split]) };
  return perMetricPanels({ text: title, ...(subtitle ? { subtitle } : {}) }, rows, {
    layer: [
      {
        transform: [{ filter: "datum.split !== 'test'" }],
        mark: { type: 'line', point: true },
        encoding: {
          x: EPOCH_X,
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'split', type: 'nominal', title: null, scale },
          tooltip: [{ field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
        },
      },
      {
        transform: [{ filter: "datum.split === 'test'" }],
        mark: { type: 'rule', strokeDash: [6, 4] },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          color: { field: 'split', type: 'nominal' },
          tooltip: [{ field: 'split' }, { field: 'value', format: '.4f' }],
        },
      },
    ],
  });
}

/** Learning rate per epoch, when it changed during the run; undefined when it stayed constant. */
export function learningRateSpec(metrics: Metrics, title: string): Record<string, unknown> | undefined {
  const rows = metrics.history.filter((r) => Number.isFinite(r.learning_rate)).map((r) => ({ epoch: r.epoch!, learning_rate: r.learning_rate! }));
  if (new Set(rows.map((r) => r.learning_rate)).size < 2) return undefined;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: 'learning rate at the end of each epoch' },
    data: { values: rows },
    ...PANEL,
    mark: { type: 'line', point: true },
    encoding: {
      x: EPOCH_X,
      y: { field: 'learning_rate', type: 'quantitative', title: 'learning rate', scale: { type: 'log' } },
      tooltip: [{ field: 'epoch' }, { field: 'learning_rate', format: '.3e' }],
    },
  };
}
