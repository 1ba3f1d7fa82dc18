/** The published form of the schema: `schemas/experiment.schema.json`. */
import { fileURLToPath } from 'node:url';
import { ExperimentSchema } from './index.js';

/** Absolute path of the committed JSON Schema file. */
export const SCHEMA_JSON_PATH = fileURLToPath(new URL('../../../schemas/experiment.schema.json', import.meta.url));

/** The JSON Schema text (draft-07, 2-space indented, trailing newline), as committed. */
export function schemaJson(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ExperimentSchema }, null, 2)}\n`;
}
