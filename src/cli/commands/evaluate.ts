import type { CommandModule } from 'yargs';
import type { EvaluationSplit } from '../../evaluation/evaluation.js';
import { trainingRunOptions, withTrainingOptions, type TrainingArgs } from '../options.js';

interface EvaluateArgs extends TrainingArgs {
  dir: string;
  split: EvaluationSplit;
  misclassified?: number;
}

/** The splits --split offers (evaluation.ts's EVALUATION_SPLITS, written out so --help loads no evaluation code). */
const SPLITS = ['test', 'train'] as const satisfies readonly EvaluationSplit[];

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate <dir>',
  describe: "Evaluate a run's saved model again: Keras's evaluate line, the per-class table; rewrites evaluation.json, its charts and report.html.",
  builder: (y) =>
    withTrainingOptions(y.positional('dir', { type: 'string', demandOption: true, describe: 'Run directory (runs/<id>)' })).option('split', {
      choices: SPLITS,
      default: 'test' as EvaluationSplit,
      describe: 'Which samples: the test set, or the samples the run trained on (train: writes evaluation_train.json)',
    }).option('misclassified', {
      type: 'number',
      describe: "How many of the most confidently wrong samples to list and draw, 0 (none, no grid) to 1000 (default: the run's evaluation.misclassified, else 64)",
    }) as never,
  handler: async (args) => {
    // Loaded here, not at the top: evaluating loads tfjs, the backends, vega and sharp (issue 13).
    const { evaluateRun } = await import('../../evaluation/evaluate-run.js');
    await evaluateRun(args.dir, { ...trainingRunOptions(args), split: args.split, ...(args.misclassified !== undefined ? { misclassified: args.misclassified } : {}) });
  },
};
