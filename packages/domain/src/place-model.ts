import type { PlaceTriggerKind, PlaceTriggerRepeat } from './enums.ts';
import type { LatLon } from './place-geometry.ts';
import type { Timestamped } from './stream-model.ts';

/** A circle: centre and radius in metres. */
export interface CircleShape {
  kind: 'circle';
  center: LatLon;
  radiusM: number;
}

/** A simple polygon: one ring of vertices (not closed: the last vertex joins the first). */
export interface PolygonShape {
  kind: 'polygon';
  vertices: LatLon[];
}

/** The area of a place. */
export type PlaceShape = CircleShape | PolygonShape;

/**
 * A named area of a graph (new: issue 19). Doors and door code refer to it by `name`, which is
 * unique per graph and made of lower-case letters, digits and `_` (see {@link placeNamePattern}),
 * so it can be part of a stream variable name (`place_<name>_distance`).
 */
export interface Place extends Timestamped {
  graphUuid: string;
  name: string;
  shape: PlaceShape;
  /** Shown on the listener page when the graph's `showPlacesToListeners` is set. */
  showToListeners: boolean;
}

/**
 * What makes a door with a place trigger open: `enter` the place, be `inside` it for
 * `dwellSeconds`, `leave` it, or be `nearest` to the first of `placeNames` among all of them.
 * `once` opens the door for a listener one time; `every_visit` once per visit of the place.
 */
export interface PlaceTrigger {
  kind: PlaceTriggerKind;
  /** One name, except `nearest`: the door's place first, then the places it competes with. */
  placeNames: string[];
  dwellSeconds: number;
  repeat: PlaceTriggerRepeat;
}
