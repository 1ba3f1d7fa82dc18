// @ts-check
/**
 * Drawing the server's Vega-Lite specs with vega-embed (served from node_modules):
 * SVG, tooltips (vega-tooltip), the export menu only (no links to online editors).
 */

/** @type {Promise<any> | undefined} */
let loading;

/**
 * vega, vega-lite and vega-embed (about 2 MB of script), loaded when the first chart is
 * drawn: the runs table does without them, and shows sooner.
 * @returns {Promise<any>} vegaEmbed
 */
function vegaEmbed() {
  const script = (/** @type {string} */ src) =>
    new Promise((resolve, reject) => {
      const element = document.createElement('script');
      element.src = src;
      element.onload = resolve;
      element.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(element);
    });
  loading ??= script('/vendor/vega.js')
    .then(() => script('/vendor/vega-lite.js'))
    .then(() => script('/vendor/vega-embed.js'))
    .then(() => /** @type {any} */ (globalThis).vegaEmbed);
  return loading;
}

/** What is drawn in each element, so a redraw can free the old view. */
const views = new WeakMap();

/**
 * Draws `spec` into `element` (replacing what was there).
 * @param {HTMLElement} element
 * @param {object} spec a Vega-Lite spec
 * @returns {Promise<void>}
 */
export async function draw(element, spec) {
  // The specs are the reports' (Vega-Lite v5 schema URL); vega-lite 6 draws them the same, without a version warning.
  const { $schema: _schema, ...rest } = /** @type {Record<string, unknown>} */ (spec);
  const embed = await vegaEmbed();
  views.get(element)?.finalize();
  const result = await embed(element, rest, {
    mode: 'vega-lite',
    renderer: 'svg',
    actions: { export: true, source: false, compiled: false, editor: false },
    tooltip: { theme: 'light' },
  });
  views.set(element, result);
}

/** Frees every view under `root` (before a page replaces its content). @param {HTMLElement} root */
export function release(root) {
  for (const element of root.querySelectorAll('.chart')) views.get(/** @type {HTMLElement} */ (element))?.finalize();
}

/**
 * The smoothing slider and log-scale box, as HTML; `bindView` wires them.
 * @param {{ smoothing: number, log: boolean }} view
 */
export function viewControls(view) {
  return `<div class="controls">
  <label>smoothing <input type="range" name="smoothing" min="0" max="0.99" step="0.01" value="${view.smoothing}"> <output>${view.smoothing.toFixed(2)}</output></label>
  <label><input type="checkbox" name="log"${view.log ? ' checked' : ''}> log scale</label>
  <span class="note">drag a chart to pan, wheel to zoom epochs, double-click to reset</span>
</div>`;
}

/**
 * Calls `changed` when the reader moves the slider (after a pause) or ticks the box.
 * @param {HTMLElement} root
 * @param {{ smoothing: number, log: boolean }} view updated in place
 * @param {() => void} changed
 */
export function bindView(root, view, changed) {
  const slider = /** @type {HTMLInputElement} */ (root.querySelector('input[name=smoothing]'));
  const box = /** @type {HTMLInputElement} */ (root.querySelector('input[name=log]'));
  /** @type {number | undefined} */
  let timer;
  slider?.addEventListener('input', () => {
    view.smoothing = Number(slider.value);
    const out = slider.parentElement?.querySelector('output');
    if (out) out.textContent = view.smoothing.toFixed(2);
    clearTimeout(timer);
    timer = setTimeout(changed, 120);
  });
  box?.addEventListener('change', () => {
    view.log = box.checked;
    changed();
  });
}

/** @param {{ smoothing: number, log: boolean }} view @returns {string} the query of the chart options. */
export function viewQuery(view) {
  return `smoothing=${view.smoothing}${view.log ? '&log=1' : ''}`;
}

/**
 * Redraws a page after its data changed: the whole page (`full`), keeping the scroll position, or
 * (`full` false: only the chart options changed) just its charts.
 * @param {boolean} full @param {() => void} render @param {() => Promise<void>} drawCharts
 */
export async function redraw(full, render, drawCharts) {
  const scroll = window.scrollY;
  if (full) render();
  await drawCharts();
  if (full) window.scrollTo(0, scroll);
}
