// Runs cannot see or outlive each other (issue 14, item 3), attacked through the real boxed
// sandbox: a victim run waits holding its stream's variables while an attacker run, in the same
// workers, tries to read, write, show dialogs, hook later runs, or take the victim down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryVariableStore } from '../testing/memory-ports.ts';
import { createScriptSandbox } from './create-script-sandbox.ts';
import type {
  ScriptCapabilities,
  ScriptLanguage,
  ScriptMode,
  ScriptRunResult,
  ScriptSandbox,
} from './sandbox-types.ts';

let sandbox: ScriptSandbox;
const hostLines: string[] = [];

beforeAll(async () => {
  sandbox = createScriptSandbox({
    javascriptWorkers: 1,
    pythonWorkers: 1,
    onLog: (_level, message) => hostLines.push(message),
  });
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
});

/** One listener's stream: its own variables, dialogs and log. */
function stream(initial: Record<string, string> = {}) {
  const variables = createMemoryVariableStore();
  for (const [key, value] of Object.entries(initial)) void variables.set(key, value);
  const dialogs: unknown[] = [];
  const logs: string[] = [];
  const capabilities: ScriptCapabilities = {
    waitForVariable: (name, timeoutMs, signal) => variables.waitFor(name, timeoutMs, signal),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('cancelled'));
        });
      }),
    getVariables: () => variables.getAll(),
    log: (_level, message) => logs.push(message),
    emitDialog: (dialog) => {
      dialogs.push(dialog);
      return Promise.resolve();
    },
  };
  const run = (
    language: ScriptLanguage,
    code: string,
    mode: ScriptMode = 'cell',
    vars: Record<string, string> = initial,
  ): Promise<ScriptRunResult> =>
    sandbox.run({ language, mode, code, variables: vars, capabilities });
  return { variables, dialogs, logs, run };
}

const attack = (what: string, result: ScriptRunResult): void => {
  const outcome = result.ok
    ? `ran, changed ${JSON.stringify(result.changed)}`
    : `refused (${result.error?.kind}: ${result.error?.message.slice(0, 120)})`;
  console.info(`[isolation] ${what}: ${outcome}`);
};

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe.each(['python', 'javascript'] as const)(
  '%s runs are isolated',
  { retry: 1 },
  (language) => {
    const py = language === 'python';
    const victimCode = py
      ? "got = await wait_for_stream_variable('go', 30)\nvars['after'] = vars.get('name', '') + got"
      : "const got = await waitForVariable('go', 30); vars.after = (vars.name ?? '') + got;";

    it('an attacker cannot read, write or show dialogs on a waiting victim stream', async () => {
      const victim = stream({ name: 'Alice', gps: '52.5,13.4' });
      const attacker = stream({ mine: 'x' });
      const waiting = victim.run(language, victimCode);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const probes = py
        ? [
            ['read all variables', "vars['seen'] = str(dict(await get_stream_variables()))"],
            [
              'subclass walk to the prelude',
              "vars['seen'] = str(().__class__.__base__.__subclasses__())",
            ],
            ['prelude globals', "vars['seen'] = str(wait_for_stream_variable.__globals__)"],
            ['closure cell of a host function', "vars['seen'] = str(log.__closure__)"],
            ['frame walk', "g = (i for i in [1])\nvars['seen'] = str(g.gi_frame.f_back)"],
            [
              'asyncio tasks of other runs',
              "import asyncio\nvars['seen'] = str(asyncio.all_tasks())",
            ],
            ['gc objects', "import gc\nvars['seen'] = str(gc.get_objects())"],
            ['host bridge by name', "vars['seen'] = str(_host_call)"],
            ['getattr with a string', "vars['seen'] = str(getattr(log, '__globals__'))"],
            ['format-string attribute walk', "vars['seen'] = '{0.__globals__}'.format(log)"],
          ]
        : [
            ['read all variables', 'vars.seen = JSON.stringify(await getStreamVariables())'],
            ['global leak', 'vars.seen = String(globalThis.leak)'],
            [
              'Function constructor realm',
              "vars.seen = String(Function('return typeof process')())",
            ],
          ];
      for (const [what, code] of probes) {
        const result = await attacker.run(language, code!);
        attack(`${what} while a victim waits`, result);
        expect(JSON.stringify(result)).not.toContain('Alice');
        expect(JSON.stringify(result)).not.toContain('52.5');
      }
      const injected = await attacker.run(
        language,
        py ? "yield Dialog(title='INJECTED')" : "yield Dialog({ title: 'INJECTED' })",
      );
      expect(injected.ok).toBe(true);
      expect(JSON.stringify(attacker.dialogs)).toContain('INJECTED');
      expect(victim.dialogs).toEqual([]);
      await victim.variables.set('go', '!');
      const done = await waiting;
      expect(done.ok, JSON.stringify(done.error)).toBe(true);
      expect(done.changed.after).toBe('Alice!');
      expect(await victim.variables.getAll()).toEqual({ name: 'Alice', gps: '52.5,13.4', go: '!' });
    });

    it('nothing a run does to globals, builtins or modules reaches the next run', async () => {
      const attacker = stream();
      const hooks = py
        ? [
            ['replace json.dumps', 'import json\njson.dumps = lambda *a, **k: "HOOKED"'],
            ['patch the Dialog class', 'Dialog.__init__ = None'],
            ['patch Dialog through setattr', "setattr(Dialog, 'gps', 'HOOKED')"],
            ['seed the shared random', 'import random\nrandom.seed(42)'],
            ['global name', "HOOK = 'HOOKED'"],
            ['decimal context', 'import decimal\ndecimal.getcontext().prec = 1'],
            ['datetime class attribute', "import datetime\ndatetime.datetime.hook = 'HOOKED'"],
          ]
        : [
            ['Array.prototype.push', 'Array.prototype.push = function () { return "HOOKED"; };'],
            ['JSON.parse', 'JSON.parse = () => "HOOKED";'],
            ['Object.prototype pollution', "Object.prototype.hook = 'HOOKED';"],
            ['global variable', "globalThis.hook = 'HOOKED';"],
            [
              'defineProperty on globalThis',
              "Object.defineProperty(globalThis, 'hook', { value: 'HOOKED' });",
            ],
            [
              'Promise.prototype.then',
              "Promise.prototype.then = function () { return 'HOOKED'; };",
            ],
            ['leftover microtask loop', '(async () => { for (;;) await null; })();'],
            ['leftover host call', 'sleep(0.05).then(() => { globalThis.hook = "HOOKED"; });'],
          ];
      for (const [what, code] of hooks)
        attack(`persistent hook: ${what}`, await attacker.run(language, code!));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const check = py
        ? "import json, random\nr = random.Random(42).random()\nvars['out'] = json.dumps([1]) + str(random.random() != r) + Dialog(title='t').title"
        : "vars.out = JSON.stringify([1].concat(JSON.parse('[2]'))) + String(({}).hook) + String(globalThis.hook) + String([].push(1));";
      for (let i = 0; i < 5; i++) {
        const result = await stream().run(language, check);
        expect(result.ok, JSON.stringify(result.error)).toBe(true);
        expect(result.changed.out).not.toContain('HOOKED');
        expect(result.changed.out).toBe(py ? '[1]Truet' : '[1,2]undefinedundefined1');
      }
      if (py) {
        const name = await stream().run('python', "vars['out'] = HOOK");
        expect(name.error?.message).toMatch(/NameError/);
      }
    });

    it('a CPU hog that catches everything fails alone; a waiting victim finishes', async () => {
      const victim = stream({ name: 'Bob' });
      const waiting = victim.run(language, victimCode);
      const hog = py
        ? 'while True:\n    try:\n        while True:\n            pass\n    except:\n        pass'
        : 'for (;;) { try { for (;;) {} } catch (e) {} }';
      const started = Date.now();
      const result = await stream().run(language, hog);
      attack('CPU hog that swallows the stop', result);
      expect(result.error?.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
      await victim.variables.set('go', '?');
      const done = await waiting;
      expect(done.ok, JSON.stringify(done.error)).toBe(true);
      expect(done.changed.after).toBe('Bob?');
    });
  },
);

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('JavaScript cell functions compiled once per slot', { retry: 1 }, () => {
  it('carry no state from one run of the same code to the next', async () => {
    const code =
      'vars.seen = String(arguments.callee.leak) + String(Object.getPrototypeOf(arguments.callee).leak); arguments.callee.leak = vars.secret; try { Object.getPrototypeOf(arguments.callee).leak = vars.secret; } catch (e) {}';
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await stream({ secret: `S${i}` }).run('javascript', code);
      expect(result.ok, JSON.stringify(result.error)).toBe(true);
      seen.push(result.changed.seen ?? '');
    }
    attack('state on a reused compiled cell function (arguments.callee)', {
      ok: true,
      changed: { seen: seen.join(',') },
      deleted: [],
    });
    expect(seen.every((value) => value === 'undefinedundefined')).toBe(true);
  });
});

describe('Python stops cannot be swallowed', () => {
  it.each([
    ['bare except', 'while True:\n    try:\n        while True: pass\n    except:\n        pass'],
    ['finally that loops again', 'try:\n    while True: pass\nfinally:\n    while True: pass'],
    [
      'except with an unknown name',
      'while True:\n    try:\n        try:\n            while True: pass\n        except BaseException:\n            pass\n    except Exception:\n        pass',
    ],
    [
      'recursion in finally',
      'def f():\n    try:\n        while True: pass\n    finally:\n        f()\nf()',
    ],
  ])('%s', async (_what, code) => {
    const result = await stream().run('python', code);
    attack(`python ${_what}`, result);
    expect(result.ok).toBe(false);
    expect(['timeout', 'script']).toContain(result.error?.kind);
  });

  it.each([
    ['return in finally', 'def f():\n    try:\n        pass\n    finally:\n        return 1'],
    [
      'continue in finally',
      'for i in range(3):\n    try:\n        pass\n    finally:\n        continue',
    ],
    ['defining __del__', 'class A:\n    def __del__(self):\n        pass'],
    ['defining __exit__', 'class A:\n    def __exit__(self, *a):\n        return True'],
    ['the mro of an exception', 'B = Exception.mro()[1]'],
  ])('refuses %s before it runs', async (_what, code) => {
    const result = await stream().run('python', code);
    expect(result.error?.kind).toBe('syntax');
    expect(result.error?.message).toMatch(/not allowed in Gencaster scripts/);
  });
});

describe('limits hold per run', () => {
  it('a hog and a memory bomb in each language fail alone while 20 other runs finish', async () => {
    const others = Array.from({ length: 20 }, (_, index) => {
      const own = stream({ n: String(index) });
      const language: ScriptLanguage = index % 2 === 0 ? 'javascript' : 'python';
      const code =
        language === 'javascript'
          ? "await sleep(0.5); let s = 0; for (let i = 0; i < 1e5; i++) s += i; vars.out = vars.n + ':' + s;"
          : "await sleep(0.5)\ns = 0\nfor i in range(100000):\n    s += i\nvars['out'] = vars['n'] + ':' + str(s)";
      return own.run(language, code).then((result) => ({ result, index }));
    });
    const bad = await Promise.all([
      stream().run('javascript', 'for (;;) {}'),
      stream().run('javascript', "const a = []; for (;;) a.push('x'.repeat(1e5) + a.length);"),
      stream().run('python', 'while True:\n    pass'),
      stream().run('python', "a = []\nwhile True:\n    a.append('x' * 1000000)"),
    ]);
    for (const [index, result] of bad.entries()) {
      attack(`limit breaker ${index}`, result);
      expect(result.ok).toBe(false);
      expect(['timeout', 'memory']).toContain(result.error?.kind);
    }
    for (const { result, index } of await Promise.all(others)) {
      expect(result.ok, `run ${index}: ${JSON.stringify(result.error)}`).toBe(true);
      expect(result.changed.out).toBe(`${index}:4999950000`);
    }
  }, 180_000);
});

describe('a crashed sandbox process', () => {
  it('fails the runs it had at once, is restarted, and serves the next run', async () => {
    const pidLine = [...hostLines]
      .reverse()
      .find((line) => /script sandbox started \(pid \d+/.test(line));
    const pid = Number(/pid (\d+)/.exec(pidLine ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    const waiting = [
      stream().run('python', "await wait_for_stream_variable('never', 60)"),
      stream().run('javascript', "await waitForVariable('never', 60)"),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const results = await Promise.all(waiting);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    for (const result of results) {
      expect(result.error?.kind).toBe('crashed');
      expect(result.error?.message).toMatch(/sandbox process stopped/);
    }
    const next = await stream().run('javascript', '6 * 7', 'expression');
    expect(next.value).toBe('42');
    const python = await stream().run('python', '6 * 7', 'expression');
    expect(python.value).toBe('42');
  }, 90_000);
});
