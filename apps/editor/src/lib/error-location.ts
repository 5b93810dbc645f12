/** Where a validation error points in a piece of code (1-based line and column). */
export interface CodeLocation {
  line: number;
  column: number;
  message: string;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Finds the line and column of a validation error. Understands, in this order: explicit
 * `line`/`column` fields (the API's structured details), a source listing with a caret line under
 * the bad line (the original `InvalidPythonCode.errorMessage`), and "line N, column M" in text.
 */
export function locateError(error: {
  message?: string | null;
  line?: unknown;
  column?: unknown;
  listing?: string | null;
}): CodeLocation | undefined {
  const message = error.message ?? 'invalid code';
  const line = positive(error.line);
  if (line !== undefined) return { line, column: positive(error.column) ?? 1, message };
  if (error.listing) {
    const lines = error.listing.split('\n');
    const caretIndex = lines.findIndex((text, index) => index > 0 && /^\s*\^+\s*$/.test(text));
    if (caretIndex > 0)
      return { line: caretIndex, column: lines[caretIndex]!.indexOf('^') + 1, message };
  }
  const match = /line[ :]+(\d+)(?:\D{1,12}?col(?:umn)?[ :]+(\d+))?/i.exec(message);
  if (match) return { line: Number(match[1]), column: match[2] ? Number(match[2]) : 1, message };
  return undefined;
}

/** Reads a location out of a GraphQL error's `extensions.details` (any nesting the API chose). */
export function locationFromDetails(message: string, details: unknown): CodeLocation | undefined {
  if (details && typeof details === 'object') {
    const record = details as Record<string, unknown>;
    const nested = record.location ?? record.loc;
    if (nested && typeof nested === 'object') {
      const inner = nested as Record<string, unknown>;
      return locateError({ message, line: inner.line, column: inner.column });
    }
    return locateError({ message, line: record.line, column: record.column });
  }
  return locateError({ message });
}
