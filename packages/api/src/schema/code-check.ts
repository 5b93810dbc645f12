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
 * Validates door condition code. Empty code is allowed (a door without a condition never opens
 * by itself; default doors are the fallback).
 * @returns null when valid, else the InvalidPythonCode result with a caret under the error.
 */
export async function checkDoorCode(
  ctx: ApiContext,
  code: string,
): Promise<InvalidCodeShape | null> {
  if (code.trim() === '') return null;
  const checker = ctx.runtime.services.checkSyntax;
  if (checker === undefined) return null;
  const problem = await checker({ language: ctx.runtime.options.doorLanguage, code });
  return problem === null ? null : toInvalidCode(code, problem);
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
