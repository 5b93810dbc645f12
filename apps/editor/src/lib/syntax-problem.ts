import { ensureSyntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import type { CodeLocation } from './error-location.ts';

/**
 * The first syntax error the language's parser found in the document, as a 1-based location.
 * Lezer grammars recover from errors and mark them with error nodes; their position is what a
 * user needs to see while typing. The server's validation stays authoritative on save.
 */
export function syntaxProblem(state: EditorState, timeoutMs = 200): CodeLocation | undefined {
  const tree = ensureSyntaxTree(state, state.doc.length, timeoutMs);
  if (!tree) return undefined;
  let position: number | undefined;
  tree.iterate({
    enter(node) {
      if (position !== undefined) return false;
      if (node.type.isError) {
        position = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (position === undefined) return undefined;
  const line = state.doc.lineAt(position);
  const near = state.doc.sliceString(position, Math.min(position + 12, line.to)).trim();
  return {
    line: line.number,
    column: position - line.from + 1,
    message: `syntax error${near ? ` near "${near}"` : ' at end of line'}`,
  };
}
