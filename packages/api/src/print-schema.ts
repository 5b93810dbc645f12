/**
 * Writes the SDL of the API to the repository root `schema.graphql`:
 * `npx tsx packages/api/src/print-schema.ts`.
 */
import { writeFileSync } from 'node:fs';
import { schemaFilePath } from './schema/schema-file.ts';
import { printApiSchema } from './schema/build-schema.ts';

writeFileSync(schemaFilePath, printApiSchema());
console.log(`wrote ${schemaFilePath}`);
