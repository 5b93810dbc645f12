// Guards against expensive or malformed GraphQL HTTP requests that the validation limits do not
// cover: too many tokens for the parser, too many aliases, and error answers without a body.
import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { errorResponse } from '../errors/error-table.ts';
import { GraphQLError, parse } from '../graphql-runtime.ts';

/** Most tokens the parser reads from one document (the WebSocket path uses the same limit). */
export const MAX_QUERY_TOKENS = 5000;
/** Most aliased fields in one operation (each alias can run a resolver again). */
export const MAX_ALIASES = 50;

/** Parses with a token limit, so a huge query fails fast with GRAPHQL_PARSE_FAILED. */
export const tokenLimitPlugin: Plugin = {
  onParse({ setParseFn }) {
    setParseFn((source: Parameters<typeof parse>[0]) =>
      parse(source, { maxTokens: MAX_QUERY_TOKENS }),
    );
  },
};

/** A validation rule rejecting documents with more than `max` aliases (wide-alias amplification). */
export function createAliasLimitRule(max = MAX_ALIASES): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let reported = false;
    return {
      Field(node) {
        if (!node.alias) return;
        aliases += 1;
        if (aliases > max && !reported) {
          reported = true;
          context.reportError(
            new GraphQLError(`more than ${max} aliases in one document`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Gives an error response without a body (e.g. 415 for an unsupported content type) a GraphQL
 * error body with a typed code, so clients never see a bare status.
 */
export async function withTypedErrorBody(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = response.body ? await response.text() : '';
  if (text.trim().length > 0)
    return new Response(text, { status: response.status, headers: response.headers });
  const refusal = response.status === 415 || response.status === 405;
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  const message =
    response.status === 415
      ? 'unsupported content type: send application/json or multipart/form-data'
      : `request failed with status ${response.status}`;
  // The status stays Yoga's own (405/415 are specific refusals; others keep theirs).
  const { body } = errorResponse(refusal ? 'INVALID_INPUT' : 'INTERNAL', message);
  return new Response(JSON.stringify(body), { status: response.status, headers });
}
