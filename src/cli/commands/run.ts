import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import * as message from '../../log/message.js';
import type { Axes } from '../../sweep/grid.js';
import { trainingRunOptions, withSet, withTrainingOptions, type TrainingArgs } from '../options.js';
import { output } from '../output.js';

interface RunArgs extends TrainingArgs {
  files: string[];
  set: string[];
  'runs-dir': string;
  name?: string;
  sweep?: string | string[];
  seeds?: number;
  'dry-run': boolean;
  parallel: number;
  queue?: string;
  attempts: number;
}

/**
 * Trains each experiment in turn, each into its own run directory, or each point
 * of its sweep into a sweep folder.
 * @throws the first error (ConfigError/DataError/BackendError exit 2, RunFailed/TrainingError exit 1, RunInterrupted 130).
 */
export async function runFiles(args: RunArgs): Promise<void> {
  // Loaded here, not at the top: training loads tfjs, the backends and the plots (issue 13).
  const [{ loadExperiment }, { isSweep, parseSweepArg, seedList }] = await Promise.all([import('../../config/index.js'), import('../../sweep/grid.js')]);
  const axes: Axes = Object.fromEntries(([] as string[]).concat(args.sweep ?? []).map(parseSweepArg));
  const seeds = args.seeds === undefined ? undefined : seedList(args.seeds);
  for (const file of args.files) {
    const common = { ...trainingRunOptions(args), sets: args.set, runsDir: args['runs-dir'] };
    // --queue sends even a single run through the queue, as a sweep of one point.
    if (args['dry-run'] || args.queue !== undefined || isSweep(loadExperiment(file, args.set).experiment, axes, seeds)) {
      const sweepOptions = { ...common, axes, ...(seeds ? { seeds } : {}), dryRun: args['dry-run'], parallel: args.parallel };
      let dir: string | undefined;
      if (args.queue !== undefined) {
        const { submitSweep } = await import('../../queue/submit.js');
        // `--queue` without a URL takes $TFEXP_QUEUE (which keeps a password off the command line).
        const queue = args.queue || process.env.TFEXP_QUEUE;
        if (!queue) throw new UsageError(message.QUEUE_URL_MISSING);
        dir = await submitSweep(file, { ...sweepOptions, queue, attempts: args.attempts });
      } else {
        const { runSweep } = await import('../../sweep/run.js');
        dir = await runSweep(file, sweepOptions);
      }
      if (dir !== undefined) output.out(`Sweep done: ${dir}\n`);
      continue;
    }
    const { runExperiment } = await import('../../train/run.js');
    const outcome = await runExperiment(file, { ...common, ...(args.name !== undefined ? { name: args.name } : {}) });
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  }
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <files..>',
  describe: 'Train experiments; each writes runs/<time>-<name>/ (experiment, run.json, metrics, model, summary, plots, report). Sweeps write runs/<sweep-id>/.',
  builder: (y) =>
    withTrainingOptions(withSet(y.positional('files', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'Experiment YAML files, run one after another' })))
      .option('runs-dir', { type: 'string', default: 'runs', describe: 'Folder for run directories' })
      .option('name', { type: 'string', describe: 'Run name (default: the experiment name)' })
      .option('sweep', { type: 'string', describe: 'Add or replace a sweep axis: path=value1,value2 (repeatable)' })
      .option('seeds', { type: 'number', describe: 'Repeat every point with seeds 1..N' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the planned runs without training' })
      .option('parallel', { type: 'number', default: 1, describe: 'Sweep points run at once, in separate processes' })
      .option('queue', { type: 'string', describe: 'Run the sweep on tfexp workers through Redis: redis://[:password@]host:port[/db] (--queue alone: $TFEXP_QUEUE)' })
      .option('attempts', { type: 'number', default: 2, describe: 'With --queue: tries per point before it is failed' }) as never,
  handler: (args) => runFiles(args),
};
