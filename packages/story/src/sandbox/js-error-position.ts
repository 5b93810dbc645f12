// Maps a QuickJS error back to a line/column of the user's code (see wrapJs in js-prelude.ts).
import { jsCellPrefix, jsExpressionPrefix } from './js-prelude.ts';

/**
 * Extracts the 1-based position in the user's `code` from a QuickJS error dump, or `{}` when the
 * error carries none. QuickJS reports `cell.js:LINE:COLUMN` in `stack`. Positions on line 1 are
 * shifted back by the wrapper prefix; positions in the wrapper's closing line (e.g. an unclosed
 * bracket) are clamped to the end of the user's last line.
 */
export function jsErrorPosition(
  error: unknown,
  code: string,
  mode = 'cell',
): { line?: number; column?: number } {
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    stack?: unknown;
    lineNumber?: unknown;
  };
  const match = /cell\.js:(\d+)(?::(\d+))?/.exec(
    typeof record.stack === 'string' ? record.stack : '',
  );
  let line = match?.[1]
    ? Number(match[1])
    : typeof record.lineNumber === 'number'
      ? record.lineNumber
      : undefined;
  if (line === undefined) return {};
  let column = match?.[2] ? Number(match[2]) : 1;
  const lines = code.split('\n');
  if (line > lines.length) {
    line = lines.length;
    column = (lines[line - 1]?.length ?? 0) + 1;
  } else if (line === 1 && match?.[2]) {
    column = Math.max(1, column - (mode === 'cell' ? jsCellPrefix : jsExpressionPrefix).length);
  }
  return { line, column };
}
