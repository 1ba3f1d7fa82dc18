// @ts-check
/**
 * Windowed (virtual) drawing of a long table: only the rows in and near the view are in
 * the DOM. A spacer row above them and one below (`tr.spacer`, each as tall as the rows it
 * stands for, from the measured row height) keep the table, and so its scrollbar, as tall
 * as all the rows. Rows must all be one height (no wrapping). Redrawn on any scroll (the
 * table's box or the page) and resize, at most once a frame.
 */

/** Rows drawn beyond each edge of the view, so a short scroll finds them drawn. */
const OVERSCAN = 10;
/** The row height (px) assumed until a drawn row is measured. */
const GUESS_PX = 30;

/**
 * @typedef {object} Windowed
 * @property {(count: number) => void} draw Draws rows 0..count-1 anew (new rows, order or filter), keeping the scroll position.
 * @property {() => void} stop Stops following scrolls and resizes.
 */

/**
 * Draws `tbody`'s rows windowed. Header cells (`thead th`) keep the widest width they had
 * with the rows drawn so far (until the header is rewritten), so columns do not jump while
 * scrolling.
 * @param {HTMLElement} scroller the box that scrolls the table (`overflow: auto`), or any
 *   box around it when the page scrolls: the view is where it and the window overlap.
 * @param {HTMLTableSectionElement} tbody the table body to fill; nothing else writes its rows.
 * @param {(i: number) => string} rowHtml the HTML of row `i` (0-based): one `<tr>`; called
 *   only for the rows drawn.
 * @param {() => number} columns how many columns the table has (the spacers' colspan).
 * @returns {Windowed}
 * @throws {TypeError} when `tbody` is not in a table.
 */
export function windowed(scroller, tbody, rowHtml, columns) {
  const table = /** @type {HTMLTableElement} */ (tbody.closest('table'));
  if (table === null) throw new TypeError('windowed: the tbody is not in a table');
  let count = 0;
  let height = GUESS_PX;
  /** The rows drawn now: [from, to). */
  let from = 0;
  let to = 0;
  let frame = 0;

  /** @param {number} rows @returns {string} a row as tall as `rows` rows, or nothing for none. */
  const spacer = (rows) => (rows > 0 ? `<tr class="spacer" aria-hidden="true"><td colspan="${columns()}" style="height:${rows * height}px"></td></tr>` : '');

  /** The rows in view, [first, last): where the scroller and the window overlap, from the body's top (px). */
  function inView() {
    const box = scroller.getBoundingClientRect();
    const body = tbody.getBoundingClientRect().top;
    const first = Math.floor((Math.max(box.top, 0) - body) / height);
    const last = Math.ceil((Math.min(box.bottom, innerHeight) - body) / height);
    return [Math.min(Math.max(first, 0), count), Math.min(Math.max(last, 0), count)];
  }

  /**
   * @param {boolean} anew redraw even when the rows in view are drawn already.
   * @param {boolean} again this is the redraw after a first measure (no third).
   */
  function paint(anew, again = false) {
    // Nothing drawn yet: first the table at its full height (one spacer), so the box has its final size.
    if (from === to) tbody.innerHTML = spacer(count);
    const [first, last] = inView();
    if (!anew && from <= first && last <= to) return;
    from = Math.max(first - OVERSCAN, 0);
    to = Math.min(last + OVERSCAN, count);
    const html = [spacer(from)];
    for (let i = from; i < to; i++) html.push(rowHtml(i));
    html.push(spacer(count - to));
    tbody.innerHTML = html.join('');
    // Measure: the first row drawn to the last, over the rows between (fractions of px add up).
    const drawn = [...tbody.rows].filter((r) => !r.classList.contains('spacer'));
    const measured = drawn.length === 0 ? height : (drawn[drawn.length - 1].getBoundingClientRect().bottom - drawn[0].getBoundingClientRect().top) / drawn.length;
    // All widths read before any is set: a read after a write would lay the table out again.
    const heads = [...(table.tHead?.rows[0]?.cells ?? [])];
    const widths = heads.map((th) => th.getBoundingClientRect().width);
    heads.forEach((th, k) => {
      const widest = Number(th.dataset.widest ?? 0);
      if (widths[k] > widest) th.dataset.widest = String(widths[k]);
      else if (widths[k] < widest - 0.5) th.style.minWidth = `${widest}px`;
    });
    const off = measured > 0 && Math.abs(measured - height) > 0.01;
    if (off) height = measured;
    if (again) return;
    // Once more if the height guessed was off, or if the box grew with the rows drawn (its height may follow the table's).
    const [shown, end] = inView();
    if (off || shown < from || end > to) paint(true, true);
  }

  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(() => {
      frame = 0;
      paint(false);
    });
  };
  addEventListener('scroll', schedule, { capture: true, passive: true });
  addEventListener('resize', schedule);

  return {
    draw(n) {
      count = n;
      paint(true);
    },
    stop() {
      cancelAnimationFrame(frame);
      removeEventListener('scroll', schedule, { capture: true });
      removeEventListener('resize', schedule);
    },
  };
}
