import type { CommandModule } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/select.js';
import { resumeRun } from '../../train/run.js';
import { output } from '../output.js';

interface ResumeArgs {
  dir: string;
  'data-dir'?: string;
  backend?: BackendRequest;
  threads?: number;
  quiet: boolean;
}

export const resumeCommand: CommandModule<object, ResumeArgs> = {
  command: 'resume <dir>',
  describe: 'Continue an interrupted or failed run from its last checkpoint, in the same directory.',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'Run directory (runs/<id>)' })
      .option('data-dir', { type: 'string', describe: 'Folder holding <dataset>/' })
      .option('backend', { choices: BACKEND_REQUESTS, describe: 'Compute backend (default: auto)' })
      .option('threads', { type: 'number', describe: 'WASM threads' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No per-epoch progress' }) as never,
  handler: async (args) => {
    const outcome = await resumeRun(args.dir, {
      quiet: args.quiet,
      write: (text) => output.out(text),
      live: process.stdout.isTTY === true,
      ...(args['data-dir'] !== undefined ? { dataDir: args['data-dir'] } : {}),
      ...(args.backend !== undefined ? { backend: args.backend } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
    });
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  },
};
