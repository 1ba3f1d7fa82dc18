/**
 * Rewrites shorthand forms to their full object form before validation, as
 * Keras accepts `optimizer='adam'` and `loss='mse'` for the objects:
 *   train.optimizer: adam  ->  {type: adam}
 *   train.loss: mse        ->  {type: mean_squared_error}
 * Keras's own spellings are first rewritten to tfexp's names (keras-names.ts:
 * `RMSprop` -> `rmsprop`, `mse` -> `mean_squared_error`, `acc` -> `accuracy`,
 * `padding: SAME` -> `same`, ...). Then ajv fills the object's defaults, and code
 * sees one form and one spelling only.
 */
import { normalizeKerasNames } from './keras-names.js';
import { isPlainObject } from './pointer.js';

const SHORTHAND_PATHS = [
  ['train', 'optimizer'],
  ['train', 'loss'],
] as const;

/** Expands shorthands and Keras spellings in place. Values of other types are left for validation to report. */
export function expandShorthands(data: Record<string, unknown>): void {
  normalizeKerasNames(data);
  for (const [section, key] of SHORTHAND_PATHS) {
    const parent = data[section];
    if (isPlainObject(parent) && typeof parent[key] === 'string') {
      parent[key] = { type: parent[key] };
    }
  }
}
