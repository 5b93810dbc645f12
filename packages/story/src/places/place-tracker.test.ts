import type { PlaceShape, PlaceTrigger } from '@gencaster/domain';
import { describe, expect, it } from 'vitest';
import {
  createManualClock,
  createMemoryVariableStore,
  createSystemClock,
} from '../testing/memory-ports.ts';
import { createPlaceRuntime } from './place-runtime.ts';
import { createPlaceTracker, emptyPlaceWalkState, type TrackedPlace } from './place-tracker.ts';
import { isTriggerOpen, markTriggerUsed } from './place-triggers.ts';
import { createPlaceVariableDiff, parsePlaceWalkState, placeVariables } from './place-variables.ts';

// Metres → degrees near 52.5° N.
const mLat = 1 / 111_195;
const mLon = 1 / (111_195 * Math.cos((52.5 * Math.PI) / 180));
const at = (north: number, east: number) => ({ lat: 52.5 + north * mLat, lon: 13.4 + east * mLon });

const fountain: TrackedPlace = {
  name: 'fountain',
  shape: { kind: 'circle', center: at(0, 0), radiusM: 20 },
};
// A 40 m square 100 m north of the fountain.
const square: PlaceShape = {
  kind: 'polygon',
  vertices: [at(80, -20), at(80, 20), at(120, 20), at(120, -20)],
};
const mill: TrackedPlace = { name: 'mill', shape: square };

function tracker(options = {}) {
  return createPlaceTracker([fountain, mill], emptyPlaceWalkState(), options);
}

describe('place tracker', () => {
  it('circles: inside, distance to the edge, bearing to the centre', () => {
    const t = tracker();
    const first = t.update({ ...at(0, 5), accuracyM: 5, atMs: 0 });
    expect(first.kind).toBe('first');
    expect(first.entered).toEqual(['fountain']);
    const f = first.readings.find((r) => r.name === 'fountain');
    expect(f).toMatchObject({ inside: true, distanceM: 0, visits: 1 });
    expect(f?.bearingDeg).toBeCloseTo(270, 0);
    const out = t.update({ ...at(0, 50), accuracyM: 5, atMs: 30_000 });
    expect(out.left).toEqual(['fountain']);
    expect(out.readings[0]?.distanceM).toBeCloseTo(30, 0);
  });

  it('polygons: inside by ray casting, distance to the nearest edge outside, bearing to the centroid', () => {
    const t = tracker();
    const inside = t.update({ ...at(100, 0), atMs: 0 });
    expect(inside.readings.find((r) => r.name === 'mill')).toMatchObject({
      inside: true,
      distanceM: 0,
    });
    const east = t.update({ ...at(100, 50), atMs: 20_000 });
    const reading = east.readings.find((r) => r.name === 'mill');
    expect(reading?.inside).toBe(false);
    expect(reading?.distanceM).toBeCloseTo(30, 0);
    expect(reading?.bearingDeg).toBeCloseTo(270, 0);
    const south = t.update({ ...at(0, 0), atMs: 60_000 });
    expect(south.readings.find((r) => r.name === 'mill')?.bearingDeg).toBeCloseTo(0, 0);
  });

  it('dwell counts the seconds of the current visit', () => {
    const t = tracker();
    t.update({ ...at(0, 0), atMs: 1000 });
    const later = t.update({ ...at(0, 1), atMs: 13_500 });
    expect(later.readings[0]?.dwellS).toBeCloseTo(12.5, 5);
    expect(t.readings(21_000)[0]?.dwellS).toBeCloseTo(20, 5);
  });

  it('accuracy gating: a poor fix moves distances but never flips inside/outside', () => {
    const t = tracker();
    t.update({ ...at(0, 0), accuracyM: 5, atMs: 0 });
    const poor = t.update({ ...at(0, 200), accuracyM: 120, atMs: 10_000 });
    expect(poor.kind).toBe('inaccurate');
    expect(poor.left).toEqual([]);
    expect(poor.readings[0]).toMatchObject({ inside: true });
    expect(poor.readings[0]?.distanceM).toBeGreaterThan(150);
    const poorEnter = tracker();
    expect(poorEnter.update({ ...at(100, 0), accuracyM: 80, atMs: 0 }).entered).toEqual([]);
  });

  it('jumps: a move of many kilometres recomputes the places without enter/leave events', () => {
    const t = tracker();
    t.update({ ...at(0, 0), atMs: 0 });
    const far = t.update({ lat: 48.1, lon: 11.5, atMs: 60_000 });
    expect(far.kind).toBe('jump');
    expect(far.left).toEqual([]);
    expect(t.live.inside).toEqual({});
    expect(t.live.lastLeaveMs).toEqual({});
    // Back by teleport into the mill: inside, a visit, but no ENTER event.
    const back = t.update({ ...at(100, 0), atMs: 70_000 });
    expect(back.kind).toBe('jump');
    expect(back.entered).toEqual([]);
    expect(t.live.inside['mill']).toBe(70_000);
    expect(t.live.lastEnterMs['mill']).toBeUndefined();
  });

  it('jumps: an implied speed over 50 m/s is a new fix, a walk at 1.4 m/s is not', () => {
    const t = tracker();
    t.update({ ...at(0, 0), atMs: 0 });
    expect(t.update({ ...at(300, 0), atMs: 2000 }).kind).toBe('jump');
    const w = tracker();
    w.update({ ...at(-100, 0), atMs: 0 });
    expect(w.update({ ...at(-90, 0), atMs: 7000 }).kind).toBe('walk');
  });

  it('hysteresis: noise at the edge does not toggle', () => {
    const t = tracker();
    t.update({ ...at(0, 19), atMs: 0 });
    const events: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const east = i % 2 === 0 ? 18 : 23; // jitters 2 m inside ↔ 3 m outside the 20 m edge
      const u = t.update({ ...at(0, east), accuracyM: 5, atMs: i * 1000 });
      events.push(...u.entered.map((n) => `+${n}`), ...u.left.map((n) => `-${n}`));
    }
    expect(events).toEqual([]);
    expect(t.update({ ...at(0, 30), atMs: 30_000 }).left).toEqual(['fountain']);
  });

  it('triggers: ENTER since the node was entered, INSIDE after dwell, ONCE and EVERY_VISIT', () => {
    const t = tracker();
    t.update({ ...at(0, -100), atMs: 0 });
    const enter: PlaceTrigger = {
      kind: 'enter',
      placeNames: ['fountain'],
      dwellSeconds: 0,
      repeat: 'every_visit',
    };
    const inside: PlaceTrigger = {
      kind: 'inside',
      placeNames: ['fountain'],
      dwellSeconds: 10,
      repeat: 'once',
    };
    const ctx = (now: number, node = 0) => ({
      state: t.live,
      readings: t.readings(now),
      nodeEnteredMs: node,
      nowMs: now,
    });
    expect(isTriggerOpen('d1', enter, ctx(1000))).toBe(false);
    t.update({ ...at(0, 0), atMs: 60_000 });
    expect(isTriggerOpen('d1', enter, ctx(60_000))).toBe(true);
    expect(isTriggerOpen('d1', enter, ctx(60_000, 61_000))).toBe(false); // entered before the node
    markTriggerUsed('d1', enter, t.live);
    expect(isTriggerOpen('d1', enter, ctx(60_000))).toBe(false); // used for this visit
    expect(isTriggerOpen('d2', inside, ctx(65_000))).toBe(false);
    expect(isTriggerOpen('d2', inside, ctx(70_000))).toBe(true);
    markTriggerUsed('d2', inside, t.live);
    // Second visit: EVERY_VISIT opens again, ONCE does not.
    t.update({ ...at(0, -60), atMs: 100_000 });
    t.update({ ...at(0, 0), atMs: 140_000 });
    expect(isTriggerOpen('d1', enter, ctx(140_000))).toBe(true);
    expect(isTriggerOpen('d2', inside, ctx(200_000))).toBe(false);
  });

  it('triggers: NEAREST opens while the first place is the nearest of the list', () => {
    const t = tracker();
    const nearest: PlaceTrigger = {
      kind: 'nearest',
      placeNames: ['mill', 'fountain'],
      dwellSeconds: 0,
      repeat: 'every_visit',
    };
    t.update({ ...at(30, 0), atMs: 0 });
    const ctx = () => ({ state: t.live, readings: t.readings(0), nodeEnteredMs: 0, nowMs: 0 });
    expect(isTriggerOpen('n', nearest, ctx())).toBe(false);
    t.update({ ...at(70, 0), atMs: 30_000 });
    expect(isTriggerOpen('n', nearest, ctx())).toBe(true);
  });

  it('variables: names, rounding, and writes only what changed enough', () => {
    const t = tracker();
    const u = t.update({ ...at(0, 0), atMs: 0 });
    const vars = placeVariables(u.readings);
    expect(vars).toMatchObject({
      places_inside: 'fountain',
      places_visited: 'fountain',
      places_nearest: 'fountain',
      place_fountain_inside: '1',
      place_fountain_distance: '0',
      place_fountain_visits: '1',
      place_mill_inside: '0',
      place_mill_distance: '80',
    });
    const diff = createPlaceVariableDiff();
    const w = tracker();
    const first = w.update({ ...at(0, -300), atMs: 0 }).readings;
    expect(diff.changes(first)).toEqual(placeVariables(first));
    // 0.4 m further: no distance moved by a metre, no bearing by a degree.
    expect(diff.changes(w.update({ ...at(0, -300.4), atMs: 1000 }).readings)).toEqual({});
    const near = diff.changes(w.update({ ...at(0, -290), atMs: 8000 }).readings);
    expect(near).toMatchObject({ place_fountain_distance: '270' });
    expect(Object.keys(near).every((key) => /_(distance|bearing)$/.test(key))).toBe(true);
  });

  it('state: a malformed places_state gives an empty state, never an error', () => {
    for (const bad of [
      '',
      '{',
      '[]',
      '{"version":2}',
      '{"version":1,"visits":{"a":"x"},"last":{"lat":999}}',
    ])
      expect(parsePlaceWalkState(bad).last).toBeNull();
    expect(parsePlaceWalkState('{"version":1,"visits":{"a":2,"b":"x"}}').visits).toEqual({ a: 2 });
  });
});

describe('place runtime', () => {
  it('throttles a 50 Hz position stream to a few evaluations a second; the latest fix wins', async () => {
    const variables = createMemoryVariableStore();
    let evaluations = 0;
    // A manual clock: the second of 50 Hz fixes takes no real time and no busy machine skews it.
    const clock = createManualClock();
    const runtime = createPlaceRuntime({
      places: [fountain, mill],
      variables,
      clock,
      onUpdate: () => (evaluations += 1),
    });
    await runtime.start();
    const started = clock.now();
    for (let i = 0; i < 50; i++) {
      runtime.push(at(-100 + i, 0));
      await clock.advance(20);
    }
    await runtime.flush();
    const seconds = (clock.now() - started) / 1000;
    expect(evaluations).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    expect(evaluations).toBeGreaterThanOrEqual(2);
    expect(variables.values.get('place_fountain_distance')).toBe(String(Math.round(100 - 49 - 20)));
    runtime.stop();
  });

  it('visited places survive a reconnect (a new runtime on the same stream variables)', async () => {
    const variables = createMemoryVariableStore();
    const clock = createSystemClock();
    const first = createPlaceRuntime({ places: [fountain, mill], variables, clock });
    await first.start();
    first.push(at(0, 0));
    await first.flush();
    first.push(at(50, 0));
    await first.flush();
    first.stop();
    const second = createPlaceRuntime({ places: [fountain, mill], variables, clock });
    await second.start();
    expect(second.tracker.live.visits).toEqual({ fountain: 1 });
    second.push(at(100, 0));
    await second.flush();
    expect(variables.values.get('places_visited')).toBe('fountain,mill');
    expect(variables.values.get('place_fountain_visits')).toBe('1');
    second.stop();
  });
});
