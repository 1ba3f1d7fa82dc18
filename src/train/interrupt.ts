/**
 * Ctrl-C and SIGTERM during a run: the first asks the loop to stop after the
 * current batch (metrics and the last checkpoint are kept, status
 * `interrupted`); a second exits at once with code 130.
 */
import * as message from '../log/message.js';

export interface InterruptWatch {
  readonly interrupted: () => boolean;
  /** Removes the handlers. */
  readonly dispose: () => void;
}

/**
 * @param say prints a line.
 * @param beforeExit runs synchronously just before a second signal exits the process (e.g. marks run.json).
 * @param kept what stopping keeps, said when the first signal arrives (default: the finished epochs and the last checkpoint).
 */
export function watchInterrupts(say: (line: string) => void, beforeExit: () => void = () => {}, kept: () => string = () => message.KEPT_EPOCHS): InterruptWatch {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      say(`\n${message.stoppingAfterBatch(signal, kept())}`);
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
