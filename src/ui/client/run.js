// @ts-check
/**
 * One run: header (status, experiment, backend and why, parameters, FLOPs...), the
 * training curves and learning rate (interactive), the evaluation views when the run
 * folder has them (evaluation.json, the confusion matrix with a row-normalise toggle,
 * the misclassified grid; a test | train switch when `tfexp evaluate --split train` wrote
 * evaluation_train.json too), the model summary, the resolved experiment and the files.
 * Live: redrawn when the server says this run changed.
 */
import { bindView, draw, redraw, release, viewControls, viewQuery } from './charts.js';
import { esc, getJson, simpleTable, size, statusHtml } from './util.js';

/** Misclassified samples listed under the grid. */
const MISCLASSIFIED_ROWS = 16;

/** @param {any} value @returns {string} a fact's value as HTML (report.ts already escaped `{html}` values). */
const factHtml = (value) => (typeof value === 'string' ? esc(value) : value.html);

/** @param {any} evaluation evaluation.json @returns {string} its summary, per-class table and misclassified list, as HTML. */
function evaluationHtml(evaluation) {
  if (!evaluation || typeof evaluation !== 'object') return '';
  const num = (/** @type {any} */ v) => (typeof v === 'number' ? v : null);
  const perClass = Array.isArray(evaluation.per_class) ? evaluation.per_class : [];
  const avg = (/** @type {string} */ name, /** @type {any} */ a) => (a && typeof a === 'object' ? [[name, num(a.precision), num(a.recall), num(a.f1), num(a.support)]] : []);
  const rows = [
    ...perClass.map((/** @type {any} */ c) => [String(c.class), num(c.precision), num(c.recall), num(c.f1), num(c.support)]),
    ...avg('macro avg', evaluation.macro_avg),
    ...avg('weighted avg', evaluation.weighted_avg),
  ];
  const wrong = Array.isArray(evaluation.misclassified) ? evaluation.misclassified.slice(0, MISCLASSIFIED_ROWS) : [];
  const names = Array.isArray(evaluation.class_names) ? evaluation.class_names : [];
  const name = (/** @type {any} */ k) => (typeof k === 'number' && names[k] !== undefined ? `${k} (${names[k]})` : String(k));
  return `<p class="sub evaluation-summary">${esc(evaluation.split ?? 'test')} split, ${esc(evaluation.samples ?? '?')} samples: accuracy ${esc(num(evaluation.accuracy)?.toFixed(4) ?? '-')}, loss ${esc(num(evaluation.loss)?.toFixed(4) ?? '-')}</p>
<div class="scroll">${simpleTable(['class', 'precision', 'recall', 'f1', 'support'], rows, 'data per-class')}</div>
${wrong.length ? `<h3>Most confidently wrong</h3><div class="scroll">${simpleTable(['index', 'true', 'predicted', 'confidence'], wrong.map((/** @type {any} */ w) => [num(w.index), name(w.true), name(w.predicted), num(w.confidence)]), 'data misclassified')}</div>` : ''}`;
}

/** @returns {import('./app.js').Page} */
export function runPage() {
  /** @type {HTMLElement} */
  let root;
  let id = '';
  const view = { smoothing: 0, log: false };
  let normalised = false;
  /** The evaluation shown: 'test' or 'train' (when the run has that split's evaluation). */
  let split = 'test';
  /** @type {any} */
  let data = null;
  /** @type {number | undefined} */
  let pending;

  /** Fetches the run; redraws the whole page, or (`full` false: the chart options changed) only the charts. */
  async function load(full = true) {
    data = await getJson(`/api/run?id=${encodeURIComponent(id)}&${viewQuery(view)}`);
    await redraw(full, render, drawCharts);
  }

  async function drawCharts() {
    const jobs = [];
    const at = (/** @type {string} */ sel) => /** @type {HTMLElement | null} */ (root.querySelector(sel));
    if (data.charts.training && at('#chart-training')) jobs.push(draw(/** @type {HTMLElement} */ (at('#chart-training')), data.charts.training));
    if (data.charts.learningRate && at('#chart-learning-rate')) jobs.push(draw(/** @type {HTMLElement} */ (at('#chart-learning-rate')), data.charts.learningRate));
    const shown = evaluationShown();
    const confusion = normalised && shown?.confusionNormalised ? shown.confusionNormalised : shown?.confusion;
    if (confusion && at('#chart-confusion')) jobs.push(draw(/** @type {HTMLElement} */ (at('#chart-confusion')), confusion));
    await Promise.all(jobs);
  }

  /** @returns {any} the evaluation view of the chosen split, else the first the run has (test before train), or undefined. */
  function evaluationShown() {
    return data.evaluations.find((/** @type {any} */ e) => e.split === split) ?? data.evaluations[0];
  }

  /** @returns {string} the Evaluation section, as HTML ('' when the run has no evaluation). */
  function evaluationSection() {
    const shown = evaluationShown();
    if (!shown) return '';
    const splits = data.evaluations.length < 2
      ? ''
      : `<div class="controls evaluation-split" role="radiogroup" aria-label="evaluated split">split ${data.evaluations
          .map((/** @type {any} */ e) => `<label><input type="radio" name="split" value="${esc(e.split)}"${e === shown ? ' checked' : ''}> ${esc(e.split)}</label>`)
          .join(' ')}</div>`;
    const confusion = shown.confusion
      ? `<div class="controls"><label><input type="checkbox" name="normalise"${normalised ? ' checked' : ''}${shown.confusionNormalised ? '' : ' disabled'}> normalise by row (share of each true class)</label></div><div class="chart" id="chart-confusion"></div>`
      : '';
    const images = shown.split === 'train' ? 'training' : shown.split;
    const grid = shown.misclassified ? `<h3>Misclassified ${esc(images)} images</h3><img class="misclassified" alt="misclassified ${esc(images)} images" src="${esc(shown.misclassified)}">` : '';
    return `<h2>Evaluation</h2>${splits}${confusion}${evaluationHtml(shown.evaluation)}${grid}`;
  }

  function render() {
    release(root);
    const d = data;
    const planned = d.epochs.planned;
    const progress = planned ? `<div class="progress" title="${d.epochs.completed} of ${planned} epochs"><div style="width:${Math.min(100, (100 * d.epochs.completed) / planned)}%"></div></div>` : '';
    const facts = `<table class="kv"><tbody>${d.facts.map((/** @type {any} */ [k, v]) => `<tr data-fact="${esc(k)}"><th scope="row">${esc(k)}</th><td>${factHtml(v)}</td></tr>`).join('')}</tbody></table>`;
    root.innerHTML = `<h1>${esc(d.name)}</h1>
<p class="sub"><code>${esc(d.id)}</code>${d.description ? ` · ${esc(d.description)}` : ''}</p>
<p>${statusHtml(d.status, d.statusText)} · epoch <span class="epochs-done">${d.epochs.completed}</span>${planned ? ` of ${planned}` : ''}</p>
${progress}
${d.failure ? `<div class="failure">${esc(d.failure)}</div>` : ''}
${d.warnings.map((/** @type {string} */ w) => `<div class="warn">${esc(w)}</div>`).join('')}
<div class="facts">${facts}</div>
${d.backend ? `<pre class="backend">${esc(d.backend)}</pre>` : ''}
<h2>Training</h2>
${d.charts.training ? `${viewControls(view)}<div class="charts-row"><div class="chart" id="chart-training"></div>${d.charts.learningRate ? '<div class="chart" id="chart-learning-rate"></div>' : ''}</div>` : '<p class="note">No epoch has finished yet.</p>'}
${d.test ? `<h3>Test</h3>${simpleTable(Object.keys(d.test), [Object.values(d.test)], 'data test')}` : ''}
${evaluationSection()}
<h2>Model</h2>
${d.summary ? `<pre class="summary">${esc(d.summary)}</pre>` : '<p class="note">No summary.txt.</p>'}
<h2>Experiment (resolved)</h2>
${d.experimentYaml ? `<details class="experiment"><summary>experiment.yaml</summary><pre>${esc(d.experimentYaml)}</pre></details>` : '<p class="note">No readable experiment.yaml.</p>'}
<h2>Files</h2>
<ul class="files">${d.files.map((/** @type {any} */ f) => `<li><a href="${esc(f.url)}?download=1" download>${esc(f.path)}</a><span class="size">${esc(size(f.size))}</span></li>`).join('')}</ul>`;
    bindView(root, view, () => void load(false));
    const box = /** @type {HTMLInputElement | null} */ (root.querySelector('input[name=normalise]'));
    box?.addEventListener('change', () => {
      normalised = box.checked;
      void drawCharts();
    });
    for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll('input[name=split]'))) {
      radio.addEventListener('change', () => {
        split = radio.value;
        void redraw(true, render, drawCharts);
      });
    }
  }

  return {
    async show(main, path) {
      root = main;
      id = path.join('/');
      await load();
    },
    update(event) {
      if (!event.changed.includes(id) && !event.removed.includes(id)) return;
      clearTimeout(pending);
      pending = setTimeout(() => void load().catch(() => undefined), 30);
    },
    leave() {
      clearTimeout(pending);
      if (root) release(root);
    },
  };
}
