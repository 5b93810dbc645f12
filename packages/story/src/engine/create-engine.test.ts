import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptSandbox } from '../sandbox/create-script-sandbox.ts';
import type { ScriptSandbox } from '../sandbox/sandbox-types.ts';
import { createGraphBuilder } from '../testing/graph-builder.ts';
import { createMemoryPorts, type MemoryPortsOptions } from '../testing/memory-ports.ts';
import { createEngine } from './create-engine.ts';
import type { EngineEvent, EngineOptions } from './engine-types.ts';
import { createSeededRandom } from './seeded-random.ts';

let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
});

async function walk(
  options: Omit<MemoryPortsOptions, 'sandbox'>,
  engineOptions: EngineOptions = {},
) {
  const ports = createMemoryPorts({ ...options, sandbox });
  const events: EngineEvent[] = [];
  const engine = createEngine({
    ports,
    options: {
      stepDelayMs: 0,
      ...engineOptions,
      onEvent: (event) => {
        events.push(event);
        engineOptions.onEvent?.(event);
      },
    },
  });
  const result = await engine.run(new AbortController().signal);
  const visited = events.flatMap((event) =>
    event.type === 'node_entered' ? [event.nodeUuid] : [],
  );
  return { result, ports, events, visited, engine };
}

describe('engine walk', () => {
  it('ends with dead_end when the default door has no edge', async () => {
    const g = createGraphBuilder().node('start', { entry: true });
    const { result, visited } = await walk({ graph: g.graph });
    expect(result).toEqual({ reason: 'dead_end', steps: 1, lastNodeUuid: 'start' });
    expect(visited).toEqual(['start']);
  });

  it('stops a loop after maxSteps', async () => {
    const g = createGraphBuilder().node('a', { entry: true }).edge('a', 'default', 'a');
    const { result, visited } = await walk({ graph: g.graph }, { maxSteps: 5 });
    expect(result.reason).toBe('max_steps');
    expect(visited).toHaveLength(5);
  });

  it('reports a graph without entry node', async () => {
    const { result } = await walk({ graph: { entryNodeUuid: null, nodes: new Map() } });
    expect(result.reason).toBe('no_entry_node');
  });

  it('evaluates doors by order then name, default last, skipping failing and non-boolean ones', async () => {
    const g = createGraphBuilder()
      .node('start', { entry: true })
      .node('broken')
      .node('text')
      .node('zeta')
      .node('alpha')
      .node('fallback')
      .door('start', { name: 'zeta', order: 5, code: 'True' })
      .door('start', { name: 'alpha', order: 5, code: "vars.get('a') == '1'" })
      .door('start', { name: 'broken', order: 1, code: '1/0' })
      .door('start', { name: 'text', order: 2, code: "'yes'" })
      .edge('start', 'zeta', 'zeta')
      .edge('start', 'alpha', 'alpha')
      .edge('start', 'broken', 'broken')
      .edge('start', 'text', 'text')
      .edge('start', 'default', 'fallback');
    const first = await walk({ graph: g.graph, variables: { a: '1' } });
    expect(first.visited).toEqual(['start', 'alpha']);
    expect(first.ports.logs.map((log) => log.message).join('\n')).toMatch(
      /door "broken" skipped: condition failed.*ZeroDivisionError/,
    );
    expect(first.ports.logs.map((log) => log.message).join('\n')).toMatch(
      /door "text" skipped: condition returned "yes", not a boolean/,
    );
    const second = await walk({ graph: g.graph, variables: { a: '2' } });
    expect(second.visited).toEqual(['start', 'zeta']);
    g.door('start', { name: 'zeta', code: 'False' });
    const third = await walk({ graph: g.graph, variables: { a: '2' } });
    expect(third.visited).toEqual(['start', 'fallback']);
  });

  it('runs JavaScript door conditions marked with // js', async () => {
    const g = createGraphBuilder()
      .node('start', { entry: true })
      .node('js')
      .door('start', { name: 'js', code: "// js\nvars.a === '1' && Number(vars.b) > 2" })
      .edge('start', 'js', 'js');
    expect((await walk({ graph: g.graph, variables: { a: '1', b: '3' } })).visited).toEqual([
      'start',
      'js',
    ]);
    expect((await walk({ graph: g.graph, variables: { a: '1', b: '1' } })).visited).toEqual([
      'start',
    ]);
  });

  it('falls back to the default door when the chosen door has no edge', async () => {
    const g = createGraphBuilder()
      .node('start', { entry: true })
      .node('end')
      .door('start', { name: 'open', code: 'True' })
      .edge('start', 'default', 'end');
    const { visited, ports } = await walk({ graph: g.graph });
    expect(visited).toEqual(['start', 'end']);
    expect(
      ports.logs.some((log) =>
        log.message.includes('door "open" has no edge; taking the default door'),
      ),
    ).toBe(true);
  });

  it('picks a random edge reproducibly with a seed and reaches every target', async () => {
    const g = createGraphBuilder().node('hub', { entry: true }).node('x').node('y').node('z');
    for (const target of ['x', 'y', 'z'])
      g.edge('hub', 'default', target).edge(target, 'default', 'hub');
    const first = await walk({ graph: g.graph, random: createSeededRandom(42) }, { maxSteps: 40 });
    const second = await walk({ graph: g.graph, random: createSeededRandom(42) }, { maxSteps: 40 });
    const other = await walk({ graph: g.graph, random: createSeededRandom(7) }, { maxSteps: 40 });
    expect(first.visited).toEqual(second.visited);
    expect(first.visited).not.toEqual(other.visited);
    expect(new Set(first.visited)).toEqual(new Set(['hub', 'x', 'y', 'z']));
  });

  it('picks up a live edit on the next traversal', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell('a', 'supercollider', 'version1')
      .edge('a', 'default', 'a');
    const { ports } = await walk(
      { graph: g.graph },
      {
        maxSteps: 3,
        onEvent: (event) => {
          if (event.type === 'cell_finished') {
            const cell = g.graph.nodes.get('a')?.cells[0];
            if (cell) cell.cellCode = 'version2';
          }
        },
      },
    );
    expect(ports.instructions.sent).toEqual(['code:version1', 'code:version2', 'code:version2']);
  });

  it('runs cells in cell_order then uuid order and skips comments', async () => {
    const g = createGraphBuilder().node('a', { entry: true });
    const cells = g.graph.nodes.get('a')?.cells ?? [];
    cells.push(
      { uuid: 'c', cellType: 'supercollider', cellCode: 'third', cellOrder: 2, audioCell: null },
      { uuid: 'b', cellType: 'supercollider', cellCode: 'second', cellOrder: 1, audioCell: null },
      { uuid: 'z', cellType: 'comment', cellCode: 'ignored', cellOrder: 0, audioCell: null },
      { uuid: 'a', cellType: 'supercollider', cellCode: 'first', cellOrder: 1, audioCell: null },
      {
        uuid: 'd',
        cellType: 'audio',
        cellCode: '',
        cellOrder: 3,
        audioCell: { audioFileUuid: 'file', playback: 'async_playback', volume: 0.7 },
      },
    );
    const { ports } = await walk({ graph: g.graph });
    expect(ports.instructions.sent).toEqual([
      'code:first',
      'code:second',
      'code:third',
      'audio:file:async_playback:0.7',
    ]);
  });

  it('logs failing cells at ERROR level and walks on', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell('a', 'python', "vars['before'] = 'yes'\nraise ValueError('boom')", { cellOrder: 1 })
      .cell('a', 'supercollider', 'broken', { cellOrder: 2 })
      .cell('a', 'javascript', 'null.x', { cellOrder: 3 })
      .cell('a', 'supercollider', 'after', { cellOrder: 4 })
      .node('b')
      .edge('a', 'default', 'b');
    const { result, ports, visited } = await walk({
      graph: g.graph,
      failInstruction: (code) => code === 'broken',
    });
    expect(result.reason).toBe('dead_end');
    expect(visited).toEqual(['a', 'b']);
    const errors = ports.logs.filter((log) => log.level === 40).map((log) => log.message);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/python cell .* failed: script error at line 2: ValueError: boom/);
    expect(errors[1]).toMatch(/instruction FAILURE: broken/);
    expect(errors[2]).toMatch(/javascript cell .* failed: .*TypeError/);
    expect(ports.instructions.sent).toContain('code:after');
    expect(ports.variables.values.get('before')).toBe('yes');
  });

  it('persists variable changes and deletions of Python and JavaScript cells', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell('a', 'python', "vars['sum'] = 2 + 2\nvars['flag'] = True\ndel vars['gone']", {
        cellOrder: 1,
      })
      .cell('a', 'javascript', 'vars.js = { n: Number(vars.sum) + 1 }; delete vars.old;', {
        cellOrder: 2,
      });
    const { ports } = await walk({ graph: g.graph, variables: { gone: 'x', old: 'y', keep: 'z' } });
    expect(Object.fromEntries(ports.variables.values)).toEqual({
      keep: 'z',
      sum: '4',
      flag: 'True',
      js: '{"n":5}',
    });
  });

  it('yields a dialog, waits for the answer and branches on it (original Python cell code)', async () => {
    const cell = [
      "yield Dialog(title='Question', content=[Text(text='Ready?'), Input(key='name')], buttons=[Button.ok(), Button.cancel()])",
      "await wait_for_stream_variable('button', 5)",
      "vars['answered'] = str(len(range(3)))",
    ].join('\n');
    const g = createGraphBuilder()
      .node('ask', { entry: true })
      .cell('ask', 'python', cell)
      .node('yes')
      .node('no')
      .door('ask', { name: 'ok', code: "vars.get('button') == 'ok'" })
      .edge('ask', 'ok', 'yes')
      .edge('ask', 'default', 'no');
    const { ports, visited, events } = await walk({
      graph: g.graph,
      onDialog: (_dialog, memory) =>
        void setTimeout(() => void memory.variables.set('button', 'ok'), 50),
    });
    expect(visited).toEqual(['ask', 'yes']);
    expect(ports.variables.values.get('answered')).toBe('3');
    expect(ports.shown).toEqual([
      {
        title: 'Question',
        content: [
          { type: 'text', text: 'Ready?' },
          { type: 'input', key: 'name', label: 'input', placeholder: 'Please input' },
        ],
        buttons: [
          {
            text: 'OK',
            value: 'ok',
            key: 'button',
            buttonType: 'primary',
            callbackActions: ['send_variable', 'send_variables'],
          },
          {
            text: 'Cancel',
            value: 'cancel',
            key: 'button',
            buttonType: 'warning',
            callbackActions: ['send_variable'],
          },
        ],
      },
    ]);
    expect(events.some((event) => event.type === 'dialog')).toBe(true);
  });

  it('waits at a blocking node until an editor releases it', async () => {
    const g = createGraphBuilder()
      .node('hold', { entry: true, blocking: true })
      .node('after')
      .edge('hold', 'default', 'after');
    const ports = createMemoryPorts({ graph: g.graph, sandbox });
    let releasedAt = 0;
    const engine = createEngine({
      ports,
      options: {
        stepDelayMs: 0,
        onEvent: (event) => {
          if (event.type === 'blocked')
            setTimeout(() => ((releasedAt = Date.now()), engine.release()), 200);
        },
      },
    });
    const result = await engine.run(new AbortController().signal);
    expect(result).toEqual({ reason: 'dead_end', steps: 2, lastNodeUuid: 'after' });
    expect(releasedAt).toBeGreaterThan(0);
  });

  it('ends a walk blocked at a node when the listener leaves', async () => {
    const g = createGraphBuilder().node('hold', { entry: true, blocking: true });
    const ports = createMemoryPorts({ graph: g.graph, sandbox });
    const leave = new AbortController();
    const engine = createEngine({
      ports,
      options: {
        onEvent: (event) => event.type === 'blocked' && setTimeout(() => leave.abort(), 50),
      },
    });
    expect((await engine.run(leave.signal)).reason).toBe('aborted');
  });

  it('speaks markdown cells as escaped SSML with variables and sandboxed expressions', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell('a', 'markdown', 'Hi {var}`name|you` & {python}`str(len(range(4)))`');
    const { ports } = await walk({ graph: g.graph, variables: { name: '<b>Ann</b>' } });
    expect(ports.instructions.sent).toEqual([
      'speak:<speak><p>Hi &lt;b&gt;Ann&lt;/b&gt; &amp; 4</p></speak>',
    ]);
  });

  it('runs {python_exec} statements in the sandbox, speaks nothing of them and keeps their variables', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell(
        'a',
        'markdown',
        "{python_exec}`vars['seen'] = 'yes'`Seen {var}`seen|no`. {python_exec}`del vars['old']`{python_exec}`import os`Done.",
      );
    const { ports } = await walk({ graph: g.graph, variables: { old: 'gone soon' } });
    expect(ports.instructions.sent).toEqual(['speak:<speak><p>Seen yes. Done.</p></speak>']);
    expect(await ports.variables.getAll()).toEqual({ seen: 'yes' });
    // The refused statement (import) is a warning in the log, not speech.
    expect(
      ports.logs.some((log) => log.level === 30 && /python_exec.*import os/.test(log.message)),
    ).toBe(true);
  });

  it('resumes from a persisted position and saves its own', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .node('b')
      .node('c')
      .edge('a', 'default', 'b')
      .edge('b', 'default', 'c');
    const { visited, ports, result } = await walk({
      graph: g.graph,
      resumeAt: { nodeUuid: 'b', step: 7 },
    });
    expect(visited).toEqual(['b', 'c']);
    expect(result.steps).toBe(9);
    expect(ports.saved).toEqual([
      { nodeUuid: 'b', step: 8, cellsDone: 0 },
      { nodeUuid: 'c', step: 9, cellsDone: 0 },
    ]);
  });

  it('resumed mid-node, runs only the cells that had not run and saves after each cell', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .cell('a', 'supercollider', 'one', { cellOrder: 0 })
      .cell('a', 'supercollider', 'two', { cellOrder: 1 })
      .cell('a', 'supercollider', 'three', { cellOrder: 2 })
      .node('b')
      .cell('b', 'supercollider', 'four')
      .edge('a', 'default', 'b');
    const { ports, result } = await walk({
      graph: g.graph,
      resumeAt: { nodeUuid: 'a', step: 3, cellsDone: 2 },
    });
    expect(ports.instructions.sent).toEqual(['code:three', 'code:four']);
    expect(result.steps).toBe(4);
    expect(ports.saved).toEqual([
      { nodeUuid: 'a', step: 3, cellsDone: 3 },
      { nodeUuid: 'b', step: 4, cellsDone: 0 },
      { nodeUuid: 'b', step: 4, cellsDone: 1 },
    ]);
  });
});
