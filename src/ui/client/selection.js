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

/** @param {string[]} ids @returns {string} the compare page's hash. */
export function compareHref(ids) {
  return `#/compare?runs=${ids.map(encodeURIComponent).join(',')}`;
}
