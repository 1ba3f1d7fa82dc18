import type { CommandModule } from 'yargs';
import { runExperiment } from '../../train/run.js';
import { trainingRunOptions, withSet, withTrainingOptions, type TrainingArgs } from '../options.js';
import { output } from '../output.js';

interface RunArgs extends TrainingArgs {
  files: string[];
  set: string[];
  'runs-dir': string;
  name?: string;
}

/**
 * Trains each experiment in turn, each into its own run directory.
 * @throws the first error (ConfigError/DataError/BackendError exit 2, RunFailed/TrainingError exit 1, RunInterrupted 130).
 */
export async function runFiles(args: RunArgs): Promise<void> {
  for (const file of args.files) {
    const outcome = await runExperiment(file, {
      ...trainingRunOptions(args),
      sets: args.set,
      runsDir: args['runs-dir'],
      ...(args.name !== undefined ? { name: args.name } : {}),
    });
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  }
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <files..>',
  describe: 'Train experiments; each writes runs/<time>-<name>/ (experiment, run.json, metrics, model, summary, plots).',
  builder: (y) =>
    withTrainingOptions(withSet(y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Experiment YAML files, run one after another' })))
      .option('runs-dir', { type: 'string', default: 'runs', describe: 'Folder for run directories' })
      .option('name', { type: 'string', describe: 'Run name (default: the experiment name)' }) as never,
  handler: (args) => runFiles(args),
};
