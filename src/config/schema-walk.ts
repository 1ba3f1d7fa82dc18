/**
 * Walking the experiment JSON Schema by path: which keys exist where. Used to
 * check `--set` paths and to word validation messages.
 */
import { ExperimentSchema } from './schema/index.js';
import type { Path } from './pointer.js';

type JsonSchema = Record<string, unknown>;

const byId = new Map<string, JsonSchema>();
(function collectIds(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  const id = (node as JsonSchema).$id;
  if (typeof id === 'string' && !byId.has(id)) byId.set(id, node as JsonSchema);
  for (const value of Object.values(node)) collectIds(value);
})(ExperimentSchema);

/** The alternatives a schema node stands for: $ref resolved, if/then/else and oneOf/anyOf branches flattened. */
export function alternatives(schema: JsonSchema): JsonSchema[] {
  if (typeof schema.$ref === 'string') {
    const target = byId.get(schema.$ref);
    return target === undefined ? [] : alternatives(target);
  }
  const branches = [schema.then, schema.else, ...((schema.oneOf as unknown[]) ?? []), ...((schema.anyOf as unknown[]) ?? [])].filter(
    (b): b is JsonSchema => b !== undefined && b !== null && typeof b === 'object',
  );
  return branches.length === 0 ? [schema] : branches.flatMap(alternatives);
}

/** The schemas that may describe the child `segment` of a value described by `schema`. */
export function childSchemas(schema: JsonSchema, segment: string): JsonSchema[] {
  return alternatives(schema).flatMap((alt) => {
    const properties = alt.properties as Record<string, JsonSchema> | undefined;
    // Own properties only: `constructor` or `toString` must not find Object's.
    if (properties !== undefined && Object.hasOwn(properties, segment)) return [properties[segment]!];
    if (/^\d+$/.test(segment)) {
      if (Array.isArray(alt.items)) {
        const item = alt.items[Number(segment)] as JsonSchema | undefined;
        return item === undefined ? [] : [item];
      }
      if (alt.items !== undefined && typeof alt.items === 'object') return [alt.items as JsonSchema];
    }
    return [];
  });
}

/** Property names allowed by any alternative of `schema`, in schema order. */
export function knownKeys(schema: JsonSchema): string[] {
  const keys = new Set<string>();
  for (const alt of alternatives(schema)) {
    for (const key of Object.keys((alt.properties as object | undefined) ?? {})) keys.add(key);
  }
  return [...keys];
}

/**
 * Follows `path` through the schema.
 * @returns the schemas at the end, or the index of the first segment no schema allows
 *   together with the keys that were allowed there.
 */
export function resolvePath(path: Path, root: JsonSchema = ExperimentSchema as unknown as JsonSchema):
  | { ok: true; schemas: JsonSchema[] }
  | { ok: false; failedAt: number; known: string[] } {
  let here = [root];
  for (let i = 0; i < path.length; i++) {
    const next = here.flatMap((s) => childSchemas(s, String(path[i])));
    if (next.length === 0) return { ok: false, failedAt: i, known: [...new Set(here.flatMap(knownKeys))] };
    here = next;
  }
  return { ok: true, schemas: here };
}

/**
 * The alternatives of `schemas` that describe `value`: for a tagged object
 * (`type: Dense`), only the variant with that `type`; otherwise all of them.
 */
export function alternativesFor(schemas: readonly JsonSchema[], value: unknown): JsonSchema[] {
  const all = schemas.flatMap(alternatives);
  const tag = value !== null && typeof value === 'object' ? (value as JsonSchema).type : undefined;
  if (typeof tag !== 'string') return all;
  const tagged = all.filter((alt) => ((alt.properties as Record<string, JsonSchema> | undefined)?.type?.const ?? tag) === tag);
  return tagged.length > 0 ? tagged : all;
}
