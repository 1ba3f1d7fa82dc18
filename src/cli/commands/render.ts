import type { CommandModule } from 'yargs';
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
export async function renderExperiment(file: string, sets: readonly string[]): Promise<string> {
  // Loaded here, not at the top: `tfexp --help` needs none of it (issue 13).
  const [{ loadExperiment }, { experimentToYaml }, { planExperiment }] = await Promise.all([
    import('../../config/index.js'),
    import('../../config/render.js'),
    import('../../model/plan-experiment.js'),
  ]);
  const loaded = loadExperiment(file, sets);
  planExperiment(loaded);
  return experimentToYaml(loaded.experiment);
}

export const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render <file>',
  describe: 'Print the fully resolved experiment (extends and --set applied, defaults filled in) as YAML.',
  builder: (y) => withSet(y.positional('file', { type: 'string', demandOption: true, describe: 'Experiment YAML file' })) as never,
  handler: async (args) => output.out(await renderExperiment(args.file, args.set)),
};
