import type { CommandModule } from 'yargs';
import { trainingRunOptions, withTrainingOptions, type TrainingArgs } from '../options.js';

interface WorkerArgs extends TrainingArgs {
  queue: string;
  'runs-dir': string;
  concurrency: number;
  name?: string;
  'lock-seconds'?: number;
}

/**
 * Pulls sweep points from the queue until Ctrl-C or SIGTERM (see src/queue/worker.ts).
 * @throws QueueError (exit 2) for a bad --queue URL, an unreachable Redis or a wrong password.
 */
export async function startWorker(args: WorkerArgs): Promise<void> {
  // Loaded here, not at the top: bullmq, ioredis and the trainer stay out of --help (issue 13).
  const { runWorker } = await import('../../queue/worker.js');
  let handler: () => void = () => {};
  const stop = new Promise<void>((done) => {
    handler = () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      done();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  try {
    await runWorker({
      ...trainingRunOptions(args),
      queue: args.queue,
      runsDir: args['runs-dir'],
      concurrency: args.concurrency,
      ...(args.name !== undefined ? { workerName: args.name } : {}),
      ...(args['lock-seconds'] !== undefined ? { lockDuration: Math.round(args['lock-seconds'] * 1000) } : {}),
      stop,
    });
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Run sweep points from a Redis job queue (tfexp run --sweep ... --queue URL submits them) until Ctrl-C',
  builder: (y) =>
    withTrainingOptions(y)
      .option('queue', {
        type: 'string',
        // An environment variable keeps the password off the command line (and out of `ps`).
        default: process.env.TFEXP_QUEUE,
        defaultDescription: '$TFEXP_QUEUE',
        demandOption: process.env.TFEXP_QUEUE === undefined,
        describe: 'redis://[:password@]host:port[/db] or rediss://... (TLS)',
      })
      .option('runs-dir', { type: 'string', default: 'runs', describe: 'Folder for run directories (<runs-dir>/<sweep-id>/<run>)' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Points run at once (1 for now: start more workers instead)' })
      .option('lock-seconds', { type: 'number', describe: "Seconds a point's lock lasts unrenewed: a killed worker's point goes to another worker after it (default 30; longer than any batch)" })
      .option('name', { type: 'string', describe: "This worker's name in progress and run.json (default: host-pid)" }) as never,
  handler: (args) => startWorker(args),
};
