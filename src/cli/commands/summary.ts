import type { CommandModule } from 'yargs';
import { quietTfjs } from '../../backend/quiet.js';
import { loadExperiment } from '../../config/index.js';
import { activeMemoryLimit, setMemoryLimit, stepBatchSize } from '../../model/checks/memory.js';
import { compileExperiment } from '../../model/index.js';
import { formatSummary, memorySection, summaryJson } from '../../model/summary.js';
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
export function printSummary(file: string, sets: readonly string[], json: boolean): void {
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
