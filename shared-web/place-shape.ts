// Places as the browsers draw and measure them — the editor's place map and walker and the
// listener's walk map (both Vite apps import this file directly, like janus-session.ts). The
// engine decides doors with its own geometry (packages/domain place-geometry.ts); this file only
// shows where a listener is, so a spherical distance to the reference point is enough.

/** A position in degrees, as the API spells it. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** The area of a place, as the API spells it: a circle in metres or a polygon's vertices. */
export type PlaceShapeView =
  { kind: 'circle'; center: LatLon; radiusM: number } | { kind: 'polygon'; vertices: LatLon[] };

const earthRadiusM = 6_371_008.8;
const toRad = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusM * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Initial bearing from `from` to `to`, degrees clockwise from north in [0, 360). */
export function bearingDeg(from: LatLon, to: LatLon): number {
  const f1 = from.lat * toRad;
  const f2 = to.lat * toRad;
  const dl = (to.lon - from.lon) * toRad;
  const y = Math.sin(dl) * Math.cos(f2);
  const x = Math.cos(f1) * Math.sin(f2) - Math.sin(f1) * Math.cos(f2) * Math.cos(dl);
  return (((Math.atan2(y, x) / toRad) % 360) + 360) % 360;
}

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
 * Whether `point` lies in the shape: within a circle's radius, or inside a polygon by the even-odd
 * rule on an equirectangular plane around the point (fine at the size of a walk).
 */
export function shapeContains(shape: PlaceShapeView, point: LatLon): boolean {
  if (shape.kind === 'circle') return distanceM(shape.center, point) <= shape.radiusM;
  const scale = Math.cos(point.lat * toRad);
  let inside = false;
  const ring = shape.vertices;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    const ax = (a.lon - point.lon) * scale;
    const bx = (b.lon - point.lon) * scale;
    const ay = a.lat - point.lat;
    const by = b.lat - point.lat;
    if (ay > 0 !== by > 0 && 0 < ((bx - ax) * (0 - ay)) / (by - ay) + ax) inside = !inside;
  }
  return inside;
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
