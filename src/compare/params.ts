/**
 * The experiment settings that differ between runs (like DVC's `params diff
 * --only-changed`), as dotted paths: `train.optimizer.learning_rate`,
 * `model.layers.3.filters`. Mappings and lists of mappings are flattened; lists
 * of scalars (input_shape, metrics) compare as one value. A key some runs lack
 * differs, shown as "-" for them.
 */
import { isPlainObject } from '../config/pointer.js';

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

/**
 * @param all every setting, not only the differing ones (`--all-params`).
 * @returns the paths to show, in first-seen order, and each run's values ("-" where absent).
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
  const shown = paths.filter((path) => all || new Set(flat.map((m) => m.get(path) ?? '-')).size > 1);
  return { paths: shown, values: flat.map((m) => shown.map((path) => m.get(path) ?? '-')) };
}
