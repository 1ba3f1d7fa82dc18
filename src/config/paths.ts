/** File paths inside an experiment are relative to the file that wrote them; resolved once, here. */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Experiment } from './schema/index.js';
import type { Locator } from './source.js';

const DATA_PATHS = ['train_images', 'train_labels', 'test_images', 'test_labels'] as const;

/**
 * Makes the `idx` data paths absolute, each relative to the YAML file that set
 * it (in an `extends` chain, the base file's paths stay relative to the base),
 * or to the working directory for a `--set`. The resolved experiment then
 * works from anywhere, e.g. as a run directory's experiment.yaml.
 */
export function resolveDataPaths(experiment: Experiment, locator: Locator): void {
  const data = experiment.data as Record<string, unknown>;
  for (const key of DATA_PATHS) {
    const path = data[key];
    if (typeof path !== 'string' || isAbsolute(path)) continue;
    const from = locator.locate(['data', key]);
    data[key] = from.line > 0 ? resolve(dirname(from.file), path) : resolve(path);
  }
}
