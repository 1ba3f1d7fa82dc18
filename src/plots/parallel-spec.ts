/**
 * Parallel coordinates of the settings that differ between runs against the headline
 * metric (MLflow's "parallel coordinates" view), as a pure Vega-Lite v5 spec: one
 * vertical axis per setting plus one for the metric (last), one line per run through
 * its values, coloured by the metric. Positions are computed here, so numbers,
 * numbers spanning decades (learning rates: a log axis) and names (optimizer types:
 * evenly spaced, in sorted order) share one 0..1 range; each axis is labelled with its
 * values (at most MAX_AXIS_LABELS, else its least and greatest).
 */
import * as message from '../log/message.js';
import { cellNumber, formatNumber, columnFormat } from './format.js';
import { VEGA_LITE_SCHEMA } from './vega.js';

/** One run: its label, its value of each setting (as compare's table shows them), and its metric. */
export interface ParallelRun {
  readonly run: string;
  readonly settings: Readonly<Record<string, string>>;
  /** The headline metric, or null when the run has none (not drawn on the metric axis). */
  readonly metric: number | null;
}

/** One point of a run's line. */
export interface ParallelPoint {
  readonly run: string;
  /** The axis: a setting's short name, or the metric. */
  readonly axis: string;
  /** The axis's place from the left, from 0 (the line's drawing order). */
  readonly index: number;
  /** Position on the axis, 0 (bottom) to 1 (top). */
  readonly position: number;
  /** The value as text (for labels and tooltips). */
  readonly text: string;
  readonly metric: number | null;
}

/** An axis with more distinct values than this is labelled with its least and greatest only. */
export const MAX_AXIS_LABELS = 8;

/** Positions of `values` on one axis: numbers linearly (log when all positive and spanning 10x or more), else evenly by sorted order. */
export function axisPositions(values: readonly string[]): Map<string, number> {
  const distinct = [...new Set(values)];
  const numbers = distinct.map((v) => cellNumber(v));
  if (numbers.every((n): n is number => n !== undefined && Number.isFinite(n))) {
    const log = numbers.every((n) => n > 0) && Math.max(...numbers) / Math.min(...numbers) >= 10;
    const scaled = numbers.map((n) => (log ? Math.log10(n) : n));
    const lo = Math.min(...scaled);
    const hi = Math.max(...scaled);
    return new Map(distinct.map((v, i) => [v, hi === lo ? 0.5 : (scaled[i]! - lo) / (hi - lo)]));
  }
  const sorted = [...distinct].sort((a, b) => a.localeCompare(b));
  return new Map(sorted.map((v, i) => [v, sorted.length === 1 ? 0.5 : i / (sorted.length - 1)]));
}

/**
 * The lines' points: each run on each setting axis (in `axes` order), then on the metric axis.
 * @param axes setting names in axis order (keys of each run's `settings`).
 * @param metricName the metric axis's title (`test_accuracy`).
 */
export function parallelPoints(runs: readonly ParallelRun[], axes: readonly string[], metricName: string): ParallelPoint[] {
  const points: ParallelPoint[] = [];
  axes.forEach((axis, index) => {
    const positions = axisPositions(runs.map((r) => r.settings[axis] ?? '-'));
    for (const r of runs) points.push({ run: r.run, axis, index, position: positions.get(r.settings[axis] ?? '-')!, text: r.settings[axis] ?? '-', metric: r.metric });
  });
  const measured = runs.filter((r) => r.metric !== null);
  const format = columnFormat(metricName, measured.map((r) => r.metric!));
  const positions = axisPositions(measured.map((r) => String(r.metric)));
  for (const r of measured) points.push({ run: r.run, axis: metricName, index: axes.length, position: positions.get(String(r.metric))!, text: formatNumber(r.metric!, format), metric: r.metric });
  return points;
}

/** Each axis's labels: every distinct value, or the least and greatest when there are more than MAX_AXIS_LABELS. */
function axisLabels(points: readonly ParallelPoint[]): { axis: string; position: number; text: string }[] {
  const byAxis = new Map<string, Map<string, number>>();
  for (const p of points) byAxis.set(p.axis, (byAxis.get(p.axis) ?? new Map()).set(p.text, p.position));
  return [...byAxis].flatMap(([axis, values]) => {
    const all = [...values].map(([text, position]) => ({ axis, position, text }));
    if (all.length <= MAX_AXIS_LABELS) return all;
    all.sort((a, b) => a.position - b.position);
    return [all[0]!, all[all.length - 1]!];
  });
}

/**
 * The chart.
 * @param axes settings in axis order; `metricName` the last axis and the colour.
 */
export function parallelSpec(runs: readonly ParallelRun[], axes: readonly string[], metricName: string, title: string): Record<string, unknown> {
  const points = parallelPoints(runs, axes, metricName);
  const order = [...axes, metricName];
  const x = { field: 'axis', type: 'nominal', sort: order, title: null, axis: { orient: 'top', labelAngle: 0, labelFontWeight: 'bold', labelFontSize: 12, domain: false, ticks: false, labelLimit: 160, labelPadding: 6 } };
  // A little room above and below the axes, so the top and bottom labels clear the axis titles.
  const y = { field: 'position', type: 'quantitative', axis: null, scale: { domain: [-0.05, 1.05] } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: message.uiParallelSubtitle(metricName) },
    width: Math.max(320, 140 * order.length),
    height: 260,
    layer: [
      { data: { values: order.map((axis) => ({ axis })) }, mark: { type: 'rule', color: '#999' }, encoding: { x } },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 2, opacity: 0.8, point: { size: 30 } },
        encoding: {
          x,
          y,
          detail: { field: 'run' },
          order: { field: 'index' },
          color: { field: 'metric', type: 'quantitative', title: metricName, scale: { scheme: 'viridis' } },
          tooltip: [{ field: 'run' }, { field: 'axis', title: 'setting' }, { field: 'text', title: 'value' }, { field: 'metric', title: metricName, format: '.4f' }],
        },
      },
      {
        data: { values: axisLabels(points) },
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#333' },
        encoding: { x, y, text: { field: 'text' } },
      },
    ],
  };
}
