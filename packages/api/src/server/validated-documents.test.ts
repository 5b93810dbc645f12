// The cache of validated documents: a repeated operation skips parsing and validation, an invalid
// one is never cached, and the cache stays bounded under many distinct queries.
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../graphql-runtime.ts';
import type { ApiContext } from './context.ts';
import { prepareOperation } from './operation.ts';
import { validatedDocuments } from './validated-documents.ts';

const schema = buildSchema('type Query { hello(name: String): String }');
const rules = [] as const;
const context = {} as ApiContext;

describe('validated documents', () => {
  it('returns the same validated document for the same query text', () => {
    const first = prepareOperation(schema, rules, { query: '{ hello }' }, context);
    const second = prepareOperation(schema, rules, { query: '{ hello }' }, context);
    expect('args' in first && 'args' in second).toBe(true);
    if ('args' in first && 'args' in second) expect(second.args.document).toBe(first.args.document);
  });

  it('never caches an invalid query: each attempt fails validation again', () => {
    const query = '{ goodbye }';
    for (let i = 0; i < 2; i++) {
      const prepared = prepareOperation(schema, rules, { query }, context);
      expect(prepared).toMatchObject({
        errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      });
    }
    expect(validatedDocuments.get(schema, rules, query)).toBeUndefined();
  });

  it('keeps at most 200 documents and drops the least recently used', () => {
    const ownRules = [] as const;
    const query = (i: number) => `{ hello(name: "${i}") }`;
    for (let i = 0; i < 300; i++) prepareOperation(schema, ownRules, { query: query(i) }, context);
    expect(validatedDocuments.get(schema, ownRules, query(0))).toBeUndefined();
    expect(validatedDocuments.get(schema, ownRules, query(99))).toBeUndefined();
    expect(validatedDocuments.get(schema, ownRules, query(100))).toBeDefined();
    expect(validatedDocuments.get(schema, ownRules, query(299))).toBeDefined();
  });
});
