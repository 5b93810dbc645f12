import type {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  FormattedExecutionResult,
  GraphQLSchema,
  ValidationRule,
} from 'graphql';
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
} from '../graphql-runtime.ts';
import { toClientError, type ErrorLogger } from '../errors/error-table.ts';
import type { ApiContext } from './context.ts';
import { validatedDocuments } from './validated-documents.ts';

/** A GraphQL request as sent over WebSocket. */
export interface OperationPayload {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Parses and validates an operation with the API's rules; errors are already client errors. */
export function prepareOperation(
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  payload: OperationPayload,
  contextValue: ApiContext,
):
  | { args: ExecutionArgs; kind: 'query' | 'mutation' | 'subscription' }
  | { errors: GraphQLError[] } {
  const document =
    validatedDocuments.get(schema, rules, payload.query) ??
    parseAndValidate(schema, rules, payload.query);
  if ('errors' in document) return document;
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) {
    return {
      errors: [
        new GraphQLError('operation not found', {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ],
    };
  }
  return {
    kind: operation.operation,
    args: {
      schema,
      document,
      contextValue,
      variableValues: payload.variables ?? null,
      operationName: payload.operationName ?? null,
    },
  };
}

function parseAndValidate(
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  query: string,
): DocumentNode | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 5000 });
  } catch (error) {
    const parseError = error as GraphQLError;
    return {
      errors: [
        new GraphQLError(parseError.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      ],
    };
  }
  const errors = validate(schema, document, [...specifiedRules, ...rules]);
  if (errors.length > 0) {
    return {
      errors: errors.map(
        (e) =>
          new GraphQLError(e.message, {
            nodes: e.nodes ?? null,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
      ),
    };
  }
  validatedDocuments.remember(schema, rules, query, document);
  return document;
}

/** Runs a prepared operation: a single result for query/mutation, an iterator for subscriptions. */
export async function runOperation(
  args: ExecutionArgs,
  kind: 'query' | 'mutation' | 'subscription',
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  if (kind === 'subscription') return subscribe(args);
  return execute(args);
}

/** Formats a result for the wire, mapping every error through the error table. */
export function formatResult(result: ExecutionResult, log: ErrorLogger): FormattedExecutionResult {
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors && result.errors.length > 0
      ? { errors: result.errors.map((error) => toClientError(error, log).toJSON()) }
      : {}),
  };
}
