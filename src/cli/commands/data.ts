import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import type { LoadedExperiment } from '../../config/index.js';
import { BUILTIN_DATASETS, builtinDataset, isBuiltinDataset } from '../../data/datasets.js';
import type { LoadedDataset } from '../../data/load.js';
import { labelHistogram, pixelStats, presentLabels } from '../../data/stats.js';
import { ConfigError, UsageError } from '../../errors.js';
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
  // Loaded here, not at the top: `tfexp --help` needs none of it (issue 13).
  const [{ loadExperiment }, { loadExperimentData }, { loadDataset }] = await Promise.all([
    import('../../config/index.js'),
    import('../../data/index.js'),
    import('../../data/load.js'),
  ]);
  const options = { dataDir, log: (line: string) => output.err(`${line}\n`) };
  let data: LoadedDataset;
  let loaded: LoadedExperiment | undefined;
  if (isBuiltinDataset(target)) data = await loadDataset(target, options);
  else if (/\.ya?ml$/i.test(target) || (existsSync(target) && !/(idx\d-ubyte|\.gz|\.npz)$/i.test(target))) {
    loaded = loadExperiment(target);
    data = await loadExperimentData(loaded.experiment.data, target, options);
  } else throw new UsageError(message.unknownDataTarget(target, BUILTIN_DATASETS));
  output.out(`${formatDataReport(data)}\n`);
  if (loaded !== undefined) {
    const misfit = await labelsMisfit(loaded, data);
    if (misfit !== undefined) output.err(`${message.dataDoesNotFitModel(target, misfit)}\n`);
  }
}

/**
 * What `tfexp run` would refuse about this data for the experiment's model (labels past the final
 * layer's units), or undefined. A model that does not plan is `validate`'s business: not reported here.
 */
async function labelsMisfit(loaded: LoadedExperiment, data: LoadedDataset): Promise<string | undefined> {
  const [{ checkLabels }, { layerRef, planModel }] = await Promise.all([import('../../data/labels.js'), import('../../model/plan.js')]);
  let plan;
  try {
    plan = planModel(loaded);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  const last = plan.layers[plan.layers.length - 1];
  if (last === undefined || plan.output.length !== 1) return undefined;
  return checkLabels(data, plan.output[0]!, layerRef(last.layer))?.message;
}

/**
 * The report text of `printDataReport` (pure). Classes are those actually present in train or test
 * (distinct labels and their range), plus, for a built-in dataset, any of its classes that are absent.
 */
export function formatDataReport(data: LoadedDataset): string {
  const trainCounts = labelHistogram(data.train.labels);
  const testCounts = labelHistogram(data.test.labels);
  const present = presentLabels(trainCounts, testCounts);
  const declared = builtinDataset(data.name)?.numClasses;
  const rows = [...new Set([...Array.from({ length: declared ?? 0 }, (_, k) => k), ...present])].sort((a, b) => a - b);
  // Digit datasets name each class by its label: a name column would only repeat the label.
  const named = rows.some((k) => (data.classNames[k] ?? String(k)) !== String(k));
  const { mean, std } = pixelStats(data.train);
  const first = data.train.labels[0];
  return [
    message.dataSource(data.name, data.source.dir, data.source.origin, data.source.format, data.source.downloaded),
    ...data.source.files.map((f) => message.dataFileLine(f.path, f.checksum, f.compared)),
    message.dataCountsPresent(data.train.count, data.test.count, data.sampleShape, message.classesPresent(present, data.name, declared)),
    ...(first === undefined ? [] : [message.dataFirstLabel(first, data.classNames[first] ?? String(first))]),
    message.DATA_CLASS_BALANCE,
    ...rows.map((k) => message.dataClassLine(k, named ? (data.classNames[k] ?? '') : undefined, trainCounts[k]!, testCounts[k]!, data.train.count)),
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
