/**
 * Seeds of one grid point as a band (pure Vega-Lite v5 spec): for each group of runs
 * that differ only by seed (src/compare/group.ts decides the groups), the mean of
 * each metric per epoch as a line and mean +/- one sample standard deviation (n - 1)
 * as a shaded band, one panel per metric like the overlay curves. Training solid,
 * validation dashed (compare-spec.ts's SPLIT_DASH). An epoch only some seeds reached
 * (a run still training) is averaged over those that did; its `n` says how many.
 */
import { meanAndStd } from '../compare/group.js';
import * as message from '../log/message.js';
import type { Metrics } from '../runs/store.js';
import { SPLIT_DASH, SPLIT_LEGEND } from './compare-spec.js';
import { trainingRows } from './training-spec.js';
import { EPOCH_X, perMetricPanels } from './vega.js';

/** Runs of one grid point. */
export interface SeedGroup {
  /** The legend entry: the grid point's settings (`lr=0.001`), or the experiment's name. */
  readonly group: string;
  readonly runs: readonly Metrics[];
}

/** One row of the band data. */
export interface BandRow {
  readonly group: string;
  readonly metric: string;
  readonly split: 'training' | 'validation';
  readonly epoch: number;
  /** Mean over the seeds that reached this epoch. */
  readonly value: number;
  /** Mean minus and plus one sample standard deviation (both the mean when n is 1). */
  readonly lo: number;
  readonly hi: number;
  /** Seeds averaged. */
  readonly n: number;
}

/** The band rows of `groups`: one per group, metric (accuracy, loss), split and epoch. */
export function bandRows(groups: readonly SeedGroup[], metrics = ['accuracy', 'loss']): BandRow[] {
  return groups.flatMap(({ group, runs }) => {
    const cells = new Map<string, { metric: string; split: 'training' | 'validation'; epoch: number; values: number[] }>();
    for (const run of runs) {
      for (const row of trainingRows(run)) {
        if (row.split === 'test' || row.epoch === null || !metrics.includes(row.metric)) continue;
        const key = `${row.metric}\u0000${row.split}\u0000${row.epoch}`;
        const cell = cells.get(key) ?? { metric: row.metric, split: row.split, epoch: row.epoch, values: [] };
        cell.values.push(row.value);
        cells.set(key, cell);
      }
    }
    return [...cells.values()].map(({ values, ...where }) => {
      const { mean, std } = meanAndStd(values);
      return { group, ...where, value: mean, lo: mean - std, hi: mean + std, n: values.length };
    });
  });
}

/**
 * Mean +/- std bands of each group, one panel per metric.
 * @param title e.g. "3 grid points, 9 runs".
 */
export function seedBandsSpec(groups: readonly SeedGroup[], title: string): Record<string, unknown> {
  const rows = bandRows(groups);
  const splits = rows.some((r) => r.split === 'validation') ? (['training', 'validation'] as const) : (['training'] as const);
  const colour = { field: 'group', type: 'nominal', title: 'grid point', legend: { labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } };
  return perMetricPanels({ text: title, subtitle: message.UI_BANDS_SUBTITLE }, rows, {
    layer: [
      {
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          x: EPOCH_X,
          y: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } },
          y2: { field: 'hi' },
          color: colour,
          detail: { field: 'split' },
        },
      },
      {
        mark: { type: 'line', point: { size: 20 } },
        encoding: {
          x: EPOCH_X,
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: colour,
          strokeDash: { field: 'split', type: 'nominal', title: null, scale: { domain: [...splits], range: splits.map((s) => [...SPLIT_DASH[s]]) }, legend: SPLIT_LEGEND },
          tooltip: [{ field: 'group', title: 'grid point' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', title: 'mean', format: '.4f' }, { field: 'lo', title: 'mean - std', format: '.4f' }, { field: 'hi', title: 'mean + std', format: '.4f' }, { field: 'n', title: 'seeds' }],
        },
      },
    ],
  });
}
