// @ts-check
/**
 * The runs table: every run under the folder with its status (a live dot while it
 * trains), label, start, duration, backend, epochs, test results, best validation
 * accuracy and the settings that differ between the runs (as tfexp compare computes
 * them: the server sends its table). Sort by any column, filter by text and status,
 * tick runs to compare. Live: refetched when the server says a run changed.
 *
 * Sorting, filtering and "select all shown" work on all the runs; only the rows in and
 * near the view are drawn (./window.js), in a box that scrolls under a sticky header, so
 * a folder of 1,000 runs shows as fast as one of 30.
 */
import { compareHref, selected, setSelected } from './selection.js';
import { esc, getJson, localTime, runHref, statusHtml } from './util.js';
import { windowed } from './window.js';

/** Headers shown for compare's column names. */
const TITLES = /** @type {Record<string, string>} */ ({
  status: 'status',
  label: 'run',
  started: 'started',
  duration_s: 'duration (s)',
  backend: 'backend',
  epochs: 'epochs',
  test_accuracy: 'test acc',
  test_loss: 'test loss',
  best_val_accuracy: 'best val acc',
});

/** Columns sorted descending on a first click (bigger is better or newer). */
const DESCENDING_FIRST = new Set(['started', 'test_accuracy', 'best_val_accuracy', 'epochs']);

const STATUSES = ['running', 'completed', 'failed', 'interrupted', 'stale', 'corrupt'];

/** Orders text cells: numbers inside by value (`#2` before `#10`). One collator: `localeCompare` with options builds one per call. */
const COLLATOR = new Intl.Collator(undefined, { numeric: true });

/** @returns {import('./app.js').Page} */
export function runsPage() {
  /** @type {any} */
  let data = null;
  /** The sort column and direction; the filter text and status. */
  const state = { sort: 'started', descending: true, text: '', status: '' };
  /** @type {HTMLElement} */
  let root;
  /** @type {number | undefined} */
  let pending;
  /** @type {string[]} Each run's text the filter searches (id and cells, lower case), in data.rows' order; [] until a filter text needs it. */
  let haystacks = [];
  /** @type {Set<string>} The ids of all runs listed. */
  let listed = new Set();
  /** @type {any[]} The runs that pass the filters, sorted: all of them, drawn or not. */
  let rows = [];
  /** The runs ticked (ids). */
  let ticked = new Set(selected());
  /** @type {import('./window.js').Windowed | null} */
  let view = null;

  /** Runs that pass the filters, sorted. */
  function visibleRows() {
    const col = data.columns.findIndex((/** @type {any} */ c) => c.name === state.sort);
    const needle = state.text.trim().toLowerCase();
    // Built with the first filter text, not before the first screen.
    if (needle !== '' && haystacks.length !== data.rows.length) haystacks = data.rows.map((/** @type {any} */ r) => [r.id, ...r.cells.map((/** @type {any} */ c) => c.t)].join('\n').toLowerCase());
    const rows = data.rows.filter((/** @type {any} */ r, /** @type {number} */ i) => (state.status === '' || r.status === state.status) && (needle === '' || haystacks[i]?.includes(needle)));
    if (col >= 0) {
      rows.sort((/** @type {any} */ a, /** @type {any} */ b) => {
        const x = a.cells[col].v;
        const y = b.cells[col].v;
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : COLLATOR.compare(String(x), String(y));
        return state.descending ? -order : order;
      });
    }
    return rows;
  }

  /** @param {number} i @returns {string} the HTML of the i-th row shown. */
  function rowHtml(i) {
    const r = rows[i];
    const cells = r.cells
      .map((/** @type {any} */ c, /** @type {number} */ k) => {
        const col = data.columns[k];
        if (col.name === 'status') return `<td>${statusHtml(r.status, c.t)}${r.warnings.length ? ` <span class="warn-mark" title="${esc(r.warnings.join('\n'))}">⚠</span>` : ''}</td>`;
        if (col.name === 'label') return `<td class="label"><a href="${runHref(r.id)}" title="${esc(r.id)}">${esc(c.t)}</a></td>`;
        if (col.name === 'started') return `<td class="num">${esc(localTime(c.v))}</td>`;
        return `<td class="${col.numeric ? 'num' : ''}${col.name === 'epochs' ? ' epochs' : ''}">${esc(c.t)}</td>`;
      })
      .join('');
    const on = ticked.has(r.id);
    return `<tr data-id="${esc(r.id)}" data-status="${esc(r.status)}"${on ? ' class="selected"' : ''}><td><input type="checkbox" aria-label="select ${esc(r.id)}"${on ? ' checked' : ''}></td>${cells}</tr>`;
  }

  /**
   * Draws the table for new data, sort, filter or selection: the header, then the rows in
   * view. The scroll position stays (a live update), unless `top` takes it to the first row.
   */
  function renderTable(top = false) {
    ticked = new Set(selected());
    rows = visibleRows();
    const box = /** @type {HTMLElement} */ (root.querySelector('.table'));
    let table = box.querySelector('table.runs');
    if (table === null) {
      // The first time, or after the empty-folder note: the table and its windowed body.
      box.innerHTML = '<table class="runs"><thead></thead><tbody></tbody></table>';
      table = /** @type {HTMLTableElement} */ (box.querySelector('table.runs'));
      view?.stop();
      view = windowed(box, /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody')), rowHtml, () => data.columns.length + 1);
    }
    const head = data.columns
      .map((/** @type {any} */ c) => {
        const sorted = c.name === state.sort ? (state.descending ? ' sorted-desc' : ' sorted-asc') : '';
        return `<th data-col="${esc(c.name)}" class="${c.numeric ? 'num' : ''}${c.setting ? ' setting' : ''}${sorted}" title="${esc(c.name)}">${esc(TITLES[c.name] ?? c.title)}</th>`;
      })
      .join('');
    const all = rows.length > 0 && rows.every((/** @type {any} */ r) => ticked.has(r.id));
    /** @type {HTMLElement} */ (table.querySelector('thead')).innerHTML = `<tr><th><input type="checkbox" class="all" aria-label="select all shown"${all ? ' checked' : ''}></th>${head}</tr>`;
    if (top) box.scrollTop = 0;
    /** @type {import('./window.js').Windowed} */ (view).draw(rows.length);
    /** @type {HTMLElement} */ (root.querySelector('.count')).textContent = `${rows.length} of ${data.rows.length} runs`;
    updateCompareButton();
  }

  function updateCompareButton() {
    const ids = selected().filter((id) => listed.has(id));
    const button = /** @type {HTMLButtonElement} */ (root.querySelector('button.compare'));
    button.disabled = ids.length === 0;
    button.textContent = `Compare selected (${ids.length})`;
  }

  function renderSweeps() {
    const box = /** @type {HTMLElement} */ (root.querySelector('.sweeps'));
    const open = box.querySelector('details')?.open;
    const total = /** @type {Record<string, number>} */ ({});
    for (const s of data.sweeps) for (const [k, n] of Object.entries(s.counts)) total[k] = (total[k] ?? 0) + Number(n);
    const counts = (/** @type {Record<string, number>} */ c) => Object.entries(c).map(([k, n]) => `${n} ${esc(k)}`).join(' · ');
    const chips = data.sweeps
      .map((/** @type {any} */ s) => `<button class="sweep" data-sweep="${esc(s.id)}" title="show only this sweep's runs"><b>${esc(s.id)}</b> (${esc(s.name)}, ${s.points} points): ${counts(s.counts)}</button>`)
      .join('');
    // A queued sweep's open points train on other machines: their run folders come when they end, so their lines show meanwhile.
    const remote = data.sweeps
      .flatMap((/** @type {any} */ s) =>
        s.remote.map(
          (/** @type {any} */ p) =>
            `<li data-point="${esc(`${s.id}#${p.index}`)}" data-state="${esc(p.state)}"><span class="dot ${p.state === 'running' ? 'running' : ''}"></span><b>${esc(s.id)}</b> [${p.index}/${s.points}] ${esc(p.point)}: ${esc(p.detail)}</li>`,
        ),
      )
      .join('');
    // Open by itself while a sweep has points left to run.
    const busy = Object.keys(total).some((k) => k !== 'completed' && k !== 'failed');
    box.innerHTML = data.sweeps.length === 0 ? '' : `<details${open ?? busy ? ' open' : ''}><summary>${data.sweeps.length} sweep${data.sweeps.length === 1 ? '' : 's'}: ${counts(total)}</summary><div class="chips">${chips}</div>${remote ? `<ul class="remote">${remote}</ul>` : ''}</details>`;
    const bad = /** @type {HTMLElement} */ (root.querySelector('.unreadable'));
    bad.innerHTML = data.unreadable.map((/** @type {any} */ u) => `<div class="warn">${esc(u.warning)}</div>`).join('');
  }

  async function load() {
    performance.mark('runs-fetch');
    data = await getJson('/api/runs');
    performance.mark('runs-fetched');
    listed = new Set(data.rows.map((/** @type {any} */ r) => r.id));
    haystacks = [];
    renderSweeps();
    renderTable();
    // What scripts/bench-ui.ts reads: when the table was built and its rows in view laid out (window.js measures them).
    performance.mark('runs-rendered');
  }

  return {
    async show(main) {
      root = main;
      main.innerHTML = `<div class="toolbar">
  <input type="search" placeholder="filter: name, setting, id…" aria-label="filter runs">
  <label>status <select name="status"><option value="">all</option>${STATUSES.map((s) => `<option>${s}</option>`).join('')}</select></label>
  <button class="compare" disabled>Compare selected (0)</button>
  <span class="count"></span>
</div>
<div class="sweeps"></div><div class="unreadable"></div>
<div class="table rows"></div>`;
      const search = /** @type {HTMLInputElement} */ (main.querySelector('input[type=search]'));
      search.addEventListener('input', () => {
        state.text = search.value;
        renderTable(true);
      });
      const status = /** @type {HTMLSelectElement} */ (main.querySelector('select[name=status]'));
      status.addEventListener('change', () => {
        state.status = status.value;
        renderTable(true);
      });
      /** @type {HTMLElement} */ (main.querySelector('button.compare')).addEventListener('click', () => {
        location.hash = compareHref(selected().filter((id) => listed.has(id)));
      });
      main.querySelector('.sweeps')?.addEventListener('click', (event) => {
        const chip = /** @type {HTMLElement} */ (event.target).closest('[data-sweep]');
        if (!chip) return;
        search.value = `${chip.getAttribute('data-sweep')}/`;
        state.text = search.value;
        renderTable(true);
      });
      const table = /** @type {HTMLElement} */ (main.querySelector('.table'));
      table.addEventListener('click', (event) => {
        const target = /** @type {HTMLElement} */ (event.target);
        const th = target.closest('th[data-col]');
        if (th) {
          const col = /** @type {string} */ (th.getAttribute('data-col'));
          state.descending = state.sort === col ? !state.descending : DESCENDING_FIRST.has(col);
          state.sort = col;
          renderTable(true);
        }
      });
      table.addEventListener('change', (event) => {
        const box = /** @type {HTMLInputElement} */ (event.target);
        if (box.type !== 'checkbox') return;
        // "select all shown": every run that passes the filters, drawn or not.
        const ids = box.classList.contains('all') ? rows.map((/** @type {any} */ r) => r.id) : [/** @type {string} */ (box.closest('tr')?.getAttribute('data-id'))];
        for (const id of ids) box.checked ? ticked.add(id) : ticked.delete(id);
        setSelected([...ticked]);
        if (box.classList.contains('all')) renderTable();
        else {
          box.closest('tr')?.classList.toggle('selected', box.checked);
          updateCompareButton();
        }
      });
      await load();
      if (data.rows.length === 0) table.innerHTML = `<p class="empty">No runs under this folder yet. Start one (npx tfexp run experiments/baseline.yaml): it appears here as it starts.</p>`;
    },
    update() {
      // Several runs may change at once: one fetch for the lot.
      clearTimeout(pending);
      pending = setTimeout(() => void load(), 30);
    },
    leave() {
      clearTimeout(pending);
      view?.stop();
    },
  };
}
