import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { FORMATS, type Format } from '../../compare/formats.js';
import * as message from '../../log/message.js';
import { output } from '../output.js';

interface CompareArgs {
  runs: string[];
  metric: string;
  sort?: string;
  format: Format;
  'all-params': boolean;
  'group-seeds'?: boolean;
  out?: string;
  wide: boolean;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <runs..>',
  describe: 'Compare runs side by side: differing settings, metrics, overlay plots. Accepts run folders, runs/ or globs.',
  builder: (y) =>
    y
      .positional('runs', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'Run directories, folders of runs, or globs' })
      .option('metric', { type: 'string', default: 'test_accuracy', describe: 'Headline metric (the default sort)' })
      .option('sort', { type: 'string', describe: 'Column to sort by (losses ascending, others descending)' })
      .option('format', { choices: FORMATS, default: 'table' as Format, describe: 'Output format' })
      .option('all-params', { type: 'boolean', default: false, describe: 'Show every setting, not only those that differ' })
      .option('group-seeds', { type: 'boolean', describe: 'One row per grid point: mean and std over seeds (default: when seeds repeat; --no-group-seeds to list every run)' })
      .option('out', { type: 'string', describe: 'Folder for the overlay plots (default: runs/compare-<time>/)' })
      .option('wide', { type: 'boolean', default: false, describe: 'Table with every column in full, the run folders too (default: fit the terminal, 120 columns when not a terminal)' }) as never,
  handler: async (args) => {
    // Loaded here, not at the top: it loads vega and resvg for the plots (issue 13).
    const { brokenRunsMessage, compareRuns } = await import('../../compare/index.js');
    // The terminal's width; piped or redirected, compare's default (120 columns).
    const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
    const result = await compareRuns(args.runs, {
      metric: args.metric,
      format: args.format,
      allParams: args['all-params'],
      ...(args['group-seeds'] !== undefined ? { groupSeeds: args['group-seeds'] } : {}),
      warn: (line) => output.err(`${line}\n`),
      ...(args.sort !== undefined ? { sort: args.sort } : {}),
      ...(args.out !== undefined ? { out: args.out } : {}),
      wide: args.wide,
      ...(width !== undefined ? { width } : {}),
    });
    output.out(result.text);
    // Wrapped at spaces to the terminal like the notes under the table (a path stays whole).
    const written = message.compareWritten(result.report, result.out).split('\n');
    if (args.format === 'table') output.out(`${written.map((l) => (width === undefined ? l : message.wrapLine(l, width))).join('\n')}\n`);
    // Broken run folders are invalid inputs: exit 2, after the table of the readable runs.
    if (result.broken.length > 0) throw new UsageError(brokenRunsMessage(result.broken, result.runs.length));
  },
};
