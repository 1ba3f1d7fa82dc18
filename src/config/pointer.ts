/** JSON Pointer helpers (RFC 6901): the paths ajv reports and tfexp uses to locate YAML nodes. */

/** A path into a document: object keys and array indices. */
export type Path = readonly (string | number)[];

/** Splits a JSON Pointer (`/model/layers/0/filters`) into its segments; indices stay strings. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Dotted form for messages: `model.layers[0].filters`. */
export function toDotted(path: Path): string {
  return path
    .map((s, i) => (typeof s === 'number' || /^\d+$/.test(String(s)) ? `[${s}]` : i === 0 ? String(s) : `.${s}`))
    .join('');
}

/** The value at `path` in plain JSON data, or undefined. */
export function getIn(data: unknown, path: Path): unknown {
  let here: unknown = data;
  for (const seg of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[String(seg)];
  }
  return here;
}

/**
 * Whether `value` is a plain object (a JSON mapping): not null, not an array. tfexp's one such
 * check, for YAML and JSON read from files (experiments, run.json, evaluation.json) and for
 * Vega-Lite specs; this module imports nothing, so any folder may use it without a cycle.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
