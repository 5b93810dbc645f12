// The capability API inside the sandbox: variables, waiting, sleeping, dialogs, syntax checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryVariableStore, createSystemClock } from '../testing/memory-ports.ts';
import { createScriptSandbox } from './create-script-sandbox.ts';
import type { ScriptCapabilities, ScriptLanguage, ScriptSandbox } from './sandbox-types.ts';

let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
});

function setup(initial: Record<string, string> = {}) {
  const variables = createMemoryVariableStore(initial);
  const clock = createSystemClock();
  const dialogs: unknown[] = [];
  const logs: string[] = [];
  const capabilities: ScriptCapabilities = {
    waitForVariable: (name, timeoutMs, signal) => variables.waitFor(name, timeoutMs, signal),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    getVariables: () => variables.getAll(),
    log: (level, message) => logs.push(`${level}:${message}`),
    emitDialog: (dialog) => {
      dialogs.push(dialog);
      return Promise.resolve();
    },
  };
  return { variables, capabilities, dialogs, logs };
}

const languages: Array<[ScriptLanguage, Record<string, string>]> = [
  [
    'python',
    {
      wait: "value = await wait_for_stream_variable('answer', 5)\nvars['copy'] = value + '!'",
      timeout: "await wait_for_stream_variable('never', 0.3)",
      sleep: 'await sleep(0.2)',
      fresh: "fresh = await get_stream_variables()\nvars['seen'] = fresh['late']",
      vars: "vars['n'] = 2 + 2\ndel vars['gone']\nvars['s'] = 'x'",
    },
  ],
  [
    'javascript',
    {
      wait: "const value = await waitForVariable('answer', 5); vars.copy = value + '!';",
      timeout: "await waitForVariable('never', 0.3);",
      sleep: 'await sleep(0.2);',
      fresh: 'const fresh = await getStreamVariables(); vars.seen = fresh.late;',
      vars: "vars.n = 2 + 2; delete vars.gone; vars.s = 'x';",
    },
  ],
];

describe.each(languages)('%s capabilities', (language, code) => {
  it('waitForVariable is satisfied by a variable set while waiting', async () => {
    const { variables, capabilities } = setup();
    const started = Date.now();
    setTimeout(() => void variables.set('answer', '42'), 100);
    const result = await sandbox.run({
      language,
      mode: 'cell',
      code: code.wait ?? '',
      variables: {},
      capabilities,
    });
    expect(result).toMatchObject({ ok: true, changed: { copy: '42!' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waitForVariable honours a fractional timeout', async () => {
    const { capabilities } = setup();
    const started = Date.now();
    const result = await sandbox.run({
      language,
      mode: 'cell',
      code: code.timeout ?? '',
      variables: {},
      capabilities,
    });
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/TIMEOUT|timed out/i);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(900);
  });

  it('sleep waits without failing', async () => {
    const { capabilities } = setup();
    const started = Date.now();
    expect(
      (
        await sandbox.run({
          language,
          mode: 'cell',
          code: code.sleep ?? '',
          variables: {},
          capabilities,
        })
      ).ok,
    ).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('getStreamVariables reads fresh values', async () => {
    const { capabilities } = setup({ late: 'yes' });
    const result = await sandbox.run({
      language,
      mode: 'cell',
      code: code.fresh ?? '',
      variables: {},
      capabilities,
    });
    expect(result).toMatchObject({ ok: true, changed: { seen: 'yes' } });
  });

  it('reports changed and deleted variables', async () => {
    const { capabilities } = setup();
    const result = await sandbox.run({
      language,
      mode: 'cell',
      code: code.vars ?? '',
      variables: { gone: '1', s: 'x' },
      capabilities,
    });
    expect(result).toEqual({ ok: true, value: null, changed: { n: '4' }, deleted: ['gone'] });
  });

  it('a cancelled run ends promptly', async () => {
    const { capabilities } = setup();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = Date.now();
    const result = await sandbox.run({
      language,
      mode: 'cell',
      code: code.timeout?.replace('0.3', '30') ?? '',
      variables: {},
      capabilities,
      signal: abort.signal,
    });
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('dialogs from JavaScript', { retry: 1 }, () => {
  it('supports yield and emit with the factories and enum values', async () => {
    const { capabilities, dialogs } = setup();
    const code = [
      "yield Dialog({ title: 'One', content: [Text('hello'), Checkbox.gps()], buttons: [Button.ok(), Button({ text: 'No', value: 'no', buttonType: ButtonType.DANGER })] });",
      'await emit(Dialog.gps());',
    ].join('\n');
    const result = await sandbox.run({
      language: 'javascript',
      mode: 'cell',
      code,
      variables: {},
      capabilities,
    });
    expect(result.ok).toBe(true);
    expect(dialogs).toMatchInlineSnapshot(`
      [
        {
          "buttons": [
            {
              "buttonType": "primary",
              "callbackActions": [
                "send_variable",
                "send_variables",
              ],
              "key": "button",
              "text": "OK",
              "value": "ok",
            },
            {
              "buttonType": "danger",
              "callbackActions": [
                "send_variable",
              ],
              "key": "button",
              "text": "No",
              "value": "no",
            },
          ],
          "content": [
            {
              "text": "hello",
              "type": "text",
            },
            {
              "callbackActions": [
                "activate_gps_streaming",
              ],
              "checked": false,
              "key": "gps",
              "label": "Is it OK to access your GPS?",
              "type": "checkbox",
            },
          ],
          "title": "One",
          "type": "dialog",
        },
        {
          "buttons": [],
          "content": [
            {
              "callbackActions": [
                "activate_gps_streaming",
              ],
              "checked": false,
              "key": "gps",
              "label": "Is it OK to access your GPS?",
              "type": "checkbox",
            },
          ],
          "title": "GPS",
          "type": "dialog",
        },
      ]
    `);
  });
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('checkSyntax', { retry: 1 }, () => {
  it.each([
    ['javascript', 'const a = 1;\nconst b = (;', 2],
    ['javascript', 'let x = 1;\nfoo(', 2],
    ['python', 'a = 1\nif a\n    pass', 2],
    ['python', 'x = 1\n  y = 2', 2],
  ] as const)('%s reports the line of %j', async (language, code, line) => {
    const result = await sandbox.checkSyntax({ language, code });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.line).toBe(line);
      expect(result.column).toBeGreaterThan(0);
      expect(result.message).not.toBe('');
    }
  });

  it.each([
    ['javascript', "yield Dialog({ title: 'x' }); await sleep(1);"],
    ['python', "yield Dialog(title='x')\nawait wait_for_stream_variable('a')\nvars['a'] = 2"],
    ['python', "vars.get('a') == '1'"],
  ] as const)('%s accepts cell code with top-level yield/await: %j', async (language, code) => {
    const mode = code.startsWith('vars.get') ? 'condition' : 'cell';
    expect(await sandbox.checkSyntax({ language, code, mode })).toEqual({ ok: true });
  });
});
