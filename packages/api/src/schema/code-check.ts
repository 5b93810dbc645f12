import { doorLanguage } from '@gencaster/story';
import type { ApiContext } from '../server/context.ts';
import type { InvalidCodeShape } from './types-results.ts';

/** A syntax problem reported by a {@link SyntaxChecker}. */
export interface SyntaxProblem {
  errorType: string;
  message: string;
  /** 1-based line, if known. */
  line: number | null;
  /** 1-based column, if known. */
  column: number | null;
}

/** Checks the syntax of cell/door code; `null` means valid. */
export type SyntaxChecker = (input: {
  language: 'python' | 'javascript';
  code: string;
}) => Promise<SyntaxProblem | null>;

/**
 * Validates door condition code with the story sandbox (Python, or JavaScript after a `// js`
 * line). Empty code and True/False are allowed without a sandbox.
 * @returns null when valid, else the InvalidPythonCode result with a caret under the error.
 */
export async function checkDoorCode(
  ctx: ApiContext,
  code: string,
): Promise<InvalidCodeShape | null> {
  const sandbox = ctx.runtime.services.sandbox;
  const decided = doorLanguage(code);
  if ('constant' in decided || sandbox === undefined) return null;
  const result = await sandbox.checkSyntax({
    language: decided.language,
    code: decided.code,
    mode: 'condition',
  });
  if (result.ok) return null;
  // Positions refer to the condition without its `// js` marker line.
  const offset = code.trim() === decided.code ? 0 : 1;
  const problem: SyntaxProblem = {
    errorType: decided.language === 'python' ? 'SyntaxError' : 'JavaScriptSyntaxError',
    message: result.message,
    line: result.line + offset,
    column: result.column,
  };
  return toInvalidCode(code.trim(), problem);
}

/** Builds the original's InvalidPythonCode shape: offending line + source with a caret line. */
export function toInvalidCode(code: string, problem: SyntaxProblem): InvalidCodeShape {
  const lines = code.split('\n');
  const lineIndex =
    problem.line === null ? -1 : Math.min(Math.max(problem.line - 1, 0), lines.length - 1);
  const offending = lineIndex >= 0 ? (lines[lineIndex] ?? '') : '';
  const caret = `${' '.repeat(Math.max((problem.column ?? 1) - 1, 0))}^`;
  const annotated =
    lineIndex >= 0
      ? [...lines.slice(0, lineIndex + 1), caret, ...lines.slice(lineIndex + 1)].join('\n')
      : code;
  return {
    __typename: 'InvalidPythonCode',
    errorType: `${problem.errorType}: ${problem.message}`,
    errorCode: offending,
    errorMessage: annotated,
    line: problem.line,
    column: problem.column,
  };
}
