import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { trainingRunOptions, withTrainingOptions, type TrainingArgs } from '../options.js';
import { output } from '../output.js';

interface ResumeArgs extends TrainingArgs {
  dir: string;
  queue?: string;
}

export const resumeCommand: CommandModule<object, ResumeArgs> = {
  command: 'resume <dir>',
  describe: 'Continue an interrupted or failed run from its last checkpoint, or a sweep (only the points not completed), in place.',
  builder: (y) =>
    withTrainingOptions(y.positional('dir', { type: 'string', demandOption: true, describe: 'Run directory (runs/<id>) or sweep folder' })).option('queue', {
      type: 'string',
      describe: 'For a sweep sent through a queue: its redis:// URL (default: $TFEXP_QUEUE, else the URL in sweep.json when it had no password)',
    }) as never,
  handler: async (args) => {
    // Loaded here, not at the top: training loads tfjs, the backends and the plots (issue 13).
    if (existsSync(join(args.dir, 'sweep.json'))) {
      const { isQueuedSweep, resumeQueuedSweep } = await import('../../queue/resume.js');
      if (isQueuedSweep(args.dir)) {
        output.out(`Sweep done: ${await resumeQueuedSweep(args.dir, { ...trainingRunOptions(args), ...(args.queue !== undefined ? { queue: args.queue } : {}) })}\n`);
        return;
      }
      const { resumeSweep } = await import('../../sweep/run.js');
      output.out(`Sweep done: ${await resumeSweep(args.dir, trainingRunOptions(args))}\n`);
      return;
    }
    const { resumeRun } = await import('../../train/run.js');
    const outcome = await resumeRun(args.dir, trainingRunOptions(args));
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  },
};
