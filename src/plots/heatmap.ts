/**
 * A confusion-matrix heatmap normalised by row (pure): the dashboard's "normalise by
 * row" toggle over `plots/confusion_matrix.vl.json`, whichever run wrote it. The spec's
 * rect mark says which field is the true class (y), the predicted class (x) and the
 * count (color); two transforms add each cell's share of its row (recall on the
 * diagonal), and every encoding of the count (colour, the text layer, the tooltip)
 * shows the share instead, as a percentage.
 */

type Spec = Record<string, unknown>;

const isObject = (value: unknown): value is Spec => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The field the share is written to. */
export const ROW_SHARE_FIELD = 'row_share';

/** The unit specs of `spec` (itself, its layers, a facet's inner spec), depth first, each with the encodings it inherits merged in. */
function units(spec: Spec, inherited: Spec = {}): Spec[] {
  const encoding = { ...inherited, ...(isObject(spec.encoding) ? spec.encoding : {}) };
  const inner = isObject(spec.spec) ? units(spec.spec, encoding) : [];
  const layers = Array.isArray(spec.layer) ? spec.layer.filter(isObject).flatMap((l) => units(l, encoding)) : [];
  return [...(spec.mark !== undefined ? [{ ...spec, encoding }] : []), ...inner, ...layers];
}

const markType = (unit: Spec) => (isObject(unit.mark) ? unit.mark.type : unit.mark);
const fieldOf = (channel: unknown) => (isObject(channel) && typeof channel.field === 'string' ? channel.field : undefined);

/**
 * The row-normalised heatmap, or null when `spec` has no rect mark with x, y and a
 * colour field (not a heatmap this can normalise).
 */
export function rowNormalisedSpec(spec: Readonly<Spec>): Spec | null {
  const rect = units(spec as Spec).find((u) => markType(u) === 'rect' && isObject(u.encoding));
  const encoding = rect?.encoding as Spec | undefined;
  const row = fieldOf(encoding?.y);
  const count = fieldOf(encoding?.color);
  if (row === undefined || count === undefined || fieldOf(encoding?.x) === undefined) return null;
  const share = (channel: unknown, title?: string): unknown => {
    if (Array.isArray(channel)) return channel.map((c) => share(c));
    if (!isObject(channel) || channel.field !== count) return channel;
    const { format: _format, ...rest } = channel;
    return { ...rest, field: ROW_SHARE_FIELD, type: 'quantitative', format: '.1%', ...(title === undefined ? {} : { title }) };
  };
  const rewrite = (node: Spec): Spec => {
    const out: Spec = { ...node };
    if (isObject(out.encoding)) {
      const enc: Spec = { ...out.encoding };
      for (const [name, channel] of Object.entries(enc)) enc[name] = share(channel, name === 'color' ? 'share of row' : undefined);
      if (isObject(enc.color)) enc.color = { ...enc.color, scale: { ...(isObject(enc.color.scale) ? enc.color.scale : {}), domain: [0, 1] } };
      out.encoding = enc;
    }
    if (isObject(out.spec)) out.spec = rewrite(out.spec);
    if (Array.isArray(out.layer)) out.layer = out.layer.map((l) => (isObject(l) ? rewrite(l) : l));
    return out;
  };
  const out = rewrite({ ...spec });
  const transforms = [
    { joinaggregate: [{ op: 'sum', field: count, as: 'row_total' }], groupby: [row] },
    { calculate: `datum.row_total > 0 ? datum[${JSON.stringify(count)}] / datum.row_total : 0`, as: ROW_SHARE_FIELD },
  ];
  out.transform = [...transforms, ...(Array.isArray(out.transform) ? out.transform : [])];
  return out;
}
