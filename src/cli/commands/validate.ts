import type { CommandModule } from 'yargs';
import { ConfigError, type Problem } from '../../errors.js';
import * as message from '../../log/message.js';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface ValidateArgs {
  files: string[];
  set: string[];
}

/**
 * Runs schema, shape and cross-field checks on each file; prints `file: ok` for good ones.
 * @throws ConfigError with the problems of every bad file (exit 2).
 */
export async function validateFiles(files: readonly string[], sets: readonly string[]): Promise<void> {
  // Loaded here, not at the top: `tfexp --help` needs none of it (issue 13).
  const [{ loadExperiment }, { planExperiment }] = await Promise.all([import('../../config/index.js'), import('../../model/plan-experiment.js')]);
  const problems: Problem[] = [];
  for (const file of files) {
    try {
      planExperiment(loadExperiment(file, sets));
      output.out(`${message.validOk(file)}\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <files..>',
  describe: 'Check experiment files: schema, shapes and cross-field rules. Prints file:line:col: message per problem; exit 2 on any.',
  builder: (y) => withSet(y.positional('files', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'Experiment YAML files' })) as never,
  handler: (args) => validateFiles(args.files, args.set),
};
