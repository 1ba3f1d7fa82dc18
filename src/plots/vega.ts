/** Pieces every tfexp chart shares (Vega-Lite v5), so runs and comparisons look alike. */

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Size of one chart panel, pixels. */
export const PANEL = { width: 320, height: 220 } as const;

/** The x encoding of every per-epoch chart: whole epochs. */
export const EPOCH_X = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } } as const;

/**
 * A spec with one panel per `metric` field of `values` (side by side, each with its own
 * y scale), each panel drawn by `panel` (a mark with encodings, or layers).
 */
export function perMetricPanels(title: Record<string, unknown>, values: readonly object[], panel: Record<string, unknown>): Record<string, unknown> {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'independent' } },
    spec: { ...PANEL, ...panel },
  };
}
