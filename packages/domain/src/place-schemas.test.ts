import { describe, expect, it } from 'vitest';
import { isGencasterError } from './gencaster-error.ts';
import { createLocalPlane, haversineDistance, initialBearing } from './place-geometry.ts';
import {
  checkPlaceShape,
  placeCenter,
  placeNamePattern,
  placeTriggerSchema,
} from './place-schemas.ts';

function reason(input: unknown): string | undefined {
  try {
    checkPlaceShape(input);
    return undefined;
  } catch (error) {
    if (!isGencasterError(error, 'INVALID_INPUT')) throw error;
    return String(error.details?.['reason']);
  }
}

const square = (lat: number, lon: number, d = 0.001) => [
  { lat, lon },
  { lat, lon: lon + d },
  { lat: lat + d, lon: lon + d },
  { lat: lat + d, lon },
];

describe('place shapes', () => {
  it('accepts circles and simple polygons, dropping a closing vertex', () => {
    expect(
      reason({ kind: 'circle', center: { lat: 52.5, lon: 13.4 }, radiusM: 30 }),
    ).toBeUndefined();
    const ring = square(52.5, 13.4);
    const closed = checkPlaceShape({ kind: 'polygon', vertices: [...ring, ring[0]] });
    expect(closed.kind === 'polygon' && closed.vertices).toHaveLength(4);
  });

  it('refuses bad input with a typed reason', () => {
    const c = { lat: 52.5, lon: 13.4 };
    expect(reason({ kind: 'circle', center: { lat: 91, lon: 0 }, radiusM: 5 })).toBe('fields');
    expect(reason({ kind: 'circle', center: { lat: 0, lon: 181 }, radiusM: 5 })).toBe('fields');
    expect(reason({ kind: 'circle', center: { lat: Number.NaN, lon: 0 }, radiusM: 5 })).toBe(
      'fields',
    );
    expect(reason({ kind: 'circle', center: c, radiusM: Number.POSITIVE_INFINITY })).toBe('fields');
    expect(reason({ kind: 'circle', center: c, radiusM: 0 })).toBe('fields');
    expect(reason({ kind: 'circle', center: c, radiusM: -3 })).toBe('fields');
    expect(reason({ kind: 'circle', center: c, radiusM: 25_001 })).toBe('fields');
    expect(reason({ kind: 'hexagon' })).toBe('fields');
    expect(reason({ kind: 'polygon', vertices: [c, { lat: 52.6, lon: 13.4 }] })).toBe('fields');
    expect(reason({ kind: 'polygon', vertices: [c, { lat: 52.6, lon: 13.4 }, c] })).toBe(
      'too_few_vertices',
    );
    expect(
      reason({
        kind: 'polygon',
        vertices: [c, { lat: 52.501, lon: 13.4 }, { lat: 52.502, lon: 13.4 }],
      }),
    ).toBe('no_area');
    const [a, b, d, e] = square(52.5, 13.4);
    expect(reason({ kind: 'polygon', vertices: [a, d, b, e] })).toBe('self_intersecting');
    expect(reason({ kind: 'polygon', vertices: [a, a, b, d] })).toBe('duplicate_vertex');
    expect(reason({ kind: 'polygon', vertices: square(52.5, 13.4, 1) })).toBe('too_large');
    const many = Array.from({ length: 600 }, (_, i) => ({
      lat: 52.5 + 0.001 * Math.sin((2 * Math.PI * i) / 600),
      lon: 13.4 + 0.001 * Math.cos((2 * Math.PI * i) / 600),
    }));
    expect(reason({ kind: 'polygon', vertices: many })).toBe('fields');
    expect(reason({ kind: 'polygon', vertices: many.slice(0, 500) })).toBeUndefined();
  });

  it('works across the antimeridian and near the poles', () => {
    const dateline = [
      { lat: -17, lon: 179.9995 },
      { lat: -17, lon: -179.9995 },
      { lat: -16.999, lon: -179.9995 },
      { lat: -16.999, lon: 179.9995 },
    ];
    expect(reason({ kind: 'polygon', vertices: dateline })).toBeUndefined();
    const center = placeCenter(checkPlaceShape({ kind: 'polygon', vertices: dateline }));
    expect(Math.abs(center.lon)).toBeGreaterThan(179.99);
    const pole = [0, 90, 180, -90].map((lon) => ({ lat: 89.999, lon }));
    expect(reason({ kind: 'polygon', vertices: pole })).toBeUndefined();
  });

  it('names: lower-case letters, digits, _; a letter first; 48 at most', () => {
    for (const ok of ['fountain', 'old_mill', 'a1', 'x'.repeat(48)])
      expect(placeNamePattern.test(ok)).toBe(true);
    for (const bad of [
      '',
      'Fountain',
      '1a',
      '_a',
      'a-b',
      'a b',
      'a"); s.boot; ("',
      'x'.repeat(49),
      'é',
    ])
      expect(placeNamePattern.test(bad), bad).toBe(false);
  });

  it('triggers: one place, nearest with 2+, dwell only for inside', () => {
    expect(placeTriggerSchema.safeParse({ kind: 'enter', placeNames: ['a'] }).success).toBe(true);
    expect(placeTriggerSchema.safeParse({ kind: 'enter', placeNames: ['a', 'b'] }).success).toBe(
      false,
    );
    expect(placeTriggerSchema.safeParse({ kind: 'nearest', placeNames: ['a'] }).success).toBe(
      false,
    );
    expect(placeTriggerSchema.safeParse({ kind: 'nearest', placeNames: ['a', 'a'] }).success).toBe(
      false,
    );
    expect(
      placeTriggerSchema.safeParse({ kind: 'leave', placeNames: ['a'], dwellSeconds: 3 }).success,
    ).toBe(false);
    expect(
      placeTriggerSchema.safeParse({ kind: 'inside', placeNames: ['a'], dwellSeconds: -1 }).success,
    ).toBe(false);
  });
});

describe('place geometry', () => {
  it('haversine and bearing', () => {
    expect(haversineDistance({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111_195, -1);
    expect(haversineDistance({ lat: 0, lon: 179.9999 }, { lat: 0, lon: -179.9999 })).toBeCloseTo(
      22.2,
      0,
    );
    expect(initialBearing({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(0, 5);
    expect(initialBearing({ lat: 0, lon: 0 }, { lat: 0, lon: -1 })).toBeCloseTo(270, 5);
  });

  it('the local plane round-trips and keeps distances', () => {
    const plane = createLocalPlane({ lat: 60, lon: 25 });
    const p = { lat: 60.1, lon: 25.2 };
    const xy = plane.project(p);
    const back = plane.unproject(xy);
    expect(back.lat).toBeCloseTo(p.lat, 9);
    expect(back.lon).toBeCloseTo(p.lon, 9);
    expect(Math.hypot(xy.x, xy.y)).toBeCloseTo(haversineDistance({ lat: 60, lon: 25 }, p), -1);
  });
});
