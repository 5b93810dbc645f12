// Every operation of a fixture written the way the original clients wrote them validates against
// the committed schema.graphql (so the original listener and editor keep working).
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate, Kind } from 'graphql';
import { expect, it } from 'vitest';
import { schemaFilePath } from '../schema/schema-file.ts';

const fixture = readFileSync(
  new URL('./fixtures/original-operations.graphql', import.meta.url),
  'utf8',
);
const schema = buildSchema(readFileSync(schemaFilePath, 'utf8'));
const document = parse(fixture);
const operations = document.definitions.filter(
  (definition) => definition.kind === Kind.OPERATION_DEFINITION,
);

it('the fixture covers the original operations', () => {
  expect(operations.length).toBeGreaterThanOrEqual(33);
});

it.each(
  operations.map((operation) => [operation.name?.value ?? '(anonymous)', operation] as const),
)('%s validates against schema.graphql', (_name, operation) => {
  const errors = validate(schema, { kind: Kind.DOCUMENT, definitions: [operation] });
  expect(errors.map((error) => error.message)).toEqual([]);
});
