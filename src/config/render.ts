/** Putting a resolved experiment's keys in schema order, for `tfexp render` and run directories. */
import { stringify } from 'yaml';
import { isPlainObject } from './pointer.js';
import { ExperimentSchema } from './schema/index.js';
import { alternativesFor, childSchemas, knownKeys } from './schema-walk.js';

type JsonSchema = Record<string, unknown>;

/** A deep copy of `value` whose mapping keys follow the schema's property order (unknown keys last). */
export function orderBySchema(value: unknown, schemas: JsonSchema[] = [ExperimentSchema as unknown as JsonSchema]): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => orderBySchema(item, schemas.flatMap((s) => childSchemas(s, String(i)))));
  }
  if (!isPlainObject(value)) return value;
  schemas = alternativesFor(schemas, value);
  const order = [...new Set(schemas.flatMap(knownKeys))];
  const keys = Object.keys(value).sort((a, b) => rank(order, a) - rank(order, b));
  return Object.fromEntries(keys.map((key) => [key, orderBySchema(value[key], schemas.flatMap((s) => childSchemas(s, key)))]));
}

/** The resolved experiment as YAML, keys in schema order; loading it gives the same experiment. */
export function experimentToYaml(experiment: unknown): string {
  return stringify(orderBySchema(experiment), { lineWidth: 0, flowCollectionPadding: false });
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}
