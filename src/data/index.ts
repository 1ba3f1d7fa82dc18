/**
 * The data layer, file per phase:
 *   datasets.ts  what is known about built-in datasets (shapes, classes, checksums, URLs)
 *   gzip.ts, idx.ts, npy.ts, npz.ts   file formats
 *   checksum.ts  SHA-256 checks       locate.ts  where to look       download.ts  cached download
 *   load.ts      find/download, verify, parse and check a dataset
 *   random.ts, split.ts  seeded shuffle, limits, validation split
 *   batches.ts   uint8 -> float32 tensors, one batch at a time
 *   stats.ts     label histograms, class balance and pixel statistics
 *   labels.ts    do the labels fit the model's classes (checkLabels)
 */
import { dirname, resolve, sep } from 'node:path';
import type { DataConfig } from '../config/index.js';
import { isBuiltinDataset } from './datasets.js';
import { loadDataset, loadIdxDataset, type LoadedDataset, type LoadOptions } from './load.js';

/**
 * Loads the dataset an experiment names: a built-in one (see `loadDataset`) or, for `idx`,
 * its four files, whose paths are relative to the experiment file.
 * @param data the validated `data` section; `experimentFile` the YAML file it came from.
 * @throws DataError as `loadDataset` / `loadIdxDataset`.
 */
export async function loadExperimentData(data: DataConfig, experimentFile: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  if (isBuiltinDataset(data.dataset)) return loadDataset(data.dataset, options);
  const dir = dirname(resolve(experimentFile));
  const at = (path: string | undefined) => resolve(dir, path ?? '');
  const paths = { trainImages: at(data.train_images), trainLabels: at(data.train_labels), testImages: at(data.test_images), testLabels: at(data.test_labels) };
  return loadIdxDataset(paths, commonFolder(Object.values(paths)));
}

/** The deepest folder that holds all of `files` (absolute paths). */
function commonFolder(files: string[]): string {
  const parts = files.map((file) => dirname(file).split(sep));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  return common.join(sep) || sep;
}

export { BUILTIN_DATASETS, DATASETS, builtinDataset } from './datasets.js';
export { loadDataset, loadIdxDataset, type DataSplit, type LoadedDataset, type LoadOptions } from './load.js';
export { batches, type Batch } from './batches.js';
export { splitIndices, type SplitIndices } from './split.js';
export { checkLabels } from './labels.js';
