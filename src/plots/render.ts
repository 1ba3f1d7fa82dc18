/**
 * Rendering Vega-Lite specs without a browser: vega-lite compiles to Vega,
 * vega draws SVG headless, and resvg (@resvg/resvg-js) turns the SVG into PNG
 * with the system's fonts (DejaVu Sans preferred; any installed font serves
 * scripts it covers, e.g. Noto CJK for Chinese or Japanese names).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** Fonts tried in order by the chart (CSS font-family list). */
export const FONT_FAMILY = 'DejaVu Sans, Noto Sans, Noto Sans CJK SC, Liberation Sans, Arial, sans-serif';

/** SVG text of a Vega-Lite spec. */
export async function specToSvg(spec: Record<string, unknown>): Promise<string> {
  const config = { font: FONT_FAMILY, background: 'white' };
  const compiled = vegaLite.compile({ ...spec, config } as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes of an SVG, drawn at `scale` x its size (2 = sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  });
  return resvg.render().asPng();
}
