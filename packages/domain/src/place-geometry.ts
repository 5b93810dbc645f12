// Geometry of places on the Earth, pure and allocation-light: the engine evaluates it for every
// listener fix against every place of a graph.
//
// Shapes are evaluated on a local tangent-plane projection around each place's reference point
// (an orthographic projection: unit vectors dotted with the point's east and north axes). Within
// the 50 km a place may span it differs from the sphere by less than 1e-5, and unlike an
// equirectangular projection it has no seam at the antimeridian and no singularity at the poles.

/** A WGS 84 position in degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** The sphere radius used for all distances (IUGG mean Earth radius), metres. */
export const earthRadiusM = 6_371_008.8;

const toRad = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function haversineDistance(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusM * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Initial great-circle bearing from `from` to `to`, degrees clockwise from north in [0, 360). */
export function initialBearing(from: LatLon, to: LatLon): number {
  const f1 = from.lat * toRad;
  const f2 = to.lat * toRad;
  const dl = (to.lon - from.lon) * toRad;
  const y = Math.sin(dl) * Math.cos(f2);
  const x = Math.cos(f1) * Math.sin(f2) - Math.sin(f1) * Math.cos(f2) * Math.cos(dl);
  const deg = Math.atan2(y, x) / toRad;
  const wrapped = (deg + 360) % 360;
  return wrapped === 360 ? 0 : wrapped;
}

/**
 * A local tangent plane at `origin`: `project` maps a position to metres east (x) and north (y),
 * `unproject` maps back. Points on the far hemisphere project onto the plane's rim; callers only
 * project points within a few hundred kilometres.
 */
export interface LocalPlane {
  project(point: LatLon): { x: number; y: number };
  unproject(xy: { x: number; y: number }): LatLon;
}

/** Builds the {@link LocalPlane} at `origin`. */
export function createLocalPlane(origin: LatLon): LocalPlane {
  const f0 = origin.lat * toRad;
  const l0 = origin.lon * toRad;
  const sf0 = Math.sin(f0);
  const cf0 = Math.cos(f0);
  const sl0 = Math.sin(l0);
  const cl0 = Math.cos(l0);
  // origin unit vector u, east e, north n
  const u = [cf0 * cl0, cf0 * sl0, sf0] as const;
  const e = [-sl0, cl0, 0] as const;
  const n = [-sf0 * cl0, -sf0 * sl0, cf0] as const;
  return {
    project(point) {
      const f = point.lat * toRad;
      const l = point.lon * toRad;
      const cf = Math.cos(f);
      const px = cf * Math.cos(l);
      const py = cf * Math.sin(l);
      const pz = Math.sin(f);
      return {
        x: earthRadiusM * (px * e[0] + py * e[1] + pz * e[2]),
        y: earthRadiusM * (px * n[0] + py * n[1] + pz * n[2]),
      };
    },
    unproject({ x, y }) {
      const a = x / earthRadiusM;
      const b = y / earthRadiusM;
      const c = Math.sqrt(Math.max(0, 1 - a * a - b * b));
      const px = c * u[0] + a * e[0] + b * n[0];
      const py = c * u[1] + a * e[1] + b * n[1];
      const pz = c * u[2] + a * e[2] + b * n[2];
      return {
        lat: Math.asin(Math.max(-1, Math.min(1, pz))) / toRad,
        lon: Math.atan2(py, px) / toRad,
      };
    },
  };
}

/** Signed area (m², counter-clockwise positive) of a ring of projected points (shoelace). */
export function ringArea(ring: readonly { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (!a || !b) continue;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

/** Area centroid of a projected ring (falls back to the vertex mean for a degenerate ring). */
export function ringCentroid(ring: readonly { x: number; y: number }[]): { x: number; y: number } {
  let cx = 0;
  let cy = 0;
  let twiceArea = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (!a || !b) continue;
    const cross = a.x * b.y - b.x * a.y;
    twiceArea += cross;
    cx += (a.x + b.x) * cross;
    cy += (a.y + b.y) * cross;
  }
  if (Math.abs(twiceArea) < 1e-9) {
    const n = Math.max(1, ring.length);
    return {
      x: ring.reduce((s, p) => s + p.x, 0) / n,
      y: ring.reduce((s, p) => s + p.y, 0) / n,
    };
  }
  return { x: cx / (3 * twiceArea), y: cy / (3 * twiceArea) };
}

/** Even-odd point-in-polygon test on projected coordinates. */
export function pointInRing(
  point: { x: number; y: number },
  ring: readonly { x: number; y: number }[],
): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (!a || !b) continue;
    if (a.y > point.y !== b.y > point.y) {
      const xCross = ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x;
      if (point.x < xCross) inside = !inside;
    }
  }
  return inside;
}

/** Distance (projected metres) from a point to the segment a–b. */
export function distanceToSegment(
  p: { x: number; y: number },
  a: { x: number; y: number },
  b: { x: number; y: number },
): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Distance (projected metres) from a point to the nearest edge of a ring. */
export function distanceToRing(
  p: { x: number; y: number },
  ring: readonly { x: number; y: number }[],
): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (!a || !b) continue;
    const d = distanceToSegment(p, a, b);
    if (d < best) best = d;
  }
  return best;
}

function orientation(
  a: { x: number; y: number },
  b: { x: number; y: number },
  c: { x: number; y: number },
): number {
  const v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return Math.abs(v) < 1e-9 ? 0 : v > 0 ? 1 : -1;
}

function onSegment(
  a: { x: number; y: number },
  b: { x: number; y: number },
  p: { x: number; y: number },
) {
  return (
    Math.min(a.x, b.x) - 1e-9 <= p.x &&
    p.x <= Math.max(a.x, b.x) + 1e-9 &&
    Math.min(a.y, b.y) - 1e-9 <= p.y &&
    p.y <= Math.max(a.y, b.y) + 1e-9
  );
}

/** True when the segments p1–p2 and q1–q2 touch or cross (collinear overlaps included). */
export function segmentsIntersect(
  p1: { x: number; y: number },
  p2: { x: number; y: number },
  q1: { x: number; y: number },
  q2: { x: number; y: number },
): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(p1, p2, q1)) return true;
  if (o2 === 0 && onSegment(p1, p2, q2)) return true;
  if (o3 === 0 && onSegment(q1, q2, p1)) return true;
  if (o4 === 0 && onSegment(q1, q2, p2)) return true;
  return false;
}

/**
 * The first pair of non-adjacent edges of a closed ring that touch or cross, as edge indices
 * (edge i runs from vertex i to vertex i+1), or null for a simple ring. O(n²): rings are capped.
 */
export function findSelfIntersection(
  ring: readonly { x: number; y: number }[],
): [number, number] | null {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a1 = ring[i];
    const a2 = ring[(i + 1) % n];
    if (!a1 || !a2) continue;
    for (let j = i + 1; j < n; j++) {
      // adjacent edges share a vertex by construction
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      const b1 = ring[j];
      const b2 = ring[(j + 1) % n];
      if (!b1 || !b2) continue;
      if (segmentsIntersect(a1, a2, b1, b2)) return [i, j];
    }
  }
  return null;
}
