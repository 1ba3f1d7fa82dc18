/**
 * Loading an experiment, in order:
 *   1. read the YAML file and its `extends` chain, merge them (extends.ts)
 *   2. apply `--set` overrides (overrides.ts)
 *   3. expand shorthands such as `loss: mse` (shorthand.ts)
 *   4. validate against the schema, filling Keras defaults (validate.ts)
 *   5. make data file paths absolute, relative to the file that set them (paths.ts)
 *   6. flatten `repeat` blocks and name the layers (layers.ts), at most MAX_LAYERS
 * Hostile input (alias bombs, binary or huge files, unknown tags, keys such as
 * `__proto__`) is refused in steps 1 and 2, before anything expensive; see
 * limits.ts and hostile.ts.
 * Cross-field and shape checks need the model plan and live in `src/model/checks/`.
 */
import { readWithExtends } from './extends.js';
import { configError } from './hostile.js';
import { expandLayers, type ResolvedLayer } from './layers.js';
import { applyOverrides, parseOverrides } from './overrides.js';
import { resolveDataPaths } from './paths.js';
import type { Experiment } from './schema/index.js';
import { expandShorthands } from './shorthand.js';
import { Locator } from './source.js';
import { asExperiment, validateSchema } from './validate.js';

/** A loaded, validated experiment. */
export interface LoadedExperiment {
  /** The file the user named. */
  readonly file: string;
  /** Every default filled in; `repeat` blocks kept as written. */
  readonly experiment: Experiment;
  /** The flattened, named layer stack. */
  readonly layers: readonly ResolvedLayer[];
  /** Maps experiment paths to the file, line and column that set them. */
  readonly locator: Locator;
}

/**
 * Loads and validates an experiment file.
 * @param file path to the YAML file.
 * @param sets `--set path=value` overrides, applied after `extends`.
 * @throws ConfigError with every problem found, each with its file:line:col.
 */
export function loadExperiment(file: string, sets: readonly string[] = []): LoadedExperiment {
  const overrides = parseOverrides(sets);
  const { data, sources } = readWithExtends(file);
  const locator = new Locator(sources, overrides);
  applyOverrides(data, overrides);
  expandShorthands(data);
  const problems = validateSchema(data, locator);
  if (problems.length > 0) throw configError(problems);
  const experiment = asExperiment(data);
  resolveDataPaths(experiment, locator);
  return { file, experiment, layers: expandLayers(experiment.model.layers, locator), locator };
}

export type { ResolvedLayer } from './layers.js';
export type * from './schema/index.js';
