// The Gencaster markdown dialect → SSML, on a real markdown parser (marked).
// Unlike the original, every piece of text and every variable value is XML-escaped, paragraphs
// become <p> elements (so they keep a pause), and expression tokens run in the sandbox.
import { Marked, type Token, type TokenizerExtension } from 'marked';
import { breakTime, isTokenKind, splitVarToken, tokenAtStart } from './gencaster-tokens.ts';
import { escapeXml } from './xml-escape.ts';

/** Voice names for {female} and {male}; defaults are the original's de-DE Neural2 voices. */
export interface VoiceNames {
  female: string;
  male: string;
}

/** Options of {@link markdownToSsml}. */
export interface MarkdownToSsmlOptions {
  /** Stream variables for {var}. */
  variables?: Record<string, string>;
  /** Evaluates {python} (Python) and {eval}/{js} (JavaScript) expressions in the sandbox. */
  evaluate?: (language: 'python' | 'javascript', code: string) => Promise<string>;
  /**
   * Runs a {python_exec} statement in the sandbox; it renders nothing. Variables it changes are
   * stored, and `variables` is updated in place so later {var} tokens of the cell see them.
   */
  execute?: (code: string) => Promise<void>;
  voices?: Partial<VoiceNames>;
}

/** The SSML document and the problems met on the way (unknown tokens, bad values, failed expressions). */
export interface SsmlResult {
  ssml: string;
  warnings: string[];
}

/** Default voices: {female} de-DE-Neural2-C, {male} de-DE-Neural2-B (what the original used). */
export const defaultVoices: VoiceNames = { female: 'de-DE-Neural2-C', male: 'de-DE-Neural2-B' };

interface GencasterToken {
  type: 'gencaster';
  raw: string;
  kind: string;
  value: string;
}

const gencasterExtension: TokenizerExtension = {
  name: 'gencaster',
  level: 'inline',
  start: (source) => /\{\w+\}`/.exec(source)?.index,
  tokenizer(source) {
    const match = tokenAtStart.exec(source);
    if (!match) return undefined;
    return { type: 'gencaster', raw: match[0], kind: match[1] ?? '', value: match[2] ?? '' };
  },
};

const parser = new Marked({ extensions: [gencasterExtension], gfm: true });

/** Parses the dialect into marked tokens (exported for the validator). */
export function lexMarkdown(markdown: string): Token[] {
  return parser.lexer(markdown);
}

/**
 * Converts dialect markdown to an SSML document wrapped in `<speak>`.
 *
 * @example
 * await markdownToSsml('Hello {var}`name|stranger` & welcome', { variables: {} })
 * // { ssml: '<speak><p>Hello stranger &amp; welcome</p></speak>', warnings: [] }
 */
export async function markdownToSsml(
  markdown: string,
  options: MarkdownToSsmlOptions = {},
): Promise<SsmlResult> {
  const warnings: string[] = [];
  const voices = { ...defaultVoices, ...options.voices };
  const variables = options.variables ?? {};

  const token = async (kind: string, value: string): Promise<string> => {
    if (!isTokenKind(kind)) {
      warnings.push(`unknown token {${kind}}: spoken as plain text`);
      return escapeXml(value);
    }
    switch (kind) {
      case 'chars':
        return `<say-as interpret-as="characters">${escapeXml(value)}</say-as>`;
      case 'moderate':
        return `<emphasis level="moderate">${escapeXml(value)}</emphasis>`;
      case 'female':
      case 'male':
        return `<voice name="${escapeXml(voices[kind])}">${escapeXml(value)}</voice>`;
      case 'break':
        if (breakTime.test(value.trim())) return `<break time="${value.trim()}"/>`;
        warnings.push(`{break}\`${value}\`: not a duration like 300ms or 1s`);
        return '';
      case 'var': {
        const { key, fallback } = splitVarToken(value);
        return escapeXml(variables[key] ?? fallback ?? '');
      }
      case 'raw_ssml':
        return value;
      case 'python_exec': {
        if (!options.execute) {
          warnings.push('{python_exec} statements need a sandbox; skipped');
          return '';
        }
        try {
          await options.execute(value);
        } catch (error) {
          warnings.push(
            `{python_exec}\`${value}\` failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return '';
      }
      case 'python':
      case 'eval':
      case 'js': {
        if (!options.evaluate) {
          warnings.push(`{${kind}} expressions need a sandbox; skipped`);
          return '';
        }
        try {
          return escapeXml(
            await options.evaluate(kind === 'python' ? 'python' : 'javascript', value),
          );
        } catch (error) {
          warnings.push(
            `{${kind}}\`${value}\` failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return '';
        }
      }
    }
  };

  const inline = async (tokens: Token[]): Promise<string> => {
    let out = '';
    for (const item of tokens) {
      if (item.type === 'gencaster') {
        const { kind, value } = item as unknown as GencasterToken;
        out += await token(kind, value);
      } else if (item.type === 'br') out += '\n';
      else if (item.type === 'html') out += '';
      else if (item.type === 'image') out += escapeXml(String(item.text ?? ''));
      else if ('tokens' in item && Array.isArray(item.tokens) && item.tokens.length > 0)
        out += await inline(item.tokens);
      else out += escapeXml(decodeEntities(textOf(item)));
    }
    return out;
  };

  const blocks = async (tokens: Token[]): Promise<string[]> => {
    const out: string[] = [];
    for (const item of tokens) {
      switch (item.type) {
        case 'space':
        case 'hr':
        case 'def':
          break;
        case 'list':
          for (const entry of item.items as Array<{ tokens: Token[] }>)
            out.push(...(await blocks(entry.tokens)));
          break;
        case 'blockquote':
          out.push(...(await blocks((item as { tokens?: Token[] }).tokens ?? [])));
          break;
        case 'code':
        case 'html':
          if (String(item.text).trim() && !String(item.text).trim().startsWith('<!--'))
            out.push(escapeXml(String(item.text)));
          break;
        case 'table': {
          const rows = [
            item.header as Array<{ tokens: Token[] }>,
            ...(item.rows as Array<Array<{ tokens: Token[] }>>),
          ];
          for (const row of rows)
            out.push((await Promise.all(row.map((cell) => inline(cell.tokens)))).join(', '));
          break;
        }
        default:
          out.push(
            await inline(
              (item as { tokens?: Token[] }).tokens ?? [
                { type: 'text', raw: '', text: textOf(item) },
              ],
            ),
          );
      }
    }
    return out.filter((paragraph) => paragraph.trim() !== '');
  };

  const paragraphs = await blocks(lexMarkdown(markdown));
  return {
    ssml: `<speak>${paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}</speak>`,
    warnings,
  };
}

/** marked escapes `&<>"'` in text tokens; undo it so that escapeXml applies exactly once. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_match, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );
}

function textOf(item: unknown): string {
  const text = (item as { text?: unknown }).text;
  return typeof text === 'string' ? text : '';
}
