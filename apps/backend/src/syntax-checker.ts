import type { SyntaxChecker } from '@gencaster/api';
import { doorLanguage, type ScriptSandbox } from '@gencaster/story';

/**
 * The API's syntax check on top of the sandbox. Door conditions are Python unless they start with
 * a `// js` line (the engine's rule), so the marker decides the language here too.
 */
export function createSyntaxChecker(sandbox: ScriptSandbox): SyntaxChecker {
  return async ({ language, code }) => {
    const door = doorLanguage(code);
    if ('constant' in door) return null;
    const chosen = door.language === 'javascript' ? door : { language, code };
    const result = await sandbox.checkSyntax({ language: chosen.language, code: chosen.code });
    if (result.ok) return null;
    return {
      errorType: 'SyntaxError',
      message: result.message,
      line: result.line,
      column: result.column,
    };
  };
}
