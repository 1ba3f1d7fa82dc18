/**
 * The experiment settings that differ between runs (like DVC's `params diff
 * --only-changed`), as dotted paths: `train.optimizer.learning_rate`,
 * `model.layers.3.filters`. Mappings and lists of mappings are flattened; lists
 * of scalars (input_shape, metrics) compare as one value. A key some runs lack
 * differs, shown as "-" for them.
 *
 * Layer stacks: when the runs' stacks differ (other layer types, or more layers),
 * a position-by-position diff of `model.layers` means nothing (layer 3 of one
 * model is not layer 3 of the other), so all `model.layers.*` settings give way
 * to one `model` column holding each run's architecture string
 * (`C32-C32-P-C64-C64-P-...-10`, see architecture.ts). The same happens when
 * the stacks have the same layer types but more than MAX_LAYER_COLUMNS layer
 * settings differ and the strings tell them apart (vgg16-style against its
 * narrow variant). A few differing layer arguments on the same stack (a sweep
 * over `model.layers.0.filters`) keep their own columns.
 *
 * Two more rules keep settings that follow from another one out of the way:
 *  - a mapping with a `type` that differs (an optimizer `rmsprop` against `adam`):
 *    its settings that some of those runs lack (rmsprop's `rho`, adam's `beta_1`)
 *    follow from the type and are not shown; those all have (`learning_rate`) are;
 *  - a mapping some runs have and others lack entirely (`train.early_stopping`),
 *    with more than one setting that differs: one column for it, its settings as
 *    `key=value` pairs, "-" where absent.
 * `--all-params` shows every setting as its own column.
 */
import { getIn, isPlainObject } from '../config/pointer.js';
import { architecture, layerTypes } from './architecture.js';

/** The column that replaces the `model.layers.*` settings when layer stacks differ. */
export const MODEL_COLUMN = 'model';

/**
 * At most this many differing `model.layers.*` settings show as their own columns
 * when the layer types are the same; more give one `model` column.
 */
export const MAX_LAYER_COLUMNS = 4;

const isLayerPath = (path: string) => path === 'model.layers' || path.startsWith('model.layers.');

/** `experiment` flattened to dotted path -> display string. */
export function flattenParams(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) flattenParams(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else if (Array.isArray(value) && value.some((v) => isPlainObject(v) || Array.isArray(v))) {
    value.forEach((child, i) => flattenParams(child, `${prefix}.${i}`, out));
    out.set(`${prefix}.length`, String(value.length));
  } else {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** `model.layers` of an experiment, or undefined. */
const layersOf = (experiment: Record<string, unknown>) => (isPlainObject(experiment.model) ? experiment.model.layers : undefined);

/**
 * Whether the runs' layer stacks are to be shown as one `model` column (see the
 * module comment). Runs without a readable experiment take no part.
 * @param differingLayerPaths how many `model.layers.*` settings differ.
 */
export function stacksDiffer(experiments: readonly (Record<string, unknown> | null)[], differingLayerPaths: number): boolean {
  const known = experiments.filter((e): e is Record<string, unknown> => e !== null);
  if (new Set(known.map((e) => layerTypes(layersOf(e)))).size > 1) return true;
  return differingLayerPaths > MAX_LAYER_COLUMNS && new Set(known.map((e) => architecture(layersOf(e)))).size > 1;
}

/**
 * @param all every setting, not only the differing ones (`--all-params`): every
 *   `model.layers.*` setting, and the `model` column before them.
 * @returns the paths to show, in first-seen order (`model` where the layer
 *   settings begin), and each run's values ("-" where absent).
 */
export function paramColumns(experiments: readonly (Record<string, unknown> | null)[], all = false): { paths: string[]; values: string[][] } {
  const flat = experiments.map((e) => (e === null ? new Map<string, string>() : flattenParams(e)));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const map of flat) {
    for (const path of map.keys()) {
      if (seen.has(path)) continue;
      seen.add(path);
      paths.push(path);
    }
  }
  const differing = paths.filter((path) => new Set(flat.map((m) => m.get(path) ?? '-')).size > 1);
  const collapse = stacksDiffer(experiments, differing.filter(isLayerPath).length);
  const known = experiments.filter((e): e is Record<string, unknown> => e !== null);
  // How many differing settings lie under each mapping: one alone keeps its own column.
  const underPrefix = new Map<string, number>();
  for (const path of differing) {
    const segments = path.split('.');
    for (let k = 1; k < segments.length; k++) underPrefix.set(segments.slice(0, k).join('.'), (underPrefix.get(segments.slice(0, k).join('.')) ?? 0) + 1);
  }
  /** The column a differing path shows in: itself, `model`, a whole mapping, or none (null). */
  const columnOf = (path: string): string | null => {
    if (isLayerPath(path) && collapse) return MODEL_COLUMN;
    const segments = path.split('.');
    for (let k = 1; k < segments.length; k++) {
      const prefix = segments.slice(0, k);
      const values = known.map((e) => getIn(e, prefix));
      const absentInSome = values.some(isPlainObject) && values.some((v) => v === undefined) && values.every((v) => v === undefined || isPlainObject(v));
      if (absentInSome && (underPrefix.get(prefix.join('.')) ?? 0) > 1) return prefix.join('.');
      const types = values.filter(isPlainObject).map((v) => v.type);
      if (segments[k] !== 'type' && new Set(types).size > 1 && values.some((v) => isPlainObject(v) && getIn(v, segments.slice(k)) === undefined)) return null;
    }
    return path;
  };
  const shown: string[] = [];
  for (const path of all ? paths : differing) {
    if (all && isLayerPath(path) && !shown.includes(MODEL_COLUMN)) shown.push(MODEL_COLUMN);
    const column = all ? path : columnOf(path);
    if (column !== null && !shown.includes(column)) shown.push(column);
  }
  const cell = (e: Record<string, unknown> | null, m: Map<string, string>, path: string): string => {
    if (path === MODEL_COLUMN) return e === null ? '-' : architecture(layersOf(e)) || '-';
    if (m.has(path) || e === null) return m.get(path) ?? '-';
    const value = getIn(e, path.split('.'));
    if (!isPlainObject(value)) return '-';
    return [...flattenParams(value)].map(([k, v]) => `${k}=${v}`).join(' ');
  };
  return { paths: shown, values: flat.map((m, i) => shown.map((path) => cell(experiments[i]!, m, path))) };
}
