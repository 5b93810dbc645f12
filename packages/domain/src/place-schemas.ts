import { z } from 'zod';
import { placeTriggerKinds, placeTriggerRepeats } from './enums.ts';
import { GencasterError } from './gencaster-error.ts';
import {
  createLocalPlane,
  findSelfIntersection,
  ringArea,
  ringCentroid,
  type LatLon,
} from './place-geometry.ts';
import type { PlaceShape, PlaceTrigger } from './place-model.ts';
import { uuidSchema } from './stream-schemas.ts';

/** Limits of places (new: issue 19); the API and the archive import refuse anything beyond. */
export const placeLimits = {
  /** Characters of a place name. */
  nameChars: 48,
  /** Vertices of one polygon. */
  polygonVertices: 500,
  /** Width and height of a polygon's bounding box, metres (a walk, not a country). */
  extentM: 50_000,
  /** Largest circle radius, metres (a 50 km wide circle). */
  radiusM: 25_000,
  /** Smallest polygon area, m²: below it a place has no area. */
  minAreaM2: 1,
  /** Places of one graph. */
  perGraph: 500,
  /** Places one `nearest` trigger compares. */
  nearestPlaces: 50,
  /** Longest dwell of an `inside` trigger, seconds (one day). */
  dwellSeconds: 86_400,
} as const;

/**
 * Place names: a lower-case letter, then lower-case letters, digits and `_`, at most 48 in all.
 * They become part of stream variable names (`place_fountain_distance`) and are written in door
 * code as plain strings (`inside("fountain")`), so nothing in them needs quoting anywhere.
 */
export const placeNamePattern = /^[a-z][a-z0-9_]{0,47}$/;

/** A place name (see {@link placeNamePattern}). */
export const placeNameSchema = z
  .string()
  .regex(
    placeNamePattern,
    'a place name is a lower-case letter followed by lower-case letters, digits or _ (at most 48)',
  );

const latitude = z.number().finite().min(-90).max(90);
const longitude = z.number().finite().min(-180).max(180);
/** A position in degrees, range-checked. */
export const latLonSchema = z.object({ lat: latitude, lon: longitude });

/** A place's shape as authors send it; {@link checkPlaceShape} checks its geometry. */
export const placeShapeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('circle'),
    center: latLonSchema,
    radiusM: z.number().finite().positive().max(placeLimits.radiusM),
  }),
  z.object({
    kind: z.literal('polygon'),
    vertices: z
      .array(latLonSchema)
      .min(3)
      .max(placeLimits.polygonVertices + 1),
  }),
]);

function shapeError(reason: string, message: string, extra: Record<string, unknown> = {}) {
  return new GencasterError('INVALID_INPUT', message, {
    details: { field: 'shape', reason, ...extra },
  });
}

/**
 * Validates a shape and returns it normalised (a closing vertex equal to the first is dropped).
 * INVALID_INPUT with `details.reason`: `fields` (ranges, counts, non-finite numbers), `too_few_vertices`,
 * `too_many_vertices`, `duplicate_vertex`, `no_area`, `self_intersecting` (with the two edges), `too_large`.
 */
export function checkPlaceShape(input: unknown): PlaceShape {
  const parsed = placeShapeSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new GencasterError('INVALID_INPUT', `invalid place shape: ${summary}`, {
      details: { field: 'shape', reason: 'fields', issues },
      cause: parsed.error,
    });
  }
  const shape = parsed.data;
  if (shape.kind === 'circle')
    return { kind: 'circle', center: { ...shape.center }, radiusM: shape.radiusM };
  const vertices: LatLon[] = shape.vertices.map((v) => ({ lat: v.lat, lon: v.lon }));
  const first = vertices[0];
  const last = vertices[vertices.length - 1];
  if (first && last && vertices.length > 1 && first.lat === last.lat && first.lon === last.lon)
    vertices.pop();
  if (vertices.length < 3)
    throw shapeError('too_few_vertices', 'a polygon needs at least 3 distinct vertices');
  if (vertices.length > placeLimits.polygonVertices)
    throw shapeError(
      'too_many_vertices',
      `a polygon has at most ${placeLimits.polygonVertices} vertices`,
      { max: placeLimits.polygonVertices },
    );
  const plane = createLocalPlane(vertices[0] ?? { lat: 0, lon: 0 });
  const ring = vertices.map((v) => plane.project(v));
  const xs = ring.map((p) => p.x);
  const ys = ring.map((p) => p.y);
  const width = Math.max(...xs) - Math.min(...xs);
  const height = Math.max(...ys) - Math.min(...ys);
  const far = vertices.some((v) => {
    const p = plane.project(v);
    return Math.hypot(p.x, p.y) > placeLimits.extentM * 1.5;
  });
  if (far || width > placeLimits.extentM || height > placeLimits.extentM)
    throw shapeError(
      'too_large',
      `a place spans at most ${placeLimits.extentM / 1000} km in each direction`,
      { maxExtentM: placeLimits.extentM },
    );
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (a && b && Math.hypot(a.x - b.x, a.y - b.y) < 1e-6)
      throw shapeError(
        'duplicate_vertex',
        `vertices ${i} and ${(i + 1) % ring.length} are the same point`,
      );
  }
  const crossing = findSelfIntersection(ring);
  if (crossing)
    throw shapeError(
      'self_intersecting',
      `the polygon's edges ${crossing[0]} and ${crossing[1]} cross: draw its outline without crossings`,
      { edges: crossing },
    );
  if (Math.abs(ringArea(ring)) < placeLimits.minAreaM2)
    throw shapeError('no_area', 'the polygon has no area (its vertices lie on one line)');
  return { kind: 'polygon', vertices };
}

/** The reference point of a shape: a circle's centre, a polygon's area centroid. */
export function placeCenter(shape: PlaceShape): LatLon {
  if (shape.kind === 'circle') return shape.center;
  const plane = createLocalPlane(shape.vertices[0] ?? { lat: 0, lon: 0 });
  return plane.unproject(ringCentroid(shape.vertices.map((v) => plane.project(v))));
}

/** A new place of a graph; the shape is checked by {@link checkPlaceShape} as well. */
export const createPlaceSchema = z.object({
  graphUuid: uuidSchema,
  name: placeNameSchema,
  shape: placeShapeSchema,
  showToListeners: z.boolean().default(false),
});
export type CreatePlaceInput = z.input<typeof createPlaceSchema>;

/** Partial update of a place; renaming it renames it in the door triggers of its graph. */
export const updatePlaceSchema = z.object({
  uuid: uuidSchema,
  name: placeNameSchema.optional(),
  shape: placeShapeSchema.optional(),
  showToListeners: z.boolean().optional(),
});
export type UpdatePlaceInput = z.input<typeof updatePlaceSchema>;

/** A door's place trigger: one place, or 2–50 for `nearest`; dwell only for `inside`. */
export const placeTriggerSchema = z
  .object({
    kind: z.enum(placeTriggerKinds),
    placeNames: z.array(placeNameSchema).min(1).max(placeLimits.nearestPlaces),
    dwellSeconds: z.number().finite().min(0).max(placeLimits.dwellSeconds).default(0),
    repeat: z.enum(placeTriggerRepeats).default('every_visit'),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'nearest' && t.placeNames.length < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['placeNames'],
        message: 'a nearest trigger compares at least 2 places (its own first)',
      });
    if (t.kind !== 'nearest' && t.placeNames.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['placeNames'],
        message: `a ${t.kind} trigger names exactly one place`,
      });
    if (new Set(t.placeNames).size !== t.placeNames.length)
      ctx.addIssue({ code: 'custom', path: ['placeNames'], message: 'a place is named twice' });
    if (t.kind !== 'inside' && t.dwellSeconds !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['dwellSeconds'],
        message: 'only an inside trigger has a dwell time',
      });
  });
export type PlaceTriggerInput = z.input<typeof placeTriggerSchema>;

/** Parses a stored or sent trigger into a {@link PlaceTrigger} (defaults applied). */
export function toPlaceTrigger(parsed: z.output<typeof placeTriggerSchema>): PlaceTrigger {
  return {
    kind: parsed.kind,
    placeNames: [...parsed.placeNames],
    dwellSeconds: parsed.dwellSeconds,
    repeat: parsed.repeat,
  };
}
