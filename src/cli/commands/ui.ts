import { statSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import * as message from '../../log/message.js';
import { output } from '../output.js';

interface UiArgs {
  'runs-dir': string;
  port: number;
  host: string;
  open: boolean;
}

/**
 * Checks the arguments before anything is loaded.
 * @throws UsageError (exit 2) for a runs folder that is missing or a file, or a port outside 0..65535.
 */
export function checkUiArgs(args: UiArgs): void {
  const stats = statSync(args['runs-dir'], { throwIfNoEntry: false });
  if (stats === undefined) throw new UsageError(message.uiRunsDirMissing(args['runs-dir']));
  if (!stats.isDirectory()) throw new UsageError(message.uiRunsDirNotFolder(args['runs-dir']));
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(message.uiBadPort(args.port));
}

/**
 * Serves the dashboard until Ctrl-C or SIGTERM (src/ui/index.ts), then stops it and returns.
 * @throws UsageError (exit 2) for bad arguments, a port in use or an address that cannot be bound.
 */
export async function serveUi(args: UiArgs, stop?: Promise<void>): Promise<void> {
  checkUiArgs(args);
  // Loaded here, not at the top: the server, the watcher, compare and the chart specs stay out of --help (issue 13).
  const { isLoopback, startUi } = await import('../../ui/index.js');
  if (!isLoopback(args.host)) output.err(`${message.uiNotLoopback(args.host)}\n`);
  const ui = await startUi({ root: args['runs-dir'], port: args.port, host: args.host, warn: (line) => output.err(`${line}\n`) });
  output.out(`${message.uiListening(args['runs-dir'], ui.index.size, ui.url)}\n`);
  if (args.open) {
    const { default: open } = await import('open');
    await open(ui.url).catch((error: unknown) => output.err(`${message.uiOpenFailed(ui.url, error instanceof Error ? error.message : String(error))}\n`));
  }
  let handler: () => void = () => {};
  const signalled = new Promise<void>((done) => {
    handler = () => done();
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  try {
    await Promise.race([signalled, ...(stop === undefined ? [] : [stop])]);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    await ui.close();
    output.err(`${message.UI_STOPPED}\n`);
  }
}

export const uiCommand: CommandModule<object, UiArgs> = {
  command: 'ui [runs-dir]',
  describe: 'A live, read-only web dashboard of the runs folder: runs table, run pages, compare (Ctrl-C to stop)',
  builder: (y) =>
    y
      .positional('runs-dir', { type: 'string', default: 'runs', describe: 'The folder of run directories (sweeps inside too)' })
      .option('port', { type: 'number', default: 6006, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on; anything but loopback makes the runs readable by the network' })
      .option('open', { type: 'boolean', default: false, describe: 'Open the page in the default browser' }) as never,
  handler: (args) => serveUi(args),
};
