import type { CommandModule } from 'yargs';
import { output } from '../output.js';

interface CancelArgs {
  dir: string;
  queue?: string;
  wait: number;
}

const cancelCommand: CommandModule<object, CancelArgs> = {
  command: 'cancel <dir>',
  describe: 'Stop a sweep sent through a queue: remove its queued points, stop its running ones after their batch (checkpoints kept); tfexp resume runs the rest later',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'The sweep folder (runs/<sweep-id>)' })
      .option('queue', { type: 'string', describe: 'redis://[:password@]host:port[/db] the sweep was sent through (default: $TFEXP_QUEUE, else the URL in sweep.json when it had no password)' })
      .option('wait', { type: 'number', default: 60, describe: 'Seconds to wait for running points to stop' }) as never,
  handler: async (args) => {
    // Loaded here, not at the top: bullmq and ioredis stay out of --help (issue 13).
    const { cancelSweep } = await import('../../queue/cancel.js');
    await cancelSweep(args.dir, { write: (text) => output.out(text), ...(args.queue !== undefined ? { queue: args.queue } : {}), wait: args.wait });
  },
};

export const sweepCommand: CommandModule = {
  command: 'sweep <command>',
  describe: 'Manage a sweep sent through a queue (tfexp run --sweep ... --queue URL): cancel',
  builder: (y) => y.command(cancelCommand as CommandModule).demandCommand(1, 'Name a sweep command: cancel'),
  handler: () => {},
};
