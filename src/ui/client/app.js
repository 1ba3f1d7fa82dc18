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
  current = path[0] === 'run' ? runPage() : path[0] === 'compare' ? comparePage() : runsPage();
  try {
    await current.show(main, path.slice(1), query);
  } catch (error) {
    main.innerHTML = `<p class="warn"></p>`;
    /** @type {HTMLElement} */ (main.firstElementChild).textContent = String(error instanceof Error ? error.message : error);
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
