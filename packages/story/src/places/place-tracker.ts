// The place logic of one listener (issue 19), pure: positions in, place state and events out.
// Time comes in with each fix, so a walk is reproducible in tests.
import {
  createLocalPlane,
  distanceToRing,
  haversineDistance,
  initialBearing,
  placeCenter,
  pointInRing,
  type LatLon,
  type PlaceShape,
} from '@gencaster/domain';

/** A place as the tracker needs it. */
export interface TrackedPlace {
  name: string;
  shape: PlaceShape;
}

/** One position fix of a listener. `accuracyM` absent means "as good as it gets" (a desk walker). */
export interface PlaceFix {
  lat: number;
  lon: number;
  accuracyM?: number;
  /** When the fix arrived (ms, the engine's clock). */
  atMs: number;
}

/** Thresholds of the tracker; all optional. */
export interface PlaceTrackerOptions {
  /** A fix less accurate than this (metres) is not taken as a crossing (default 50). */
  maxAccuracyM?: number;
  /** An inside listener leaves only when this far outside (default 5 m, at most 1/4 of the place). */
  hysteresisM?: number;
  /** A move farther than this (metres) is a new fix, not a walk (default 5000). */
  jumpDistanceM?: number;
  /** A move faster than this (m/s) over more than `jumpMinDistanceM` is a new fix (default 50). */
  jumpSpeedMps?: number;
  /** Moves shorter than this are never jumps, however fast (fix timing jitter; default 200 m). */
  jumpMinDistanceM?: number;
}

/**
 * The persisted part of a listener's place state: survives a reconnect (it is stored in the
 * `places_state` stream variable). Times are ms of the engine's clock.
 */
export interface PlaceWalkState {
  version: 1;
  /** The last fix taken as a position (accurate), for jump detection. */
  last: { lat: number; lon: number; atMs: number } | null;
  /** Places the listener is in, with the time they entered. */
  inside: Record<string, number>;
  /** Visits per place (entries, including the place a walk starts or lands in). */
  visits: Record<string, number>;
  lastEnterMs: Record<string, number>;
  lastLeaveMs: Record<string, number>;
  /** Door uuid → the visit number its trigger used (ONCE doors: any value). */
  used: Record<string, number>;
}

/** Derived values of one place after a fix. */
export interface PlaceReading {
  name: string;
  /** Metres to the place: 0 inside, else to its edge. */
  distanceM: number;
  /** Degrees from north to the place's centre. */
  bearingDeg: number;
  inside: boolean;
  /** Seconds inside the current visit; 0 outside. */
  dwellS: number;
  visits: number;
}

/** How a fix was taken. */
export type FixKind = 'first' | 'walk' | 'jump' | 'inaccurate';

/** Result of {@link PlaceTracker.update}. */
export interface PlaceUpdate {
  kind: FixKind;
  readings: PlaceReading[];
  /** Places entered by walking (also on the first fix); never on a jump or an inaccurate fix. */
  entered: string[];
  left: string[];
}

/** The place logic of one listener; see {@link createPlaceTracker}. */
export interface PlaceTracker {
  readonly places: readonly TrackedPlace[];
  update(fix: PlaceFix): PlaceUpdate;
  /** The readings of the last update, dwell brought to `nowMs`; empty before any fix. */
  readings(nowMs: number): PlaceReading[];
  /** The state to persist (a copy). */
  state(): PlaceWalkState;
  /** Mutable access for the trigger logic (marks used doors). */
  readonly live: PlaceWalkState;
}

/** An empty {@link PlaceWalkState}. */
export function emptyPlaceWalkState(): PlaceWalkState {
  return {
    version: 1,
    last: null,
    inside: {},
    visits: {},
    lastEnterMs: {},
    lastLeaveMs: {},
    used: {},
  };
}

interface Compiled {
  name: string;
  center: LatLon;
  /** Signed distance: negative inside (depth), positive outside. */
  signed(point: LatLon): number;
  hysteresisM: number;
}

function compile(place: TrackedPlace, hysteresisM: number): Compiled {
  const center = placeCenter(place.shape);
  if (place.shape.kind === 'circle') {
    const { radiusM } = place.shape;
    return {
      name: place.name,
      center,
      signed: (p) => haversineDistance(p, center) - radiusM,
      hysteresisM: Math.min(hysteresisM, radiusM / 4),
    };
  }
  const plane = createLocalPlane(center);
  const ring = place.shape.vertices.map((v) => plane.project(v));
  let reach = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    reach = Math.max(reach, Math.hypot(p.x, p.y));
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  // Beyond this the distance to the centre less the reach is within a few % of the true one.
  const far = Math.max(4 * reach, reach + 500);
  return {
    name: place.name,
    center,
    signed(point) {
      // Far away (and where the tangent plane distorts) the distance to the centre less the
      // reach is close enough, and skips the projection and the edge loop.
      const toCenter = haversineDistance(point, center);
      if (toCenter > far) return toCenter - reach;
      const xy = plane.project(point);
      const outsideBox = xy.x < minX || xy.x > maxX || xy.y < minY || xy.y > maxY;
      const edge = distanceToRing(xy, ring);
      return !outsideBox && pointInRing(xy, ring) ? -edge : edge;
    },
    hysteresisM: Math.min(hysteresisM, Math.min(maxX - minX, maxY - minY) / 4),
  };
}

/**
 * Creates the place logic of one listener over the places of a graph.
 *
 * - A listener **enters** a place when a fix is inside it, and **leaves** only when a fix is more
 *   than the hysteresis margin outside, so GPS noise at an edge does not toggle.
 * - A fix whose accuracy is worse than `maxAccuracyM` updates distances and bearings but never
 *   flips inside/outside, and is not remembered for jump detection.
 * - A **jump** (farther than `jumpDistanceM`, or faster than `jumpSpeedMps`) is a new fix: the
 *   places the listener is in are recomputed (a place landed in counts as a visit) without enter
 *   or leave events for the places in between.
 * - The **first** fix of a walk enters the places it is in, with events (a walk may start at one).
 *
 * @example
 * const tracker = createPlaceTracker(places, emptyPlaceWalkState());
 * const { entered } = tracker.update({ lat: 52.5, lon: 13.4, accuracyM: 8, atMs: clock.now() });
 */
export function createPlaceTracker(
  places: readonly TrackedPlace[],
  initial: PlaceWalkState,
  options: PlaceTrackerOptions = {},
): PlaceTracker {
  const maxAccuracyM = options.maxAccuracyM ?? 50;
  const jumpDistanceM = options.jumpDistanceM ?? 5000;
  const jumpSpeedMps = options.jumpSpeedMps ?? 50;
  const jumpMinDistanceM = options.jumpMinDistanceM ?? 200;
  const compiled = places.map((p) => compile(p, options.hysteresisM ?? 5));
  const state: PlaceWalkState = structuredClone(initial);
  // Places that no longer exist are forgotten as current places (their visit counts stay).
  const known = new Set(places.map((p) => p.name));
  for (const name of Object.keys(state.inside)) if (!known.has(name)) delete state.inside[name];
  let lastPosition: LatLon | null = state.last
    ? { lat: state.last.lat, lon: state.last.lon }
    : null;
  let lastDistances: number[] = lastPosition
    ? compiled.map((place) => Math.max(0, place.signed(lastPosition ?? { lat: 0, lon: 0 })))
    : [];

  const readingsAt = (nowMs: number): PlaceReading[] => {
    if (lastPosition === null) return [];
    const at = lastPosition;
    return compiled.map((place, index) => {
      const since = state.inside[place.name];
      return {
        name: place.name,
        distanceM: lastDistances[index] ?? 0,
        bearingDeg: initialBearing(at, place.center),
        inside: since !== undefined,
        dwellS: since === undefined ? 0 : Math.max(0, (nowMs - since) / 1000),
        visits: state.visits[place.name] ?? 0,
      };
    });
  };

  const enter = (name: string, atMs: number, withEvent: boolean) => {
    state.inside[name] = atMs;
    state.visits[name] = (state.visits[name] ?? 0) + 1;
    if (withEvent) state.lastEnterMs[name] = atMs;
  };
  const leave = (name: string, atMs: number, withEvent: boolean) => {
    delete state.inside[name];
    if (withEvent) state.lastLeaveMs[name] = atMs;
  };

  return {
    places,
    live: state,
    state: () => structuredClone(state),
    readings: readingsAt,
    update(fix) {
      const point = { lat: fix.lat, lon: fix.lon };
      const signed = compiled.map((place) => place.signed(point));
      lastDistances = signed.map((d) => Math.max(0, d));
      lastPosition = point;
      const accurate = fix.accuracyM === undefined || fix.accuracyM <= maxAccuracyM;
      let kind: FixKind;
      if (!accurate) kind = 'inaccurate';
      else if (state.last === null) kind = 'first';
      else {
        const moved = haversineDistance(state.last, point);
        const seconds = (fix.atMs - state.last.atMs) / 1000;
        const tooFast =
          moved > jumpMinDistanceM && (seconds <= 0 || moved / seconds > jumpSpeedMps);
        kind = moved > jumpDistanceM || tooFast ? 'jump' : 'walk';
      }
      const entered: string[] = [];
      const left: string[] = [];
      if (kind !== 'inaccurate') {
        const events = kind !== 'jump';
        for (const [index, place] of compiled.entries()) {
          const d = signed[index] ?? Infinity;
          const isInside = state.inside[place.name] !== undefined;
          if (kind === 'jump') {
            if (isInside && d > 0) leave(place.name, fix.atMs, false);
            if (!isInside && d <= 0) enter(place.name, fix.atMs, false);
          } else if (isInside && d > place.hysteresisM) {
            leave(place.name, fix.atMs, events);
            left.push(place.name);
          } else if (!isInside && d <= 0) {
            enter(place.name, fix.atMs, events);
            entered.push(place.name);
          }
        }
        state.last = { lat: fix.lat, lon: fix.lon, atMs: fix.atMs };
      }
      return { kind, readings: readingsAt(fix.atMs), entered, left };
    },
  };
}
