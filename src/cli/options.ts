/** Options shared by several commands. */
import type { Argv } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../backend/requests.js';
import type { RunOptions } from '../train/run.js';
import { output } from './output.js';

/** `--set path=value`, repeatable; always an array. */
export function withSet<T>(y: Argv<T>) {
  return y.option('set', {
    type: 'string',
    describe: 'Override a setting, e.g. --set train.epochs=5 (value parsed as YAML; repeatable)',
    coerce: (value: string | string[] | undefined): string[] => (value === undefined ? [] : ([] as string[]).concat(value)),
  });
}

/** Options shared by `run` and `resume`: where data is, which backend, how many threads, how chatty. */
export interface TrainingArgs {
  'data-dir'?: string;
  backend?: BackendRequest;
  threads?: number;
  quiet: boolean;
}

export function withTrainingOptions<T>(y: Argv<T>) {
  return y
    .option('data-dir', { type: 'string', describe: 'Folder holding <dataset>/ (searched before $TFEXP_DATA_DIR and the cache)' })
    .option('backend', { choices: BACKEND_REQUESTS, describe: 'Compute backend (default: auto, or $TFEXP_BACKEND)' })
    .option('threads', { type: 'number', describe: 'WASM threads (default: physical cores, or $TFEXP_THREADS)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No per-epoch progress' });
}

/** The RunOptions these arguments ask for, printing through the CLI output. */
export function trainingRunOptions(args: TrainingArgs): RunOptions {
  return {
    quiet: args.quiet,
    write: (text) => output.out(text),
    live: process.stdout.isTTY === true,
    ...(args['data-dir'] !== undefined ? { dataDir: args['data-dir'] } : {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
  };
}
