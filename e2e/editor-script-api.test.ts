// The editor's completions and help offer exactly what the sandbox gives scripts: the JavaScript
// prelude is run (in a fresh node:vm realm, with a host that answers nothing) and its globals,
// parameter names and static members compared with the editor's list; the Python namespace is read
// from the prelude's source; the markdown tokens from the dialect's token list. Regression: the
// editor offered `showDialog` and a `{timeout, update}` options object, neither of which exists.
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { markdownTokens } from '../apps/editor/src/lib/markdown-tokens.ts';
import { scriptApiOf, type ScriptApiEntry } from '../apps/editor/src/lib/script-api.ts';
import { tokenKinds } from '../packages/story/src/markdown/gencaster-tokens.ts';
import { jsPrelude } from '../packages/story/src/sandbox/js-prelude.ts';
import { pythonPrelude } from '../packages/story/src/sandbox/python-prelude.ts';

/** Parameter names of a function's source: `(a, b = 1) =>`, `function f(o = {})`, `async (x) =>`. */
function parameterNames(source: string): string[] {
  const list = /^(?:async\s*)?(?:function\s*\w*\s*)?\(([^)]*)\)/.exec(source.trim())?.[1] ?? '';
  return list
    .split(',')
    .map((part) => part.split('=')[0]!.trim())
    .filter((name) => name !== '');
}

/** Words of an editor signature that name parameters, in order. */
function signatureNames(entry: ScriptApiEntry): string[] {
  const inside = /\(([^)]*)\)/.exec(entry.detail)?.[1] ?? '';
  return [...inside.matchAll(/(?:^|[,({]\s*)([A-Za-z_$][\w$]*)/g)].map((match) => match[1]!);
}

describe('editor script API matches the sandbox preludes', () => {
  it('JavaScript: the same globals, parameters and members as the prelude defines', () => {
    const realm = createContext({ __host: () => undefined });
    const before = { ...Object.getOwnPropertyDescriptors(runInContext('globalThis', realm)) };
    // The API part of the prelude, without its lockdown (V8's vm realm refuses to freeze some
    // of its own objects; QuickJS is where the lockdown is tested).
    const lockdown = jsPrelude.indexOf('  // Lockdown.');
    expect(lockdown).toBeGreaterThan(0);
    runInContext(`${jsPrelude.slice(0, lockdown)}  return drive;\n})();`, realm);
    const globals = runInContext('globalThis', realm) as Record<string, unknown>;
    // What the prelude added or replaced (it replaces the realm's own `console`).
    const defined = Object.getOwnPropertyNames(globals).filter((name) => {
      const old = before[name];
      const now = Object.getOwnPropertyDescriptor(globals, name)!;
      return name !== '__host' && (!old || !Object.is(old.value, now.value) || old.get !== now.get);
    });
    const entries = scriptApiOf('javascript');
    expect(entries.map((entry) => entry.label).sort()).toEqual(defined.sort());
    for (const entry of entries) {
      const value = globals[entry.label];
      if (typeof value === 'function' && !/^\(\{/.test(entry.detail)) {
        // Plain parameters (waitForVariable, sleep, log, …) are named as in the prelude.
        expect(signatureNames(entry), entry.label).toEqual(parameterNames(String(value)));
      }
      const statics =
        (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
        entry.label !== 'vars'
          ? Object.keys(value)
          : [];
      expect((entry.members ?? []).map((member) => member.label).sort(), entry.label).toEqual(
        statics.sort(),
      );
    }
    expect(defined).not.toContain('showDialog');
  });

  it('Python: the same names as the per-run namespace, with the prelude parameter names', () => {
    const namespace = /return \{'__builtins__': safe,([\s\S]*?)\}\n/.exec(pythonPrelude)?.[1];
    expect(namespace).toBeDefined();
    const names = [...namespace!.matchAll(/'([A-Za-z]\w*)':/g)].map((match) => match[1]!);
    names.push('print'); // a builtin the prelude replaces (safe['print'])
    expect(pythonPrelude).toContain("safe['print'] = _print");
    const entries = scriptApiOf('python');
    expect(entries.map((entry) => entry.label).sort()).toEqual([...new Set(names)].sort());

    const defs = new Map<string, string[]>();
    for (const match of pythonPrelude.matchAll(/(?:async )?def (\w+)\(([^)]*)\)/g))
      defs.set(
        match[1]!,
        parameterNames(`(${match[2]!})`).filter((name) => name !== 'self'),
      );
    for (const match of namespace!.matchAll(/'(\w+)': lambda([^:]*):/g))
      defs.set(match[1]!, parameterNames(`(${match[2]!})`));
    for (const match of pythonPrelude.matchAll(
      /class (\w+)[:(](?:(?!\nclass )[\s\S])*?def __init__\(self, ([^)]*)\)/g,
    ))
      defs.set(match[1]!, parameterNames(`(${match[2]!})`));
    for (const entry of entries.filter(
      // print keeps the builtin's keywords; only its name is the prelude's
      (candidate) => candidate.detail.includes('(') && candidate.label !== 'print',
    )) {
      const real = defs.get(entry.label);
      expect(real, entry.label).toBeDefined();
      expect(
        signatureNames(entry).filter((name) => name !== 'async'),
        entry.label,
      ).toEqual(real!.filter((name) => !name.startsWith('*')));
    }
    for (const [owner, members] of [
      ['Dialog', ['gps']],
      ['Checkbox', ['gps']],
      ['Button', ['ok', 'cancel']],
    ] as const) {
      const block =
        new RegExp(`class ${owner}:([\\s\\S]*?)\\nclass `).exec(pythonPrelude)?.[1] ?? '';
      const classMethods = [...block.matchAll(/@classmethod\s+def (\w+)/g)].map((m) => m[1]);
      expect(classMethods.sort(), owner).toEqual([...members].sort());
      const entry = entries.find((candidate) => candidate.label === owner);
      expect(entry?.members?.map((member) => member.label).sort(), owner).toEqual(
        [...members].sort(),
      );
    }
  });

  it('markdown: the editor knows exactly the tokens of the dialect', () => {
    expect(Object.keys(markdownTokens).sort()).toEqual([...tokenKinds].sort());
  });
});
