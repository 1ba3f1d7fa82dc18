/** Run options that press Ctrl-C in-process, for tests of interrupted and resumed runs. */
import type { RunOptions } from '../../src/train/run.js';

/**
 * Options whose output watcher emits SIGINT once, as soon as `marker` (e.g. "Epoch 2/4") is
 * printed: the run's own handler then stops it after the current batch, keeping the epochs before.
 */
export function interruptingAt(marker: string, options: RunOptions): RunOptions {
  let sent = false;
  return {
    ...options,
    live: false,
    quiet: false,
    write: (text) => {
      if (sent || !text.includes(marker)) return;
      sent = true;
      setImmediate(() => process.emit('SIGINT'));
    },
  };
}
