import type { ScriptLanguage } from '../sandbox/sandbox-types.ts';

/**
 * The rule for door conditions: Python (as in the original) unless the code's first line is a
 * JavaScript comment naming JavaScript, e.g. `// js` or `// javascript`; the rest is then a JS
 * expression. `True`/`False` and empty code are decided without a sandbox: empty code (legacy
 * default doors) is never true, the default door is still the fallback.
 */
export function doorLanguage(
  code: string,
): { language: ScriptLanguage; code: string } | { constant: boolean } {
  const trimmed = code.trim();
  if (trimmed === '' || trimmed === 'False' || trimmed === 'false') return { constant: false };
  if (trimmed === 'True' || trimmed === 'true') return { constant: true };
  const marker = /^\/\/\s*(?:js|javascript)\b[^\n]*\n?/i.exec(trimmed);
  if (marker) return { language: 'javascript', code: trimmed.slice(marker[0].length) };
  return { language: 'python', code: trimmed };
}
