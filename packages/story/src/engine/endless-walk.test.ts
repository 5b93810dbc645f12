// Walks with no node limit, the guard against loops without progress, and a node read again at its
// exit (issue 18: endless walks, live edits that apply at the exit). A virtual clock stands in for
// time only: cells that "take time" advance it, as a SYNC playback of a file of that length would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptSandbox } from '../sandbox/create-script-sandbox.ts';
import type { ScriptSandbox } from '../sandbox/sandbox-types.ts';
import { createGraphBuilder } from '../testing/graph-builder.ts';
import { createMemoryPorts, type MemoryGraph } from '../testing/memory-ports.ts';
import { createEngine } from './create-engine.ts';
import type { Clock, EngineEvent, EngineOptions } from './engine-types.ts';

let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
});

/** A clock whose time moves only when slept or advanced; it records every pause. */
function virtualClock(): Clock & { advance(ms: number): void; pauses: number[] } {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    sleep(ms, signal) {
      if (signal.aborted) return Promise.reject(new Error('aborted'));
      pauses.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

interface WalkSetup {
  graph: MemoryGraph;
  options?: EngineOptions;
  /** Called as each audio cell plays; the clock advances by what it returns (ms). */
  onPlay?: (clock: ReturnType<typeof virtualClock>) => number;
  /** Called as each SuperCollider cell runs; the clock advances by what it returns (ms). */
  onCode?: (code: string) => number;
  /** Stop (as the listener leaving) after this many node visits. */
  stopAfter?: number;
}

async function walk(setup: WalkSetup) {
  const clock = virtualClock();
  const ports = createMemoryPorts({ graph: setup.graph, sandbox });
  ports.clock = clock;
  const recorded = { ...ports.instructions };
  ports.instructions.playAudio = async (request) => {
    await recorded.playAudio(request);
    clock.advance(setup.onPlay?.(clock) ?? 0);
  };
  ports.instructions.run = async (request) => {
    const result = await recorded.run(request);
    clock.advance(setup.onCode?.(request.code) ?? 0);
    return result;
  };
  const left = new AbortController();
  let visits = 0;
  const visited: string[] = [];
  const engine = createEngine({
    ports,
    options: {
      stepDelayMs: 100,
      ...setup.options,
      onEvent: (event: EngineEvent) => {
        if (event.type !== 'node_entered') return;
        visits++;
        if (visited.length < 20) visited.push(event.nodeUuid);
        if (setup.stopAfter !== undefined && visits >= setup.stopAfter) left.abort();
      },
    },
  });
  const result = await engine.run(left.signal);
  return { result, visits, visited, clock, logs: ports.logs };
}

const audio = { audioFileUuid: 'file-1', playback: 'sync_playback' as const, volume: 1 };

describe('a walk without a node limit', () => {
  it('passes 20,000 node visits of a looping graph and walks on until the listener leaves', async () => {
    const g = createGraphBuilder()
      .node('a', { entry: true })
      .node('b')
      .cell('a', 'audio', '', { audioCell: audio })
      .cell('b', 'audio', '', { audioCell: audio })
      .edge('a', 'default', 'b')
      .edge('b', 'default', 'a');
    // Each node plays a 30 s file to its end: 20,000 visits are almost a week of a 24/7 piece.
    const { result, visits, clock, logs } = await walk({
      graph: g.graph,
      onPlay: () => 30_000,
      stopAfter: 20_001,
    });
    expect(result.reason).toBe('aborted');
    expect(visits).toBe(20_001);
    expect(result.steps).toBe(20_001);
    expect(clock.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
    // Never slowed: every pause is the normal one.
    expect(new Set(clock.pauses)).toEqual(new Set([100]));
    expect(logs.filter((log) => log.level >= 30)).toEqual([]);
  }, 120_000);

  it('still honours an explicit maxSteps', async () => {
    const g = createGraphBuilder().node('a', { entry: true }).edge('a', 'default', 'a');
    const { result, visits } = await walk({ graph: g.graph, options: { maxSteps: 7 } });
    expect(result.reason).toBe('max_steps');
    expect(visits).toBe(7);
  });
});

describe('a loop that makes no progress', () => {
  it('is slowed with a clear warning after 100 idle visits, and runs at its pace again once a cell takes time', async () => {
    const g = createGraphBuilder()
      .node('spin', { entry: true })
      .cell('spin', 'supercollider', '"tick".postln;')
      .edge('spin', 'default', 'spin');
    const { result, clock, logs } = await walk({
      graph: g.graph,
      onCode: () => 1,
      stopAfter: 400,
    });
    expect(result.reason).toBe('aborted');
    // Visits 1–99 at the normal 100 ms, then one node per second.
    expect(clock.pauses.slice(0, 99)).toEqual(Array(99).fill(100));
    expect(clock.pauses.slice(99)).toEqual(Array(clock.pauses.length - 99).fill(1000));
    const warnings = logs.filter((log) => log.level === 30);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /makes no progress: 100 node visits in a row \(last "spin"\) had no cell that waits, plays or sleeps; it is slowed to one node every 1000 ms/,
    );

    // The same loop, where the cell starts to take time after 150 visits.
    let seen = 0;
    const recovering = await walk({
      graph: g.graph,
      onCode: () => (++seen > 150 ? 500 : 1),
      stopAfter: 200,
    });
    const pauses = recovering.clock.pauses;
    expect(pauses[120]).toBe(1000);
    expect(pauses.slice(151)).toEqual(Array(pauses.length - 151).fill(100));
    expect(recovering.logs.some((log) => /took time again/.test(log.message))).toBe(true);
  });
});

describe('a node read again at its exit', () => {
  it('takes an edge drawn while the listener was inside the node', async () => {
    const g = createGraphBuilder().node('long', { entry: true }).node('new');
    g.cell('long', 'audio', '', { audioCell: audio });
    // The editor draws long → new while the file plays.
    const { result, visited } = await walk({
      graph: g.graph,
      onPlay: () => {
        g.edge('long', 'default', 'new');
        return 60_000;
      },
    });
    expect(visited).toEqual(['long', 'new']);
    expect(result.reason).toBe('dead_end');
  });

  it('applies a door condition changed while the listener was inside (Python and JavaScript)', async () => {
    for (const [before, after] of [
      ['False', 'True'],
      ['// js\nfalse', '// js\nvars.n === undefined'],
    ] as const) {
      const g = createGraphBuilder().node('long', { entry: true }).node('left').node('right');
      g.cell('long', 'audio', '', { audioCell: audio })
        .door('long', { name: 'go-right', code: before, order: 1 })
        .edge('long', 'go-right', 'right')
        .edge('long', 'default', 'left');
      const { visited } = await walk({
        graph: g.graph,
        onPlay: () => {
          g.door('long', { name: 'go-right', code: after });
          return 1_000;
        },
      });
      expect(visited, `condition ${before} → ${after}`).toEqual(['long', 'right']);
    }
  });

  it('does not wait at a node whose Blocking was unticked while the listener was inside', async () => {
    const g = createGraphBuilder().node('hold', { entry: true, blocking: true }).node('after');
    g.cell('hold', 'audio', '', { audioCell: audio }).edge('hold', 'default', 'after');
    const { visited, result } = await walk({
      graph: g.graph,
      onPlay: () => {
        const hold = g.graph.nodes.get('hold');
        if (hold) hold.node.isBlockingNode = false;
        return 1_000;
      },
    });
    expect(visited).toEqual(['hold', 'after']);
    expect(result.reason).toBe('dead_end');
  });

  it('ends the walk with a log line when the node was deleted while the listener was inside', async () => {
    const g = createGraphBuilder().node('doomed', { entry: true }).node('next');
    g.cell('doomed', 'audio', '', { audioCell: audio }).edge('doomed', 'default', 'next');
    const { visited, result, logs } = await walk({
      graph: g.graph,
      onPlay: () => {
        g.graph.nodes.delete('doomed');
        return 1_000;
      },
    });
    expect(visited).toEqual(['doomed']);
    expect(result.reason).toBe('dead_end');
    expect(logs.some((log) => /was deleted while the listener was inside/.test(log.message))).toBe(
      true,
    );
  });
});
