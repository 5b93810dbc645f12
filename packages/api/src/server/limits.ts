import type {
  ASTVisitor,
  FragmentDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { GraphQLError, Kind } from '../graphql-runtime.ts';

/** Limits of {@link createLimitsRule}. */
export interface QueryLimits {
  /** Deepest allowed field nesting (the root field is depth 1). */
  maxDepth: number;
  /** Maximum number of fields selected, fragments expanded. */
  maxCost: number;
}

/**
 * A validation rule that rejects operations nested deeper than `maxDepth` or selecting more than
 * `maxCost` fields (fragments expanded, each spread counted where used), protecting the server from
 * expensive queries such as graph → nodes → doors → node → … cycles.
 */
export function createLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments.set(definition.name.value, definition);
    }
    const measure = (
      set: SelectionSetNode,
      depth: number,
      seen: Set<string>,
    ): { depth: number; cost: number } => {
      let maxDepth = depth;
      let cost = 0;
      for (const selection of set.selections) {
        if (cost > limits.maxCost) break;
        if (selection.kind === Kind.FIELD) {
          cost += 1;
          if (selection.selectionSet) {
            const inner = measure(selection.selectionSet, depth + 1, seen);
            maxDepth = Math.max(maxDepth, inner.depth);
            cost += inner.cost;
          } else maxDepth = Math.max(maxDepth, depth + 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(selection.selectionSet, depth, seen);
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += inner.cost;
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          const inner = measure(fragment.selectionSet, depth, new Set([...seen, name]));
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += inner.cost;
        }
      }
      return { depth: maxDepth, cost };
    };
    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, 0, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
        if (cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(`query selects more than ${limits.maxCost} fields`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
      },
    };
  };
}
