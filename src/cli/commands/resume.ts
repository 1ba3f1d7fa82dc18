import type { CommandModule } from 'yargs';
import { resumeRun } from '../../train/run.js';
import { trainingRunOptions, withTrainingOptions, type TrainingArgs } from '../options.js';
import { output } from '../output.js';

interface ResumeArgs extends TrainingArgs {
  dir: string;
}

export const resumeCommand: CommandModule<object, ResumeArgs> = {
  command: 'resume <dir>',
  describe: 'Continue an interrupted or failed run from its last checkpoint, in the same directory.',
  builder: (y) => withTrainingOptions(y.positional('dir', { type: 'string', demandOption: true, describe: 'Run directory (runs/<id>)' })) as never,
  handler: async (args) => {
    const outcome = await resumeRun(args.dir, trainingRunOptions(args));
    output.out(`Run ${outcome.info.status}: ${outcome.dir}\n`);
  },
};
