// @ts-check
/**
 * The compare page for the selected runs: overlay curves coloured by run or by a
 * chosen setting, the seeds of each grid point as mean ± std bands, parallel
 * coordinates of the differing settings against a metric the reader picks
 * (test_accuracy by default; the grouped table is sorted by it), the
 * differing-settings table (as tfexp compare builds it) and a YAML diff of two runs.
 * Live: refetched when one of the runs changed.
 */
import { bindView, draw, redraw, release, viewControls, viewQuery } from './charts.js';
import { compareHref, runsQuery, selected } from './selection.js';
import { esc, getJson, runHref, simpleTable } from './util.js';

/** @returns {import('./app.js').Page} */
export function comparePage() {
  /** @type {HTMLElement} */
  let root;
  /** @type {string[]} */
  let ids = [];
  const view = { smoothing: 0, log: false };
  let colour = '';
  /** The parallel coordinates' metric ('': the server's default, test_accuracy). */
  let metric = '';
  /** @type {[string, string] | null} */
  let diffPair = null;
  /** @type {any} */
  let data = null;
  /** @type {number | undefined} */
  let pending;
  /** Set when the reader leaves the page: a fetch still under way then draws nothing and leaves the address alone. */
  let left = false;

  /** The reader's choices (view, colour, metric, diff pair) as query parameters, for the API and the page's hash. */
  function choices() {
    const diff = diffPair ? `&${runsQuery(diffPair, 'diff')}` : '';
    return `${viewQuery(view)}${colour ? `&colour=${encodeURIComponent(colour)}` : ''}${metric ? `&metric=${encodeURIComponent(metric)}` : ''}${diff}`;
  }

  /**
   * Fetches the comparison; redraws everything, or (`full` false) only the charts. The hash
   * keeps the choices as the server took them (the runs it found, the colour and metric it
   * used), so a reload, a bookmark or a shared link opens the same view. Nothing happens once
   * the reader has left the page.
   */
  async function load(full = true) {
    const fetched = await getJson(`/api/compare?${runsQuery(ids)}&${choices()}`);
    if (left) return;
    data = fetched;
    colour = data.colour;
    metric = data.metric;
    history.replaceState(null, '', `${compareHref(data.ids)}&${choices()}`);
    await redraw(full, render, drawCharts);
  }

  async function drawCharts() {
    const jobs = [];
    for (const [name, spec] of Object.entries(data.charts)) {
      const element = /** @type {HTMLElement | null} */ (root.querySelector(`#chart-${name}`));
      if (spec && element) jobs.push(draw(element, spec));
    }
    await Promise.all(jobs);
  }

  function diffHtml() {
    if (!data.diff) return '<p class="note">Select two runs to see their experiment files side by side.</p>';
    const option = (/** @type {string} */ id, /** @type {string} */ chosen) => `<option value="${esc(id)}"${id === chosen ? ' selected' : ''}>${esc(data.labels[data.ids.indexOf(id)])}</option>`;
    const select = (/** @type {string} */ name, /** @type {string} */ chosen) => `<select name="${name}">${data.ids.map((/** @type {string} */ id) => option(id, chosen)).join('')}</select>`;
    const lines = data.diff.lines.map((/** @type {any} */ l) => `<div class="${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same'}">${esc(l.text)}</div>`).join('');
    const changes = data.diff.lines.filter((/** @type {any} */ l) => l.op !== ' ').length;
    return `<div class="controls"><label>${select('diff-a', data.diff.a)}</label> → <label>${select('diff-b', data.diff.b)}</label><span class="count">${changes} changed lines</span></div><div class="diff">${lines}</div>`;
  }

  /** @param {any} table compare's table (columns, rows) */
  function tableHtml(table) {
    const labelAt = table.columns.indexOf('label');
    const runAt = table.columns.indexOf('run');
    const html = simpleTable(table.columns, table.rows, 'data compare');
    if (labelAt < 0 || runAt < 0) return html;
    // Labels link to their run's page.
    const links = new Map(table.rows.map((/** @type {any[]} */ r) => [esc(r[labelAt]), runHref(String(r[runAt]))]));
    return html.replace(/<tr><td>([^<]*)<\/td>/g, (all, label) => (links.has(label) ? `<tr><td><a href="${esc(links.get(label))}">${label}</a></td>` : all));
  }

  /** Links to each run's page; folded when there are many. */
  function runLinks() {
    const links = data.labels.map((/** @type {string} */ l, /** @type {number} */ i) => `<a href="${runHref(data.ids[i])}">${esc(l)}</a>`).join(' · ');
    return data.ids.length <= 6 ? `<p class="sub">${links}</p>` : `<details class="sub"><summary>the ${data.ids.length} runs</summary>${links}</details>`;
  }

  function render() {
    release(root);
    const choices = data.colourChoices.map((/** @type {any} */ c) => `<option value="${esc(c.setting)}"${data.colour === c.setting ? ' selected' : ''}>${esc(c.short)} (${esc(c.setting)})</option>`).join('');
    const metricOptions = data.metricChoices.map((/** @type {any} */ m) => `<option value="${esc(m.metric)}"${data.metric === m.metric ? ' selected' : ''}>${esc(m.title)}</option>`).join('');
    root.innerHTML = `<h1>Compare ${data.ids.length} runs</h1>
${runLinks()}
<h2>Curves</h2>
<div class="controls"><label>colour by <select name="colour"><option value="run"${data.colour === 'run' ? ' selected' : ''}>run</option>${choices}</select></label></div>
${viewControls(view)}
${data.charts.overlay ? '<div class="chart" id="chart-overlay"></div>' : '<p class="note">None of these runs has finished an epoch.</p>'}
<h2>Seeds: mean ± std</h2>
${data.charts.bands ? '<div class="chart" id="chart-bands"></div>' : '<p class="note">No grid point among these runs has more than one seed.</p>'}
<h2>Settings against <select name="metric" aria-label="metric of the parallel coordinates">${metricOptions}</select></h2>
${data.charts.parallel ? '<div class="chart" id="chart-parallel"></div>' : '<p class="note">These runs do not differ in any setting.</p>'}
<h2>Differing settings</h2>
<div class="scroll">${tableHtml(data.table)}</div>
${data.grouped ? `<h3>Grouped by seed</h3><div class="scroll">${simpleTable(data.grouped.columns, data.grouped.rows, 'data grouped')}</div>` : ''}
<h2>Experiment diff</h2>
${diffHtml()}`;
    bindView(root, view, () => void load(false));
    const select = /** @type {HTMLSelectElement} */ (root.querySelector('select[name=colour]'));
    select.addEventListener('change', () => {
      colour = select.value;
      void load(false);
    });
    const metricSelect = /** @type {HTMLSelectElement} */ (root.querySelector('select[name=metric]'));
    metricSelect.addEventListener('change', () => {
      metric = metricSelect.value;
      // The whole page: the grouped table is sorted by the metric too.
      void load();
    });
    for (const name of ['diff-a', 'diff-b']) {
      root.querySelector(`select[name=${name}]`)?.addEventListener('change', () => {
        const a = /** @type {HTMLSelectElement} */ (root.querySelector('select[name=diff-a]')).value;
        const b = /** @type {HTMLSelectElement} */ (root.querySelector('select[name=diff-b]')).value;
        diffPair = [a, b];
        void load();
      });
    }
  }

  return {
    async show(main, _path, params) {
      root = main;
      left = false;
      // Each `runs` parameter is one id, decoded once by URLSearchParams (compareHref).
      ids = params.getAll('runs').filter((id) => id !== '');
      if (ids.length === 0) ids = selected();
      if (ids.length === 0) {
        main.innerHTML = '<p class="empty">Tick runs in the <a href="#/">runs table</a> to compare them.</p>';
        return;
      }
      // The choices a link carries (load() writes them back); the server checks them.
      view.smoothing = Math.min(0.99, Math.max(0, Number(params.get('smoothing')) || 0));
      view.log = params.get('log') === '1';
      colour = params.get('colour') ?? '';
      metric = params.get('metric') ?? '';
      const diff = params.getAll('diff');
      diffPair = diff.length === 2 ? [diff[0], diff[1]] : null;
      await load();
      // The runs the server found (a link's `runs=a,b` is read as two runs there), for live updates.
      ids = [...data.ids];
    },
    update(event) {
      if (!ids.some((id) => event.changed.includes(id) || event.removed.includes(id))) return;
      clearTimeout(pending);
      pending = setTimeout(() => void load().catch(() => undefined), 30);
    },
    leave() {
      left = true;
      clearTimeout(pending);
      if (root) release(root);
    },
  };
}
