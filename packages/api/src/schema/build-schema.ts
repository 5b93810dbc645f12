import type { GraphQLSchema } from 'graphql';
import { lexicographicSortSchema, printSchema } from '../graphql-runtime.ts';
import { builder } from './builder.ts';
import './enums.ts';
import './filters.ts';
import './types-stream.ts';
import './types-graph.ts';
import './types-place.ts';
import './types-audio.ts';
import './types-dialog.ts';
import './types-results.ts';
import './query.ts';
import './mutation-graph.ts';
import './mutation-cells.ts';
import './mutation-audio.ts';
import './mutation-auth.ts';
import './mutation-stream.ts';
import './mutation-places.ts';
import './subscription.ts';
import './graph-transfer.ts';
import './play.ts';
import './live-coding.ts';
import '../admin/index.ts';

let schema: GraphQLSchema | undefined;

/** The executable GraphQL schema (built once). */
export function buildApiSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The schema in SDL, sorted, as committed in `schema.graphql`. */
export function printApiSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildApiSchema()))}\n`;
}
