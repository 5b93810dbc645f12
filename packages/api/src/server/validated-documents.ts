import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';

/** Documents of at most this many characters are cached (listeners' operations are small). */
const MAX_QUERY_LENGTH = 4_000;
/** Distinct operations kept per schema and rule set; the oldest is dropped first. */
const MAX_ENTRIES = 200;

const caches = new WeakMap<
  GraphQLSchema,
  WeakMap<readonly ValidationRule[], Map<string, DocumentNode>>
>();

function cacheFor(schema: GraphQLSchema, rules: readonly ValidationRule[]) {
  let byRules = caches.get(schema);
  if (!byRules) caches.set(schema, (byRules = new WeakMap()));
  let cache = byRules.get(rules);
  if (!cache) byRules.set(rules, (cache = new Map<string, DocumentNode>()));
  return cache;
}

/**
 * Documents that already passed parsing and validation, by query text. Every listener sends the
 * same few operations, so parsing and validating each again was most of a subscription's CPU.
 * Bounded (size and query length), so hostile queries cannot grow it; only valid documents enter.
 */
export const validatedDocuments = {
  get(schema: GraphQLSchema, rules: readonly ValidationRule[], query: string) {
    const cache = cacheFor(schema, rules);
    const document = cache.get(query);
    if (document) {
      cache.delete(query); // move to the newest position
      cache.set(query, document);
    }
    return document;
  },
  remember(
    schema: GraphQLSchema,
    rules: readonly ValidationRule[],
    query: string,
    document: DocumentNode,
  ) {
    if (query.length > MAX_QUERY_LENGTH) return;
    const cache = cacheFor(schema, rules);
    cache.set(query, document);
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  },
};
