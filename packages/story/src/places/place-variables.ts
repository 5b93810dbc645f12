// The stream variables the engine derives from places (issue 19). Their names are documented in
// ARCHITECTURE.md ("Places"); scripts read them from `vars`, SuperCollider gets them as data.
import type { PlaceReading, PlaceWalkState } from './place-tracker.ts';

/** Prefixes of the variables the engine owns; listeners may not write them. */
export const placeVariablePrefixes = ['place_', 'places_'] as const;

/** True for a key the engine derives from places (`place_…` / `places_…`). */
export function isPlaceVariable(key: string): boolean {
  return placeVariablePrefixes.some((prefix) => key.startsWith(prefix));
}

/** Variable names of one place. */
export function placeVariableNames(name: string) {
  return {
    distance: `place_${name}_distance`,
    bearing: `place_${name}_bearing`,
    inside: `place_${name}_inside`,
    dwell: `place_${name}_dwell`,
    visits: `place_${name}_visits`,
  };
}

/** The variable holding the persisted {@link PlaceWalkState} (JSON; not sent to sclang). */
export const placeStateVariable = 'places_state';

/**
 * All derived values of one update as variables: `places_inside` (names, comma-separated, sorted),
 * `places_visited`, `places_nearest` (name or ''), and per place `place_<name>_distance` (whole
 * metres, 0 inside), `_bearing` (whole degrees to its centre), `_inside` (1/0), `_dwell` (whole
 * seconds of the current visit) and `_visits` (count).
 */
export function placeVariables(readings: readonly PlaceReading[]): Record<string, string> {
  const out: Record<string, string> = {};
  const inside: string[] = [];
  const visited: string[] = [];
  let nearest: PlaceReading | undefined;
  for (const r of readings) {
    const names = placeVariableNames(r.name);
    out[names.distance] = String(Math.round(r.distanceM));
    out[names.bearing] = String(Math.round(r.bearingDeg) % 360);
    out[names.inside] = r.inside ? '1' : '0';
    out[names.dwell] = String(Math.floor(r.dwellS));
    out[names.visits] = String(r.visits);
    if (r.inside) inside.push(r.name);
    if (r.visits > 0) visited.push(r.name);
    if (nearest === undefined || r.distanceM < nearest.distanceM) nearest = r;
  }
  out['places_inside'] = inside.sort().join(',');
  out['places_visited'] = visited.sort().join(',');
  out['places_nearest'] = nearest?.name ?? '';
  return out;
}

/**
 * Keeps the values last written and returns, from one update's readings, only what changed enough
 * to write again (the same names and rounding as {@link placeVariables}): distances when they moved
 * by at least max(1 m, 2 %) (a far place need not update every metre), bearings by at least 1° (5°
 * for a place over 1 km away), everything else on any change. Works on numbers, so a fix that
 * changes little costs little.
 */
export function createPlaceVariableDiff() {
  interface Written {
    distance: number;
    bearing: number;
    inside: number;
    dwell: number;
    visits: number;
  }
  const written = new Map<string, Written>();
  let inside: string | undefined;
  let visited: string | undefined;
  let nearest: string | undefined;
  return {
    /** The variables of `readings` to write; records them as written. */
    changes(readings: readonly PlaceReading[]): Record<string, string> {
      const out: Record<string, string> = {};
      const insideNames: string[] = [];
      const visitedNames: string[] = [];
      let nearestReading: PlaceReading | undefined;
      for (const r of readings) {
        let last = written.get(r.name);
        if (last === undefined) {
          last = { distance: NaN, bearing: NaN, inside: NaN, dwell: NaN, visits: NaN };
          written.set(r.name, last);
        }
        const distance = Math.round(r.distanceM);
        const bearing = Math.round(r.bearingDeg) % 360;
        const isInside = r.inside ? 1 : 0;
        const dwell = Math.floor(r.dwellS);
        if (
          Number.isNaN(last.distance) ||
          Math.abs(last.distance - distance) >=
            Math.max(1, 0.02 * Math.min(last.distance, distance))
        ) {
          out[`place_${r.name}_distance`] = String(distance);
          last.distance = distance;
        }
        const turn = Math.abs(last.bearing - bearing) % 360;
        if (Number.isNaN(turn) || Math.min(turn, 360 - turn) >= (distance > 1000 ? 5 : 1)) {
          out[`place_${r.name}_bearing`] = String(bearing);
          last.bearing = bearing;
        }
        if (last.inside !== isInside)
          out[`place_${r.name}_inside`] = String((last.inside = isInside));
        if (last.dwell !== dwell) out[`place_${r.name}_dwell`] = String((last.dwell = dwell));
        if (last.visits !== r.visits)
          out[`place_${r.name}_visits`] = String((last.visits = r.visits));
        if (r.inside) insideNames.push(r.name);
        if (r.visits > 0) visitedNames.push(r.name);
        if (nearestReading === undefined || r.distanceM < nearestReading.distanceM)
          nearestReading = r;
      }
      const nextInside = insideNames.sort().join(',');
      const nextVisited = visitedNames.sort().join(',');
      const nextNearest = nearestReading?.name ?? '';
      if (nextInside !== inside) out['places_inside'] = inside = nextInside;
      if (nextVisited !== visited) out['places_visited'] = visited = nextVisited;
      if (nextNearest !== nearest) out['places_nearest'] = nearest = nextNearest;
      return out;
    },
    /** Forget what was written (after a failed write every value is written again). */
    reset() {
      written.clear();
      inside = visited = nearest = undefined;
    },
  };
}

function record(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v) && key.length <= 64) out[key] = v;
  }
  return out;
}

/**
 * Reads a persisted state; anything malformed (an old or hand-written value) gives an empty state
 * instead of an error, so a bad value can never stop a walk.
 */
export function parsePlaceWalkState(text: string | undefined): PlaceWalkState {
  const empty: PlaceWalkState = {
    version: 1,
    last: null,
    inside: {},
    visits: {},
    lastEnterMs: {},
    lastLeaveMs: {},
    used: {},
  };
  if (text === undefined || text.length > 100_000) return empty;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return empty;
  }
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1)
    return empty;
  const value = raw as Record<string, unknown>;
  const last = value['last'] as Record<string, unknown> | null | undefined;
  const lastOk =
    last &&
    typeof last['lat'] === 'number' &&
    typeof last['lon'] === 'number' &&
    typeof last['atMs'] === 'number' &&
    Math.abs(last['lat']) <= 90 &&
    Math.abs(last['lon']) <= 180 &&
    Number.isFinite(last['atMs']);
  return {
    version: 1,
    last: lastOk
      ? { lat: last['lat'] as number, lon: last['lon'] as number, atMs: last['atMs'] as number }
      : null,
    inside: record(value['inside']),
    visits: record(value['visits']),
    lastEnterMs: record(value['lastEnterMs']),
    lastLeaveMs: record(value['lastLeaveMs']),
    used: record(value['used']),
  };
}

/** Reads a fix from the variables the listener page writes (`latitude`, `longitude`, `accuracy`). */
export function fixFromVariables(
  variables: Readonly<Record<string, string>>,
  atMs: number,
): { lat: number; lon: number; accuracyM?: number; atMs: number } | null {
  const lat = Number(variables['latitude']);
  const lon = Number(variables['longitude']);
  if (variables['latitude'] === undefined || variables['longitude'] === undefined) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    return null;
  const accuracy = variables['accuracy'] === undefined ? NaN : Number(variables['accuracy']);
  return Number.isFinite(accuracy) && accuracy >= 0
    ? { lat, lon, accuracyM: accuracy, atMs }
    : { lat, lon, atMs };
}
