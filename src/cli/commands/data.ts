import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { loadExperiment } from '../../config/index.js';
import { BUILTIN_DATASETS, isBuiltinDataset } from '../../data/datasets.js';
import { loadExperimentData } from '../../data/index.js';
import { loadDataset, type LoadedDataset } from '../../data/load.js';
import { classCounts, pixelStats } from '../../data/stats.js';
import { UsageError } from '../../errors.js';
import * as message from '../../log/message.js';
import { output } from '../output.js';

interface DataArgs {
  target: string;
  'data-dir'?: string;
}

/**
 * Loads a dataset (by name, or the one an experiment file names) and prints where it was found, each
 * file's checksum status, counts, sample shape, class balance and training pixel mean/std (0-255).
 * Downloads it into the user cache when no local copy exists (progress bar on a terminal).
 * @throws DataError when it is missing and cannot be downloaded, or invalid (exit 2).
 * @throws ConfigError for an invalid experiment file; UsageError for an unknown dataset name (exit 2).
 */
export async function printDataReport(target: string, dataDir: string | undefined): Promise<void> {
  const options = { dataDir, log: (line: string) => output.err(`${line}\n`) };
  let data: LoadedDataset;
  if (isBuiltinDataset(target)) data = await loadDataset(target, options);
  else if (/\.ya?ml$/i.test(target) || (existsSync(target) && !/(idx\d-ubyte|\.gz|\.npz)$/i.test(target))) {
    const loaded = loadExperiment(target);
    data = await loadExperimentData(loaded.experiment.data, target, options);
  } else throw new UsageError(message.unknownDataTarget(target, BUILTIN_DATASETS));
  output.out(`${formatDataReport(data)}\n`);
}

/** The report text of `printDataReport` (pure). */
export function formatDataReport(data: LoadedDataset): string {
  const trainCounts = classCounts(data.train, data.numClasses);
  const testCounts = classCounts(data.test, data.numClasses);
  const { mean, std } = pixelStats(data.train);
  const first = data.train.labels[0];
  return [
    message.dataSource(data.name, data.source.dir, data.source.origin, data.source.format, data.source.downloaded),
    ...data.source.files.map((f) => message.dataFileLine(f.path, f.checksum, f.compared)),
    message.dataCounts(data.train.count, data.test.count, data.sampleShape, data.numClasses),
    ...(first === undefined ? [] : [message.dataFirstLabel(first, data.classNames[first] ?? String(first))]),
    message.DATA_CLASS_BALANCE,
    ...trainCounts.map((n, k) => message.dataClassLine(k, data.classNames[k] ?? String(k), n, testCounts[k]!, data.train.count)),
    message.dataPixels(mean, std),
  ].join('\n');
}

export const dataCommand: CommandModule<object, DataArgs> = {
  command: 'data <target>',
  describe: 'Find (or download), verify and describe a dataset: mnist, fashion-mnist, or the one an experiment file uses.',
  builder: (y) =>
    y
      .positional('target', { type: 'string', demandOption: true, describe: 'Dataset name (mnist, fashion-mnist) or experiment YAML file' })
      .option('data-dir', {
        type: 'string',
        describe: 'Folder holding <dataset>/ with the IDX files or <dataset>.npz; searched before $TFEXP_DATA_DIR and the cache (~/.cache/tfexp/datasets)',
      }) as never,
  handler: (args) => printDataReport(args.target, args['data-dir']),
};
