/**
 * Server-Sent Events to every open page: the server pushes which runs changed (from
 * the watcher), and the page fetches what it shows of them. EventSource reconnects by
 * itself; a comment line every KEEPALIVE_MS keeps proxies and idle timeouts away.
 */

/** What a page is told: runs whose files changed, and runs that are gone. */
export interface RunsChanged {
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** How often an idle stream gets a comment line, milliseconds. */
export const KEEPALIVE_MS = 15_000;

type Listener = (event: RunsChanged) => void;

/** The open streams. */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  /** Adds a stream's listener. @returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every open page (nothing when both lists are empty). */
  publish(event: RunsChanged): void {
    if (event.changed.length === 0 && event.removed.length === 0) return;
    for (const listener of this.listeners) listener(event);
  }

  /** How many pages listen. */
  get size(): number {
    return this.listeners.size;
  }
}
