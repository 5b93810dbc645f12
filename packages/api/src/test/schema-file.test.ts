// The committed schema.graphql must equal the schema the code builds (the listener page and the
// editor generate their types from it). Regenerate: npx tsx packages/api/src/print-schema.ts
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printApiSchema } from '../schema/build-schema.ts';
import { schemaFilePath } from '../schema/schema-file.ts';

it('schema.graphql is up to date (run `npx tsx packages/api/src/print-schema.ts`)', () => {
  expect(readFileSync(schemaFilePath, 'utf8')).toBe(printApiSchema());
});
