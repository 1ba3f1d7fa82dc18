// @ts-check
/** The runs ticked in the table, kept for the tab (sessionStorage) so the compare page and a reload see them. */

const KEY = 'tfexp-ui-selection';

/** @returns {string[]} */
export function selected() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
  } catch {
    return [];
  }
}

/** @param {string[]} ids */
export function setSelected(ids) {
  sessionStorage.setItem(KEY, JSON.stringify([...new Set(ids)]));
}

/**
 * The compare page's hash: one `runs` parameter per run id, each percent-encoded once
 * (`#/compare?runs=a&runs=b%2Cc`), so an id may hold `,`, `%`, `&` or `+`; the page reads
 * them back with URLSearchParams.getAll('runs'), which decodes each once.
 * @param {string[]} ids
 * @returns {string}
 */
export function compareHref(ids) {
  return `#/compare?${runsQuery(ids)}`;
}

/**
 * @param {string[]} ids run ids
 * @param {string} name the parameter's name
 * @returns {string} `runs=a&runs=b`: one parameter per id, each percent-encoded once (the server's /api/compare reads them so).
 */
export function runsQuery(ids, name = 'runs') {
  return ids.map((id) => `${name}=${encodeURIComponent(id)}`).join('&');
}
