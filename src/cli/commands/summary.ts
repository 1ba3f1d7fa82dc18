import type { CommandModule } from 'yargs';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface SummaryArgs {
  file: string;
  set: string[];
  json: boolean;
}

/**
 * Compiles the experiment's model (no training) and prints the Keras-style summary or its JSON,
 * with the training memory estimate at the configured batch size. A model over the backend's
 * memory is summarised (with the largest batch size that fits), not refused: validate and run refuse it.
 * @throws ConfigError for invalid experiments (exit 2).
 */
export async function printSummary(file: string, sets: readonly string[], json: boolean): Promise<void> {
  // Loaded here, not at the top: only this command needs tfjs to build the model (issue 13).
  const [{ quietTfjs }, { loadExperiment }, { activeMemoryLimit, setMemoryLimit, stepBatchSize }, { compileExperiment }, { formatSummary, memorySection, summaryJson }] = await Promise.all([
    import('../../backend/quiet.js'),
    import('../../config/index.js'),
    import('../../model/checks/memory.js'),
    import('../../model/index.js'),
    import('../../model/summary.js'),
  ]);
  const loaded = loadExperiment(file, sets);
  quietTfjs();
  const limit = activeMemoryLimit();
  setMemoryLimit(null);
  let compiled;
  try {
    compiled = compileExperiment(loaded);
  } finally {
    setMemoryLimit(undefined);
  }
  const { plan, model } = compiled;
  model.dispose();
  const { name, train } = loaded.experiment;
  const memory = memorySection(plan, stepBatchSize(loaded.experiment), train.optimizer, limit, train.batch_size);
  output.out(json ? `${JSON.stringify(summaryJson(name, plan, memory), null, 2)}\n` : formatSummary(name, plan, memory));
}

export const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary <file>',
  describe: 'Compile the model without training and print its layers, output shapes, parameters, FLOPs and training memory.',
  builder: (y) =>
    withSet(y.positional('file', { type: 'string', demandOption: true, describe: 'Experiment YAML file' })).option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print machine-readable JSON instead of the table',
    }) as never,
  handler: (args) => printSummary(args.file, args.set, args.json),
};
