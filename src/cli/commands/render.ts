import type { CommandModule } from 'yargs';
import { loadExperiment } from '../../config/index.js';
import { experimentToYaml } from '../../config/render.js';
import { planExperiment } from '../../model/index.js';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface RenderArgs {
  file: string;
  set: string[];
}

/**
 * The fully resolved experiment as YAML: extends and overrides applied, every
 * default filled in, keys in schema order. Running it gives the same experiment.
 * @throws ConfigError for invalid experiments (exit 2).
 */
export function renderExperiment(file: string, sets: readonly string[]): string {
  const loaded = loadExperiment(file, sets);
  planExperiment(loaded);
  return experimentToYaml(loaded.experiment);
}

export const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render <file>',
  describe: 'Print the fully resolved experiment (extends and --set applied, defaults filled in) as YAML.',
  builder: (y) => withSet(y.positional('file', { type: 'string', demandOption: true, describe: 'Experiment YAML file' })) as never,
  handler: (args) => output.out(renderExperiment(args.file, args.set)),
};
