// The one `graphql` instance of the process. graphql 16 has no "exports" map: Node (and therefore
// Pothos, graphql-yoga and graphql-ws) load its CommonJS entry, while bundler-style resolution
// (Vite/Vitest) would pick the ESM entry — a second copy whose classes fail `instanceof` checks
// ("Cannot use GraphQLSchema from another module or realm"). Requiring it here pins the CJS copy.
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const {
  GraphQLError,
  buildSchema,
  Kind,
  execute,
  getOperationAST,
  lexicographicSortSchema,
  parse,
  printSchema,
  specifiedRules,
  subscribe,
  validate,
} = graphql;
/** The error class of the pinned instance (type side). */
export type GraphQLError = GraphQL.GraphQLError;
