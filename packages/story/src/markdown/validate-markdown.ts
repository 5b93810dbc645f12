// Editor-side validation of dialect markdown: unknown tokens, bad {break} values, malformed
// {raw_ssml} fragments, each with a 1-based line and column.
import { checkXmlFragment } from './check-xml.ts';
import { breakTime, isTokenKind, tokenAnywhere } from './gencaster-tokens.ts';

/** One finding of {@link validateMarkdown}. */
export interface MarkdownProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Reports problems of a markdown cell without running it. Expression tokens are not evaluated
 * here; check their syntax with the sandbox's checkSyntax.
 */
export function validateMarkdown(markdown: string): MarkdownProblem[] {
  const problems: MarkdownProblem[] = [];
  for (const match of markdown.matchAll(tokenAnywhere)) {
    const [whole, kind = '', value = ''] = match;
    const start = match.index;
    const at = position(markdown, start);
    if (!isTokenKind(kind)) {
      problems.push({
        ...at,
        severity: 'warning',
        message: `unknown token {${kind}}; its value will be spoken as text`,
      });
    } else if (kind === 'break' && !breakTime.test(value.trim())) {
      problems.push({
        ...at,
        severity: 'error',
        message: `{break} needs a duration like 300ms or 1s, got "${value}"`,
      });
    } else if (kind === 'raw_ssml') {
      const problem = checkXmlFragment(value);
      const valueStart = start + whole.indexOf('`') + 1;
      if (problem)
        problems.push({
          ...position(markdown, valueStart + problem.offset),
          severity: 'error',
          message: `bad SSML: ${problem.message}`,
        });
    }
  }
  return problems;
}
