import { StreamLanguage, type StreamParser } from '@codemirror/language';

const keywords = new Set([
  'var',
  'arg',
  'classvar',
  'const',
  'this',
  'super',
  'thisProcess',
  'thisThread',
  'thisFunction',
  'thisMethod',
  'currentEnvironment',
  'topEnvironment',
  'inf',
]);
const atoms = new Set(['nil', 'true', 'false']);

interface ScState {
  blockComment: number;
}

/**
 * A small SuperCollider tokenizer for CodeMirror: comments (nested block comments too), strings,
 * symbols (`\name`, `'name'`), numbers (incl. radix and `pi`), class names, environment variables
 * (`~x`), keywords and operators. Enough for highlighting; no indentation logic beyond brackets.
 */
export const superColliderParser: StreamParser<ScState> = {
  name: 'supercollider',
  startState: () => ({ blockComment: 0 }),
  token(stream, state) {
    if (state.blockComment > 0) {
      while (!stream.eol()) {
        if (stream.match('/*')) state.blockComment += 1;
        else if (stream.match('*/')) {
          state.blockComment -= 1;
          if (state.blockComment === 0) break;
        } else stream.next();
      }
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.blockComment = 1;
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^'(?:[^'\\]|\\.)*'?/)) return 'atom';
    if (stream.match(/^\\[A-Za-z_][\w]*/)) return 'atom';
    if (stream.match(/^\$\\?./)) return 'string';
    if (
      stream.match(/^-?\d+r[0-9a-zA-Z.]+/) ||
      stream.match(/^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?:pi)?/) ||
      stream.match('pi')
    ) {
      return 'number';
    }
    if (stream.match(/^~[A-Za-z_]\w*/)) return 'variableName.special';
    if (stream.match(/^[A-Z]\w*/)) return 'className';
    const word = stream.match(/^[a-z_]\w*:?/) as RegExpMatchArray | null;
    if (word) {
      const text = word[0];
      if (text.endsWith(':')) return 'propertyName';
      if (keywords.has(text)) return 'keyword';
      if (atoms.has(text)) return 'atom';
      return 'variableName';
    }
    if (stream.match(/^[-+*/%<>=!&|@^?#]+/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
};

/** The CodeMirror language for SuperCollider cells. */
export const superCollider = StreamLanguage.define(superColliderParser);
