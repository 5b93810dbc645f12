// A simulated walk (issue 19): a list of fixes set as the listener's position enters, dwells in
// and leaves two places, and the engine takes the doors of their triggers.
import type { PlaceTrigger } from '@gencaster/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.ts';
import type { EngineEvent, PlacePort } from '../engine/engine-types.ts';
import { createScriptSandbox } from '../sandbox/create-script-sandbox.ts';
import type { ScriptSandbox } from '../sandbox/sandbox-types.ts';
import { createGraphBuilder } from '../testing/graph-builder.ts';
import { createMemoryPorts } from '../testing/memory-ports.ts';
import type { TrackedPlace } from './place-tracker.ts';

const mLat = 1 / 111_195;
const mLon = 1 / (111_195 * Math.cos((52.5 * Math.PI) / 180));
const at = (north: number, east: number) => ({ lat: 52.5 + north * mLat, lon: 13.4 + east * mLon });

const places: TrackedPlace[] = [
  { name: 'fountain', shape: { kind: 'circle', center: at(0, 0), radiusM: 20 } },
  {
    name: 'mill',
    shape: { kind: 'polygon', vertices: [at(80, -20), at(80, 20), at(120, 20), at(120, -20)] },
  },
];

const trigger = (
  kind: PlaceTrigger['kind'],
  name: string,
  dwellSeconds = 0,
  repeat: PlaceTrigger['repeat'] = 'every_visit',
): PlaceTrigger => ({ kind, placeNames: [name], dwellSeconds, repeat });

let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp();
}, 120_000);
afterAll(async () => {
  await sandbox.close();
});

describe('a walk through two places', () => {
  it('enters, dwells in and leaves the fountain and the mill and takes the doors of their triggers', async () => {
    const g = createGraphBuilder()
      .node('start', { entry: true })
      .door('start', { name: 'at fountain', placeTrigger: trigger('enter', 'fountain') })
      .edge('start', 'at fountain', 'fountain')
      .edge('start', 'default', 'wrong')
      .node('fountain')
      .door('fountain', { name: 'stayed', placeTrigger: trigger('inside', 'fountain', 0.3) })
      .edge('fountain', 'stayed', 'fountain_long')
      .node('fountain_long')
      .door('fountain_long', { name: 'left', placeTrigger: trigger('leave', 'fountain') })
      .edge('fountain_long', 'left', 'between')
      .node('between')
      .door('between', {
        name: 'at mill',
        placeTrigger: trigger('enter', 'mill', 0, 'once'),
        code: "// js\nvisited('fountain') && !inside('fountain')",
      })
      .edge('between', 'at mill', 'mill')
      .node('mill')
      .door('mill', { name: 'stayed', placeTrigger: trigger('inside', 'mill', 0.3) })
      .edge('mill', 'stayed', 'mill_long')
      .node('mill_long')
      .door('mill_long', { name: 'left', placeTrigger: trigger('leave', 'mill') })
      .edge('mill_long', 'left', 'end')
      .node('end')
      .node('wrong');
    const ports = createMemoryPorts({ graph: g.graph, sandbox });
    const listeners = new Set<(fix: { lat: number; lon: number; accuracyM?: number }) => void>();
    const placePort: PlacePort = {
      loadPlaces: () => Promise.resolve(places),
      subscribe(onFix) {
        listeners.add(onFix);
        return () => listeners.delete(onFix);
      },
    };
    // Each waiting node gets the next leg of the walk: 1 m steps, 10 per step at 5 m accuracy.
    const legs: Record<string, [number, number][]> = {
      start: [
        [-60, 0],
        [-40, 0],
        [-19, 0],
        [-5, 0],
      ],
      fountain: [],
      fountain_long: [
        [10, 0],
        [25, 0],
        [30, 0],
        [40, 0],
      ],
      between: [
        [60, 0],
        [79, 0],
        [85, 0],
        [95, 0],
      ],
      mill: [],
      mill_long: [
        [110, 0],
        [125, 0],
        [140, 0],
      ],
    };
    const events: EngineEvent[] = [];
    let position = at(-60, 0);
    const send = (p: { lat: number; lon: number }) => {
      position = p;
      for (const listener of listeners) listener({ ...p, accuracyM: 5 });
    };
    const engine = createEngine({
      ports: { ...ports, places: placePort },
      options: {
        stepDelayMs: 0,
        places: { minIntervalMs: 0 },
        onEvent: (event) => {
          events.push(event);
          if (event.type !== 'waiting_for_place') return;
          void (async () => {
            for (const [north, east] of legs[event.nodeUuid] ?? []) {
              await new Promise((resolve) => setTimeout(resolve, 30));
              send(at(north, east));
            }
          })();
        },
      },
    });
    const started = Date.now();
    const result = await engine.run(new AbortController().signal);
    expect(ports.logs.filter((l) => l.level >= 30)).toEqual([]);
    expect(result.reason).toBe('dead_end');
    expect(events.flatMap((e) => (e.type === 'node_entered' ? [e.nodeUuid] : []))).toEqual([
      'start',
      'fountain',
      'fountain_long',
      'between',
      'mill',
      'mill_long',
      'end',
    ]);
    // The dwell doors waited for their dwell (0.3 s each) without a new fix.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(position).toEqual(at(140, 0));
    const vars = ports.variables.values;
    expect(vars.get('places_visited')).toBe('fountain,mill');
    expect(vars.get('places_inside')).toBe('');
    expect(vars.get('place_fountain_visits')).toBe('1');
    expect(vars.get('place_mill_visits')).toBe('1');
    expect(Number(vars.get('place_mill_distance'))).toBeGreaterThanOrEqual(19);
    const state = JSON.parse(vars.get('places_state') ?? '{}') as { used: Record<string, number> };
    expect(Object.keys(state.used)).toHaveLength(6);
  }, 60_000);

  it('a node without a place door still takes its default door at once', async () => {
    const g = createGraphBuilder().node('a', { entry: true }).edge('a', 'default', 'b').node('b');
    const ports = createMemoryPorts({ graph: g.graph, sandbox });
    const engine = createEngine({
      ports: {
        ...ports,
        places: { loadPlaces: () => Promise.resolve(places), subscribe: () => () => undefined },
      },
      options: { stepDelayMs: 0 },
    });
    expect((await engine.run(new AbortController().signal)).steps).toBe(2);
  });

  it('door code reads the places by name in Python and JavaScript', async () => {
    const variables = {
      place_fountain_inside: '1',
      place_fountain_distance: '0',
      place_fountain_dwell: '12',
      place_fountain_visits: '2',
      place_mill_inside: '0',
      place_mill_distance: '85',
      place_mill_bearing: '10',
    };
    const capabilities = {
      waitForVariable: () => Promise.resolve(''),
      sleep: () => Promise.resolve(),
      getVariables: () => Promise.resolve(variables),
      log: () => undefined,
      emitDialog: () => Promise.resolve(),
    };
    const cases: [string, string, unknown][] = [
      ['python', 'inside("fountain") and not inside("mill")', true],
      ['python', 'distance("mill") < 100 and dwell("fountain") >= 10', true],
      ['python', 'visits("fountain") == 2 and visited("fountain") and not visited("mill")', true],
      ['python', 'distance("nowhere") > 1e9 and bearing("mill") == 10', true],
      [
        'javascript',
        "inside('fountain') && distance('mill') === 85 && visits('fountain') === 2",
        true,
      ],
      [
        'javascript',
        "!visited('mill') && distance('nowhere') === Infinity && Number.isNaN(bearing('x'))",
        true,
      ],
    ];
    for (const [language, code, expected] of cases) {
      const result = await sandbox.run({
        language: language as 'python' | 'javascript',
        mode: 'condition',
        code,
        variables,
        capabilities,
      });
      expect(result.ok ? result.value : result.error, code).toBe(expected);
    }
  }, 120_000);
});
