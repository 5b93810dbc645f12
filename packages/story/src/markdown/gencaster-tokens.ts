// The inline token of the markdown dialect: a word in braces followed by a backticked value,
// e.g. {break}`300ms`.

/** Token kinds the dialect knows. */
export const tokenKinds = [
  'chars',
  'moderate',
  'female',
  'male',
  'break',
  'var',
  'raw_ssml',
  'python',
  'python_exec',
  'eval',
  'js',
] as const;
export type TokenKind = (typeof tokenKinds)[number];

/** Matches one token at the start of a string. */
export const tokenAtStart = /^\{(\w+)\}`([^`]*)`/;
/** Finds tokens anywhere (global). */
export const tokenAnywhere = /\{(\w+)\}`([^`]*)`/g;

/** True for a known token kind. */
export function isTokenKind(kind: string): kind is TokenKind {
  return (tokenKinds as readonly string[]).includes(kind);
}

/** Valid {break} durations: a number with ms or s, e.g. 300ms, 1.5s (SSML `time`). */
export const breakTime = /^\d+(?:\.\d+)?m?s$/;

/** Splits a {var} value at its last `|` into key and fallback. */
export function splitVarToken(value: string): { key: string; fallback: string | undefined } {
  const bar = value.lastIndexOf('|');
  return bar < 0
    ? { key: value.trim(), fallback: undefined }
    : { key: value.slice(0, bar).trim(), fallback: value.slice(bar + 1) };
}
