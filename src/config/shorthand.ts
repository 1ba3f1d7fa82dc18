/**
 * Rewrites shorthand forms to their full object form before validation, as
 * Keras accepts `optimizer='adam'` and `loss='mse'` for the objects:
 *   train.optimizer: adam  ->  {type: adam}
 *   train.loss: mse        ->  {type: mse}
 * Then ajv fills the object's defaults, and code sees one form only.
 */
import { isPlainObject } from './pointer.js';

const SHORTHAND_PATHS = [
  ['train', 'optimizer'],
  ['train', 'loss'],
] as const;

/** Expands shorthands in place. Values of other types are left for validation to report. */
export function expandShorthands(data: Record<string, unknown>): void {
  for (const [section, key] of SHORTHAND_PATHS) {
    const parent = data[section];
    if (isPlainObject(parent) && typeof parent[key] === 'string') {
      parent[key] = { type: parent[key] };
    }
  }
}
