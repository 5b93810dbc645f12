// Bad input stays contained: escapes, runaway loops, memory bombs, deep recursion, huge output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryVariableStore, createSystemClock } from '../testing/memory-ports.ts';
import { createScriptSandbox } from './create-script-sandbox.ts';
import type {
  ScriptCapabilities,
  ScriptLanguage,
  ScriptMode,
  ScriptSandbox,
} from './sandbox-types.ts';

let sandbox: ScriptSandbox;
const secretDir = mkdtempSync(join(tmpdir(), 'gencaster-secret-'));
const secretFile = join(secretDir, 'secret.txt');
writeFileSync(secretFile, 'TOP-SECRET-CONTENT');

beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  rmSync(secretDir, { recursive: true, force: true });
});

function capabilities(logs: string[] = []): ScriptCapabilities {
  const variables = createMemoryVariableStore();
  const clock = createSystemClock();
  return {
    waitForVariable: (name, timeoutMs, signal) => variables.waitFor(name, timeoutMs, signal),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    getVariables: () => variables.getAll(),
    log: (_level, message) => logs.push(message),
    emitDialog: () => Promise.resolve(),
  };
}

const run = (
  language: ScriptLanguage,
  code: string,
  mode: ScriptMode = 'cell',
  logs: string[] = [],
) => sandbox.run({ language, mode, code, variables: {}, capabilities: capabilities(logs) });

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('JavaScript escapes are blocked', { retry: 1 }, () => {
  const probes: Array<[string, string]> = [
    ['process', 'typeof process'],
    ['require', 'typeof require'],
    ['fetch', 'typeof fetch'],
    [
      'globalThis constructor trick',
      "(() => { try { return typeof ({}).constructor.constructor('return process')(); } catch (e) { return 'blocked'; } })()",
    ],
    [
      'Function prototype walk',
      "(() => { const F = Object.getPrototypeOf(async function(){}).constructor; try { return typeof F('return require')(); } catch (e) { return 'blocked'; } })()",
    ],
    [
      'import of fs',
      "(() => { try { return typeof import('fs'); } catch (e) { return 'blocked'; } })()",
    ],
    ['std/os modules', 'typeof std + typeof os + typeof scriptArgs'],
  ];
  it.each(probes)('%s', async (_name, code) => {
    const result = await run('javascript', code, 'expression');
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    expect(String(result.value)).toMatch(
      /^(undefined|blocked|object|undefinedundefinedundefined)$/,
    );
    expect(String(result.value)).not.toBe('function');
  });

  it('a dynamic import of a host file fails', async () => {
    const result = await run(
      'javascript',
      `const m = await import(${JSON.stringify(secretFile)}); log(JSON.stringify(m));`,
    );
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('TOP-SECRET');
  });
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('Python escapes are blocked in every mode', { retry: 1 }, () => {
  const escapes: Array<[string, string]> = [
    ['os.system', "__import__('os').system('touch /tmp/gencaster-escaped')"],
    ['import os', 'import os'],
    ['posix.system', 'import posix'],
    ['ctypes', 'import ctypes'],
    ['subprocess', 'import subprocess'],
    ['import js', 'import js'],
    ['pyodide_js', 'import pyodide_js'],
    ['pyodide', 'import pyodide'],
    ['sys.modules', 'import sys'],
    [
      'subclass walk to system',
      "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0].__init__.__globals__['system']('id')",
    ],
    ['open the secrets file', `open(${JSON.stringify(secretFile)}).read()`],
    ['builtins eval', "eval('1')"],
    ['breakpoint', 'breakpoint()'],
    ['format attribute walk', "'{0.__class__.__base__}'.format(1)"],
    ['getattr walk', "getattr(getattr(1, '__class__'), '__base__')"],
  ];
  const modes: ScriptMode[] = ['cell', 'condition', 'expression'];
  for (const mode of modes) {
    it.each(escapes)(`${mode}: %s`, async (_name, code) => {
      const result = await run('python', code, mode);
      console.info(
        `[escape] python ${mode} ${_name}: ${result.ok ? 'RAN' : `refused (${result.error?.kind}: ${result.error?.message.slice(0, 100)})`}`,
      );
      expect(result.ok).toBe(false);
      expect(['syntax', 'script']).toContain(result.error?.kind);
      expect(JSON.stringify(result)).not.toContain('TOP-SECRET');
      expect(JSON.stringify(result)).not.toMatch(/uid=\d/);
    });
  }
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('limits', { retry: 1 }, () => {
  it('interrupts a Python infinite loop and the worker keeps serving', async () => {
    const started = Date.now();
    const result = await run('python', 'while True:\n    pass');
    expect(result.error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await run('python', '1 + 1', 'expression')).value).toBe('2');
  });

  it('contains a JavaScript memory hog without harming the host', async () => {
    const result = await run(
      'javascript',
      'const a = []; for (;;) a.push(new Array(1e5).fill(1));',
    );
    expect(result.ok).toBe(false);
    expect(['memory', 'timeout']).toContain(result.error?.kind);
    expect((await run('javascript', '40 + 2', 'expression')).value).toBe('42');
  });

  it('offers no binary buffers (they escape QuickJS accounting) and stops a string bomb', async () => {
    const buffers = await run(
      'javascript',
      'typeof ArrayBuffer + typeof Uint8Array + typeof DataView',
      'expression',
    );
    expect(buffers.value).toBe('undefinedundefinedundefined');
    const strings = await run('javascript', "let s = 'x'; for (;;) s += s;");
    expect(strings.error?.message).toMatch(/string too long|out of memory/);
  });

  it('contains a Python memory hog without harming the host', async () => {
    const started = Date.now();
    const result = await run('python', 'a = []\nwhile True:\n    a.append(bytearray(10**7))');
    expect(result.ok).toBe(false);
    expect(['memory', 'timeout']).toContain(result.error?.kind);
    console.info(
      `[story] Python memory hog stopped after ${Date.now() - started} ms (${result.error?.kind})`,
    );
    expect((await run('python', "str(len('abc'))", 'expression')).value).toBe('3');
  });

  it('contains deep recursion in both languages', async () => {
    const js = await run('javascript', 'function f(n) { return f(n + 1) + 1; } f(0);');
    expect(js.ok).toBe(false);
    expect(js.error?.message).toMatch(/stack|recursion/i);
    const py = await run('python', 'def f(n):\n    return f(n + 1) + 1\nf(0)');
    expect(py.error?.message).toMatch(/RecursionError/);
  });

  it.each([
    ['python', "while True:\n    print('spam')"],
    ['python', 'while True:\n    await sleep(0)'],
    ['python', "while True:\n    yield Dialog(title='again')"],
    ['javascript', "for (;;) log('spam');"],
    ['javascript', 'for (;;) await sleep(0);'],
    ['javascript', "for (;;) yield Dialog({ title: 'again' });"],
  ] as const)(
    'ends %s host-call floods: %j',
    async (language, code) => {
      const logs: string[] = [];
      const started = Date.now();
      const result = await run(language, code, 'cell', logs);
      expect(result.ok).toBe(false);
      expect(logs.length).toBeLessThanOrEqual(1001);
      // Ended by the busy-call budget or the run's cumulative CPU time, long before its wall time.
      expect(Date.now() - started).toBeLessThan(60_000);
    },
    120_000,
  );

  it('drops huge variable values instead of storing them', async () => {
    const logs: string[] = [];
    const result = await run(
      'javascript',
      "vars.big = 'x'.repeat(1e6); vars.small = 'ok';",
      'cell',
      logs,
    );
    expect(result.changed).toEqual({ small: 'ok' });
    expect(logs.join()).toMatch(/variable "big" not saved/);
  });
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('waiting scripts', { retry: 1 }, () => {
  it('keeps 50 waiting scripts per language at about zero CPU', async () => {
    const variables = createMemoryVariableStore();
    const caps: ScriptCapabilities = {
      ...capabilities(),
      waitForVariable: (name, timeoutMs, signal) => variables.waitFor(name, timeoutMs, signal),
    };
    const runs = [
      ...Array.from({ length: 50 }, () =>
        sandbox.run({
          language: 'javascript',
          mode: 'cell',
          code: "vars.got = await waitForVariable('go', 60)",
          variables: {},
          capabilities: caps,
        }),
      ),
      ...Array.from({ length: 50 }, () =>
        sandbox.run({
          language: 'python',
          mode: 'cell',
          code: "vars['got'] = await wait_for_stream_variable('go', 60)",
          variables: {},
          capabilities: caps,
        }),
      ),
    ];
    // Let worker start-up and WASM tier-up compilation (background threads) settle first.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = process.cpuUsage();
    const wallStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const used = process.cpuUsage(before);
    const cpuShare = (used.user + used.system) / 1000 / (Date.now() - wallStart);
    console.info(`[story] 100 waiting scripts: ${(cpuShare * 100).toFixed(1)} % of one core`);
    expect(cpuShare).toBeLessThan(0.1);
    await variables.set('go', 'now');
    const results = await Promise.all(runs);
    expect(results.every((result) => result.ok && result.changed.got === 'now')).toBe(true);
  });
});
