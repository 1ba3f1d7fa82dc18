import type { CommandModule } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/select.js';
import { runExperiment } from '../../train/run.js';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface RunArgs {
  files: string[];
  set: string[];
  'runs-dir': string;
  'data-dir'?: string;
  backend?: BackendRequest;
  threads?: number;
  name?: string;
  quiet: boolean;
}

/**
 * Trains each experiment in turn, each into its own run directory.
 * @throws the first error (ConfigError/DataError/BackendError exit 2, RunFailed exit 1, RunInterrupted 130).
 */
export async function runFiles(args: RunArgs): Promise<void> {
  for (const file of args.files) {
    const outcome = await runExperiment(file, {
      sets: args.set,
      runsDir: args['runs-dir'],
      quiet: args.quiet,
      write: (text) => output.out(text),
      live: process.stdout.isTTY === true,
      ...(args['data-dir'] !== undefined ? { dataDir: args['data-dir'] } : {}),
      ...(args.backend !== undefined ? { backend: args.backend } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      ...(args.name !== undefined ? { name: args.name } : {}),
    });
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  }
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <files..>',
  describe: 'Train experiments; each writes runs/<time>-<name>/ (experiment, run.json, metrics, model, summary, plots).',
  builder: (y) =>
    withSet(y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Experiment YAML files, run one after another' }))
      .option('runs-dir', { type: 'string', default: 'runs', describe: 'Folder for run directories' })
      .option('data-dir', { type: 'string', describe: 'Folder holding <dataset>/ (searched before $TFEXP_DATA_DIR and the cache)' })
      .option('backend', { choices: BACKEND_REQUESTS, describe: 'Compute backend (default: auto, or $TFEXP_BACKEND)' })
      .option('threads', { type: 'number', describe: 'WASM threads (default: physical cores, or $TFEXP_THREADS)' })
      .option('name', { type: 'string', describe: 'Run name (default: the experiment name)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No per-epoch progress' }) as never,
  handler: (args) => runFiles(args),
};
