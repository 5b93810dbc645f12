import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import type { CodeLocation } from './error-location.ts';

/** The Gencaster markdown tokens of the original ({break}, {var}, {python} …) plus expression tokens of the rebuild. */
export const markdownTokens: Readonly<Record<string, string>> = {
  chars: 'spell out characters',
  moderate: 'spoken slower',
  female: 'female voice',
  male: 'male voice',
  break: 'pause (e.g. 300ms)',
  var: 'stream variable (key|fallback)',
  raw_ssml: 'SSML inserted verbatim',
  python: 'Python expression',
  python_exec: 'Python statement, run and not spoken (e.g. to set a variable)',
  eval: 'expression (JavaScript)',
  js: 'expression (JavaScript)',
};

const tokenPattern = /\{([A-Za-z_]\w*)\}`([^`\n]*)`/g;

/** One token occurrence with its 1-based position. */
export interface MarkdownToken {
  name: string;
  value: string;
  line: number;
  column: number;
  known: boolean;
}

/** Finds every ``{name}`value` `` token of a markdown text. */
export function findMarkdownTokens(text: string): MarkdownToken[] {
  const tokens: MarkdownToken[] = [];
  text.split('\n').forEach((lineText, index) => {
    for (const match of lineText.matchAll(tokenPattern)) {
      const name = match[1]!;
      tokens.push({
        name,
        value: match[2]!,
        line: index + 1,
        column: (match.index ?? 0) + 1,
        known: name in markdownTokens,
      });
    }
  });
  return tokens;
}

const breakTime = /^\d+(?:\.\d+)?m?s$/;

/**
 * The first token problem (unknown token, or a {break} without a duration like 300ms), so it
 * shows inline while typing. Mirrors the engine's validateMarkdown rules.
 */
export function firstTokenProblem(text: string): CodeLocation | undefined {
  for (const token of findMarkdownTokens(text)) {
    const at = { line: token.line, column: token.column };
    if (!token.known) {
      return {
        ...at,
        message: `unknown token {${token.name}} (known: ${Object.keys(markdownTokens).join(', ')})`,
      };
    }
    if (token.name === 'break' && !breakTime.test(token.value.trim())) {
      return { ...at, message: `{break} needs a duration like 300ms or 1s, got "${token.value}"` };
    }
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Replaces tokens by marked-up spans (escaped) before the markdown renderer sees the text. */
export function markTokens(text: string): string {
  return text.replace(tokenPattern, (_all, name: string, value: string) => {
    const known = name in markdownTokens;
    const title = known ? markdownTokens[name]! : 'unknown token';
    return `<span class="md-token${known ? '' : ' md-token-unknown'}" data-token="${escapeHtml(name)}" title="${escapeHtml(title)}">${escapeHtml(name)}: ${escapeHtml(value)}</span>`;
  });
}

/**
 * Completions of the token names after a `{` in a Markdown cell: choosing one inserts
 * ``{name}`` `` with the cursor between the backticks.
 */
export function markdownTokenCompletions() {
  return (context: CompletionContext): CompletionResult | null => {
    const typed = context.matchBefore(/\{\w*/);
    if (!typed) return null;
    return {
      from: typed.from,
      options: Object.entries(markdownTokens).map(([name, meaning]) => ({
        label: `{${name}}`,
        type: 'keyword',
        detail: meaning,
        apply: (view: EditorView, _completion: Completion, from: number, to: number) => {
          const text = `{${name}}\`\``;
          view.dispatch({
            changes: { from, to, insert: text },
            selection: { anchor: from + text.length - 1 },
          });
        },
      })),
      validFor: /^\{\w*$/,
    };
  };
}
