/** Writes schemas/experiment.schema.json from the TypeBox source (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { SCHEMA_JSON_PATH, schemaJson } from '../src/config/schema/emit.js';

writeFileSync(SCHEMA_JSON_PATH, schemaJson());
console.log(`wrote ${SCHEMA_JSON_PATH}`);
