// @ts-check
/**
 * The one-page app: a hash router over three pages (runs, run, compare) and the live
 * connection. The server pushes `runs` events (Server-Sent Events) naming the runs
 * whose files changed; the page on screen fetches what it shows of them.
 */
import { comparePage } from './compare.js';
import { runPage } from './run.js';
import { runsPage } from './runs.js';

/**
 * @typedef {{ changed: string[], removed: string[] }} RunsChanged
 * @typedef {{ show(main: HTMLElement, path: string[], query: URLSearchParams): Promise<void>, update(event: RunsChanged): void, leave(): void }} Page
 */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const live = /** @type {HTMLElement} */ (document.getElementById('live'));

/** @type {Page | null} */
let current = null;

/** Shows the page the hash names: `#/`, `#/run/<id>`, `#/compare?runs=a&runs=b` (one parameter per run id: selection.js compareHref). */
async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = hash.split('?');
  const path = (pathPart ?? '/').split('/').filter((s) => s !== '').map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  current?.leave();
  const page = path[0] === 'run' ? runPage() : path[0] === 'compare' ? comparePage() : runsPage();
  current = page;
  // Each page draws into its own element: a page left while it still fetched (Back pressed
  // quickly) draws its late answer into a detached element, never over the page now shown.
  const box = document.createElement('div');
  main.replaceChildren(box);
  try {
    await page.show(box, path.slice(1), query);
  } catch (error) {
    if (current !== page) return;
    box.innerHTML = `<p class="warn"></p>`;
    /** @type {HTMLElement} */ (box.firstElementChild).textContent = String(error instanceof Error ? error.message : error);
  }
}

/** Connects to the server's event stream; EventSource reconnects by itself. */
function connect() {
  const source = new EventSource('/api/events');
  const state = (/** @type {boolean} */ on) => {
    live.className = `live ${on ? 'on' : 'off'}`;
    live.textContent = on ? 'live' : 'reconnecting';
    live.title = on ? 'live updates: connected' : 'live updates: reconnecting';
  };
  source.addEventListener('hello', () => state(true));
  source.addEventListener('runs', (event) => current?.update(JSON.parse(/** @type {MessageEvent} */ (event).data)));
  source.addEventListener('error', () => state(false));
}

window.addEventListener('hashchange', () => void route());
connect();
void route();
