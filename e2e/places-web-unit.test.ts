// Pure logic the browsers use for walks (issue 19): the position throttle shared by the listener's
// GPS and the editor's walker, the listener's place relations, and GPX playback timing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { positionAt, trackDuration, type TrackPoint } from '../apps/editor/src/lib/gpx-track.ts';
import { walkerVariables } from '../apps/editor/src/composables/use-walker.ts';
import { gpsFixToVariables } from '../apps/listener/src/lib/gps-variables.ts';
import {
  compassPoint,
  distanceM,
  relatePlaces,
  shapeContains,
  shapeOfPlace,
  type PlaceShapeView,
} from '@gencaster/web';
import { createPositionThrottle } from '@gencaster/web';

describe('createPositionThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at most every interval and keeps only the newest fix in between', async () => {
    const sent: number[] = [];
    const throttle = createPositionThrottle<number>({
      minIntervalMs: 500,
      send: (fix) => {
        sent.push(fix);
        return Promise.resolve();
      },
      now: () => Date.now(),
    });
    // 50 fixes a second for two seconds.
    for (let i = 0; i < 100; i++) {
      throttle.push(i);
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent[0]).toBe(0);
    expect(sent.at(-1)).toBe(99);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(throttle.sent).toBe(sent.length);
  });

  it('goes on after a failed send and reports it', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const throttle = createPositionThrottle<number>({
      minIntervalMs: 100,
      send: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('offline')) : Promise.resolve();
      },
      onError: (error) => errors.push(error),
    });
    throttle.push(1);
    await vi.advanceTimersByTimeAsync(150);
    throttle.push(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});

describe('place relations', () => {
  const fountain: PlaceShapeView = {
    kind: 'circle',
    center: { lat: 52.52, lon: 13.405 },
    radiusM: 30,
  };
  const square: PlaceShapeView = {
    kind: 'polygon',
    vertices: [
      { lat: 52.521, lon: 13.406 },
      { lat: 52.521, lon: 13.408 },
      { lat: 52.522, lon: 13.408 },
      { lat: 52.522, lon: 13.406 },
    ],
  };

  it('knows inside and outside of circles and polygons', () => {
    expect(shapeContains(fountain, { lat: 52.52, lon: 13.4052 })).toBe(true);
    expect(shapeContains(fountain, { lat: 52.5205, lon: 13.405 })).toBe(false);
    expect(shapeContains(square, { lat: 52.5215, lon: 13.407 })).toBe(true);
    expect(shapeContains(square, { lat: 52.5215, lon: 13.409 })).toBe(false);
  });

  it('lists the place the listener is in first, then by distance, with bearings', () => {
    const relations = relatePlaces(
      [
        { name: 'fountain', shape: fountain },
        { name: 'square', shape: square },
      ],
      { lat: 52.5215, lon: 13.407 },
    );
    expect(relations.map((relation) => [relation.name, relation.inside])).toEqual([
      ['square', true],
      ['fountain', false],
    ]);
    const toFountain = relations[1]!;
    expect(toFountain.distanceM).toBeCloseTo(
      distanceM({ lat: 52.5215, lon: 13.407 }, fountain.center),
      6,
    );
    expect(compassPoint(toFountain.bearingDeg)).toBe('SW');
  });

  it('reads API places', () => {
    expect(
      shapeOfPlace({
        name: 'f',
        kind: 'CIRCLE',
        center: { lat: 1, lon: 2 },
        radius: 5,
        vertices: [],
      }),
    ).toEqual({ kind: 'circle', center: { lat: 1, lon: 2 }, radiusM: 5 });
  });
});

describe('the walker', () => {
  it('sends a position as the listener page sends a GPS fix', () => {
    const listener = gpsFixToVariables('s', {
      latitude: 52.5,
      longitude: 13.4,
      accuracy: 5,
      speed: null,
      heading: null,
      altitude: null,
    }).map(({ key, value, streamToSc }) => ({ key, value, streamToSc }));
    expect(walkerVariables({ lat: 52.5, lon: 13.4 })).toEqual(listener);
  });

  it('plays a track back by its times, clamped at both ends', () => {
    const track: TrackPoint[] = [
      { lat: 0, lon: 0, t: 0 },
      { lat: 0, lon: 1, t: 10 },
      { lat: 1, lon: 1, t: 30 },
    ];
    expect(trackDuration(track)).toBe(30);
    expect(positionAt(track, -5)).toEqual({ lat: 0, lon: 0 });
    expect(positionAt(track, 5)).toEqual({ lat: 0, lon: 0.5 });
    expect(positionAt(track, 20)).toEqual({ lat: 0.5, lon: 1 });
    expect(positionAt(track, 99)).toEqual({ lat: 1, lon: 1 });
  });
});
