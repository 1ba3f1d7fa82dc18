/**
 * Can an experiment's data be had? Looks where `tfexp run` looks (locate.ts: `--data-dir`,
 * TFEXP_DATA_DIR, the cache; or the `idx` files next to the experiment) without reading the
 * files when they are there; otherwise loads the data as a run would, which downloads a built-in
 * dataset into the cache or throws the run's DataError. Sweeps call it once before their first point.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataConfig } from '../config/index.js';
import { isBuiltinDataset } from './datasets.js';
import { loadExperimentData } from './index.js';
import type { LoadOptions } from './load.js';
import { inspectDir, searchDirs } from './locate.js';

/**
 * Makes sure the dataset `data` names is available: found in a searched folder (files not read,
 * checksums not checked: the run does that), or downloaded now.
 * @param data the validated `data` section; `experimentFile` the YAML file it came from (idx paths are relative to it).
 * @throws DataError as `loadExperimentData` does: the dataset is nowhere and cannot be downloaded
 *   (with the folders searched), a folder holds an incomplete file set, an idx file is missing or malformed.
 */
export async function ensureExperimentData(data: DataConfig, experimentFile: string, options: LoadOptions = {}): Promise<void> {
  if (isBuiltinDataset(data.dataset)) {
    for (const at of searchDirs(data.dataset, options.dataDir, options.env ?? process.env)) {
      if (typeof inspectDir(data.dataset, at, at.origin === 'cache') !== 'string') return;
    }
  } else {
    const dir = dirname(resolve(experimentFile));
    const files = [data.train_images, data.train_labels, data.test_images, data.test_labels];
    if (files.every((file) => file !== undefined && existsSync(resolve(dir, file)))) return;
  }
  await loadExperimentData(data, experimentFile, options);
}
