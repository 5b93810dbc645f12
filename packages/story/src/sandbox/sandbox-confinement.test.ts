// Where the OS box cannot be set up, scripts are refused with a reason that says what to do,
// unless the operator opted out; then they run (Node's permission model still holds).
import { describe, expect, it } from 'vitest';
import { createScriptSandbox, inspectSandboxConfinement } from './create-script-sandbox.ts';
import type { ScriptCapabilities } from './sandbox-types.ts';

const capabilities: ScriptCapabilities = {
  waitForVariable: () => Promise.resolve(''),
  sleep: () => Promise.resolve(),
  getVariables: () => Promise.resolve({}),
  log: () => undefined,
  emitDialog: () => Promise.resolve(),
};

const noBox = async () => ({
  ...(await inspectSandboxConfinement()),
  ok: false,
  reason: 'bwrap could not start (ENOENT); install bubblewrap',
});

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('sandbox confinement', { retry: 1 }, () => {
  it('is boxed on this machine', async () => {
    const found = await inspectSandboxConfinement();
    expect(found.ok, found.reason).toBe(true);
  });

  it('refuses script runs without the box, saying why and what to do', async () => {
    const lines: string[] = [];
    await using sandbox = createScriptSandbox({
      inspectConfinement: noBox,
      onLog: (_level, line) => lines.push(line),
    });
    const result = await sandbox.run({
      language: 'javascript',
      mode: 'expression',
      code: '1 + 1',
      variables: {},
      capabilities,
    });
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('unavailable');
    expect(result.error?.message).toMatch(/scripts are disabled: .*install bubblewrap/);
    expect(lines).toEqual([]);
  });

  it('runs scripts without the box only with the explicit opt-out, and says so', async () => {
    const lines: string[] = [];
    await using sandbox = createScriptSandbox({
      inspectConfinement: noBox,
      allowUnconfined: true,
      onLog: (_level, line) => lines.push(line),
    });
    const result = await sandbox.run({
      language: 'javascript',
      mode: 'expression',
      code: 'typeof process + (1 + 1)',
      variables: {},
      capabilities,
    });
    expect(result).toMatchObject({ ok: true, value: 'undefined2' });
    expect(lines.join('\n')).toMatch(/WITHOUT the OS box/);
    expect(lines.join('\n')).toMatch(/unconfined/);
  });
});
