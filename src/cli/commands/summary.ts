import type { CommandModule } from 'yargs';
import { quietTfjs } from '../../backend/quiet.js';
import { loadExperiment } from '../../config/index.js';
import { compileExperiment } from '../../model/index.js';
import { formatSummary, summaryJson } from '../../model/summary.js';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface SummaryArgs {
  file: string;
  set: string[];
  json: boolean;
}

/**
 * Compiles the experiment's model (no training) and prints the Keras-style summary or its JSON.
 * @throws ConfigError for invalid experiments (exit 2).
 */
export function printSummary(file: string, sets: readonly string[], json: boolean): void {
  const loaded = loadExperiment(file, sets);
  quietTfjs();
  const { plan, model } = compileExperiment(loaded);
  model.dispose();
  const name = loaded.experiment.name;
  output.out(json ? `${JSON.stringify(summaryJson(name, plan), null, 2)}\n` : formatSummary(name, plan));
}

export const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary <file>',
  describe: 'Compile the model without training and print its layers, output shapes, parameters and FLOPs.',
  builder: (y) =>
    withSet(y.positional('file', { type: 'string', demandOption: true, describe: 'Experiment YAML file' })).option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print machine-readable JSON instead of the table',
    }) as never,
  handler: (args) => printSummary(args.file, args.set, args.json),
};
