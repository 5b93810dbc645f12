// Places as the browsers draw and measure them — the editor's place map and walker and the
// listener's walk map. The engine decides doors with its own geometry (packages/domain
// place-geometry.ts); this file only shows where a listener is, so a spherical distance to the
// reference point is enough.

import {
  createLocalPlane,
  haversineDistance,
  initialBearing,
  pointInRing,
  type LatLon,
} from '@gencaster/domain';

/** A position in degrees, as the API spells it. */
export type { LatLon };

/** The area of a place, as the API spells it: a circle in metres or a polygon's vertices. */
export type PlaceShapeView =
  { kind: 'circle'; center: LatLon; radiusM: number } | { kind: 'polygon'; vertices: LatLon[] };

// The spherical formulas are the engine's own (pure, no imports), so the two cannot drift.
/** Great-circle distance in metres (haversine). */
export const distanceM: (a: LatLon, b: LatLon) => number = haversineDistance;
/** Initial bearing from `from` to `to`, degrees clockwise from north in [0, 360). */
export const bearingDeg: (from: LatLon, to: LatLon) => number = initialBearing;

/** A shape's reference point: a circle's centre, the mean of a polygon's vertices. */
export function shapeCenter(shape: PlaceShapeView): LatLon {
  if (shape.kind === 'circle') return shape.center;
  const count = Math.max(1, shape.vertices.length);
  let lat = 0;
  let lon = 0;
  for (const vertex of shape.vertices) {
    lat += vertex.lat;
    lon += vertex.lon;
  }
  return { lat: lat / count, lon: lon / count };
}

/**
 * Whether `point` lies in the shape: within a circle's radius, or inside a polygon by the engine's
 * even-odd rule on its local tangent plane around the point.
 */
export function shapeContains(shape: PlaceShapeView, point: LatLon): boolean {
  if (shape.kind === 'circle') return distanceM(shape.center, point) <= shape.radiusM;
  const plane = createLocalPlane(point);
  return pointInRing(
    { x: 0, y: 0 },
    shape.vertices.map((vertex) => plane.project(vertex)),
  );
}

/** Where a listener stands relative to one place. */
export interface PlaceRelation {
  name: string;
  inside: boolean;
  /** Metres to the place's reference point. */
  distanceM: number;
  /** Degrees clockwise from north towards the reference point. */
  bearingDeg: number;
}

/** The relation of `position` to each place, nearest first. */
export function relatePlaces(
  places: readonly { name: string; shape: PlaceShapeView; center?: LatLon }[],
  position: LatLon,
): PlaceRelation[] {
  return places
    .map(({ name, shape, center: given }) => {
      const center = given ?? shapeCenter(shape);
      return {
        name,
        inside: shapeContains(shape, position),
        distanceM: distanceM(position, center),
        bearingDeg: bearingDeg(position, center),
      };
    })
    .sort((a, b) => Number(b.inside) - Number(a.inside) || a.distanceM - b.distanceM);
}

/** Compass names of eight directions, for a bearing shown as text. */
export function compassPoint(bearing: number): string {
  const names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
  return names[Math.round((((bearing % 360) + 360) % 360) / 45) % 8]!;
}

/** A place as the GraphQL API returns it (`Place`: kind, center, radius, vertices). */
export interface ApiPlace {
  name: string;
  kind: 'CIRCLE' | 'POLYGON';
  center: LatLon;
  radius?: number | null;
  vertices: LatLon[];
}

/** The shape of an API place; the API's `center` (a polygon's area centroid) stays with it. */
export function shapeOfPlace(place: ApiPlace): PlaceShapeView {
  return place.kind === 'CIRCLE'
    ? { kind: 'circle', center: place.center, radiusM: place.radius ?? 0 }
    : { kind: 'polygon', vertices: place.vertices };
}

/** The API's input for a shape (`PlaceShapeInput`). */
export function shapeInput(shape: PlaceShapeView): {
  kind: 'CIRCLE' | 'POLYGON';
  center?: LatLon;
  radius?: number;
  vertices?: LatLon[];
} {
  return shape.kind === 'circle'
    ? { kind: 'CIRCLE', center: { ...shape.center }, radius: shape.radiusM }
    : { kind: 'POLYGON', vertices: shape.vertices.map((vertex) => ({ ...vertex })) };
}
