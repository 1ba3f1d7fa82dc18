/**
 * The dashboard's view options applied to any per-epoch chart of tfexp (pure): the
 * specs of training-spec.ts, compare-spec.ts and bands-spec.ts stay what report.html
 * and compare.html draw, and `tfexp ui` passes them through `interactiveSpec` with
 * what the reader chose:
 *  - smoothing: TensorBoard's exponential moving average, debiased, per curve (every
 *    row field other than `epoch` and the value fields names the curve); the raw value
 *    stays in the row (`raw`) and in the tooltip;
 *  - log scale: the y scale of every value encoding becomes logarithmic;
 *  - zoom and pan on epochs: an x interval bound to the scales (drag to pan, wheel to
 *    zoom, double-click to reset), in every panel that plots epochs.
 * The spec is copied, never changed in place.
 */
import { isPlainObject } from '../config/pointer.js';

/** What the reader chose. */
export interface ChartView {
  /** Smoothing weight in [0, 1): 0 draws the raw values (TensorBoard's slider). Default: 0. */
  readonly smoothing?: number;
  /** A logarithmic y scale. Default: false. */
  readonly logY?: boolean;
  /** Zoom and pan on the epoch axis. Default: true. */
  readonly zoom?: boolean;
}

/** The largest smoothing weight: at 1 the curve would stay at its first value. */
export const MAX_SMOOTHING = 0.99;

/** Fields that hold a curve's values (rows of training-spec, compare-spec and bands-spec). */
const VALUE_FIELDS = ['value', 'lo', 'hi'] as const;

type Row = Record<string, unknown>;
type Spec = Record<string, unknown>;

/**
 * Rows with each curve smoothed: per curve in epoch order, `v_t = w v_{t-1} + (1 - w) x_t`,
 * divided by `1 - w^t` (debiased, so the first point is the first value, as TensorBoard
 * draws it). Rows without a numeric epoch (a test result) are kept as they are.
 * @param weight in [0, MAX_SMOOTHING]; 0 returns the rows unchanged.
 * @returns new rows; smoothed ones keep their raw `value` as `raw`.
 */
export function smoothRows(rows: readonly Row[], weight: number): Row[] {
  const w = Math.min(Math.max(weight, 0), MAX_SMOOTHING);
  if (!(w > 0)) return rows.map((r) => ({ ...r }));
  const curveOf = (row: Row) => JSON.stringify(Object.entries(row).filter(([k]) => k !== 'epoch' && !(VALUE_FIELDS as readonly string[]).includes(k) && k !== 'raw'));
  const curves = new Map<string, number[]>();
  rows.forEach((row, i) => {
    if (typeof row.epoch !== 'number') return;
    const key = curveOf(row);
    curves.set(key, [...(curves.get(key) ?? []), i]);
  });
  const out = rows.map((r) => ({ ...r }));
  for (const indices of curves.values()) {
    indices.sort((a, b) => (rows[a]!.epoch as number) - (rows[b]!.epoch as number));
    for (const field of VALUE_FIELDS) {
      let average = 0;
      let n = 0;
      for (const i of indices) {
        const x = rows[i]![field];
        if (typeof x !== 'number' || !Number.isFinite(x)) continue;
        n += 1;
        average = w * average + (1 - w) * x;
        out[i]![field] = average / (1 - w ** n);
        if (field === 'value') out[i]!.raw = x;
      }
    }
  }
  return out;
}

/** Whether an encoding channel plots a curve's values (`value`, `lo`, `hi` fields). */
const isValueChannel = (channel: unknown): channel is Spec => isPlainObject(channel) && (VALUE_FIELDS as readonly string[]).includes(String(channel.field));

/** The tooltip with the raw value after the smoothed one. */
function withRaw(tooltip: unknown): unknown {
  if (!Array.isArray(tooltip) || !tooltip.some((t) => isPlainObject(t) && t.field === 'value')) return tooltip;
  return tooltip.flatMap((t) => (isPlainObject(t) && t.field === 'value' ? [{ ...t, title: 'smoothed' }, { field: 'raw', format: '.4f', title: 'raw' }] : [t]));
}

/** A copy of one view spec (unit, layer or facet) with the view options applied below it. */
function decorate(spec: Spec, view: Required<ChartView>, zoomName: { next: number }): Spec {
  const out: Spec = { ...spec };
  if (isPlainObject(out.encoding)) {
    const encoding: Spec = { ...out.encoding };
    for (const channel of ['y', 'y2']) {
      const c = encoding[channel];
      if (view.logY && isValueChannel(c)) encoding[channel] = { ...c, scale: { ...(isPlainObject(c.scale) ? c.scale : {}), type: 'log' } };
    }
    if (view.smoothing > 0) encoding.tooltip = withRaw(encoding.tooltip);
    out.encoding = encoding;
  }
  if (isPlainObject(out.spec)) out.spec = decorate(out.spec, view, zoomName);
  if (Array.isArray(out.layer)) {
    // One interval per view: the first layer that plots epochs holds it for the whole layer.
    let zoomed = false;
    out.layer = out.layer.map((layer: unknown) => {
      if (!isPlainObject(layer)) return layer;
      const decorated = decorate(layer, { ...view, zoom: view.zoom && !zoomed }, zoomName);
      zoomed ||= decorated.params !== layer.params;
      return decorated;
    });
  }
  const x = isPlainObject(out.encoding) ? out.encoding.x : undefined;
  if (view.zoom && out.mark !== undefined && isPlainObject(x) && x.field === 'epoch') {
    const name = `zoom_${zoomName.next++}`;
    out.params = [...(Array.isArray(out.params) ? out.params : []), { name, select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }];
  }
  return out;
}

/**
 * `spec` with the reader's view options (see the module comment).
 * @param spec a Vega-Lite spec of this folder (inline `data.values` rows with `epoch` and `value`).
 * @returns a new spec; `spec` is not changed.
 */
export function interactiveSpec(spec: Readonly<Spec>, view: ChartView = {}): Spec {
  const full: Required<ChartView> = { smoothing: Math.min(Math.max(view.smoothing ?? 0, 0), MAX_SMOOTHING), logY: view.logY ?? false, zoom: view.zoom ?? true };
  const out = decorate({ ...spec }, full, { next: 1 });
  if (full.smoothing > 0 && isPlainObject(out.data) && Array.isArray(out.data.values)) {
    out.data = { ...out.data, values: smoothRows(out.data.values as Row[], full.smoothing) };
  }
  return out;
}
