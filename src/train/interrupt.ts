/**
 * Ctrl-C and SIGTERM during a run: the first asks the loop to stop after the
 * current batch (metrics and the last checkpoint are kept, status
 * `interrupted`); a second exits at once with code 130.
 */
export interface InterruptWatch {
  readonly interrupted: () => boolean;
  /** Removes the handlers. */
  readonly dispose: () => void;
}

/**
 * @param say prints a line.
 * @param beforeExit runs synchronously just before a second signal exits the process (e.g. marks run.json).
 */
export function watchInterrupts(say: (line: string) => void, beforeExit: () => void = () => {}): InterruptWatch {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      say(`\n${signal}: stopping after this batch; the finished epochs and the last checkpoint are kept. Press Ctrl-C again to quit at once.`);
    } else {
      beforeExit();
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted: () => count > 0,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
