import { placeCenter, type LatLon, type Place, type PlaceTrigger } from '@gencaster/domain';
import { builder } from './builder.ts';
import { PlaceShapeKindEnum, PlaceTriggerKindEnum, PlaceTriggerRepeatEnum } from './enums.ts';

/** GraphQL type of a WGS 84 position in degrees. */
export const LatLonRef = builder.objectRef<LatLon>('LatLon');
/** GraphQL type of a place of a graph (issue 19). */
export const PlaceRef = builder.objectRef<Place>('Place');
/** GraphQL type of a door's place trigger (issue 19). */
export const PlaceTriggerRef = builder.objectRef<PlaceTrigger>('PlaceTrigger');

LatLonRef.implement({
  description: 'A WGS 84 position in degrees.',
  fields: (t) => ({
    lat: t.exposeFloat('lat'),
    lon: t.exposeFloat('lon'),
  }),
});

PlaceRef.implement({
  description:
    'New (issue 19): a named circle or polygon of a graph. Door triggers and door code name it; the engine publishes place_<name>_* stream variables for it.',
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    graphUuid: t.expose('graphUuid', { type: 'UUID' }),
    name: t.exposeString('name', {
      description: 'Unique per graph: a lower-case letter, then a-z, 0-9 or _ (at most 48).',
    }),
    kind: t.field({ type: PlaceShapeKindEnum, resolve: (place) => place.shape.kind }),
    center: t.field({
      type: LatLonRef,
      description: "A circle's centre or a polygon's area centroid (what bearings point to).",
      resolve: (place) => placeCenter(place.shape),
    }),
    radius: t.float({
      nullable: true,
      description: 'Radius of a circle in metres; null for a polygon.',
      resolve: (place) => (place.shape.kind === 'circle' ? place.shape.radiusM : null),
    }),
    vertices: t.field({
      type: [LatLonRef],
      description: 'The ring of a polygon (not closed); empty for a circle.',
      resolve: (place) => (place.shape.kind === 'polygon' ? place.shape.vertices : []),
    }),
    showToListeners: t.exposeBoolean('showToListeners'),
  }),
});

PlaceTriggerRef.implement({
  description:
    'New (issue 19): the door opens on a place event. While a listener is at a node with place doors, the walk waits at its exit until one opens (or a non-default code door does).',
  fields: (t) => ({
    kind: t.field({ type: PlaceTriggerKindEnum, resolve: (trigger) => trigger.kind }),
    placeNames: t.exposeStringList('placeNames', {
      description: 'One place; for NEAREST the door place first, then those it competes with.',
    }),
    dwellSeconds: t.exposeFloat('dwellSeconds', { description: 'INSIDE only; else 0.' }),
    repeat: t.field({ type: PlaceTriggerRepeatEnum, resolve: (trigger) => trigger.repeat }),
  }),
});

/** Input of a position. */
export const LatLonInput = builder.inputType('LatLonInput', {
  fields: (t) => ({
    lat: t.float({ required: true }),
    lon: t.float({ required: true }),
  }),
});

/** Input of a place's shape: CIRCLE needs center and radius, POLYGON needs vertices. */
export const PlaceShapeInput = builder.inputType('PlaceShapeInput', {
  description:
    'CIRCLE: center and radius (metres, up to 25 km). POLYGON: 3 to 500 vertices, no self-crossing, non-zero area, at most 50 km wide.',
  fields: (t) => ({
    kind: t.field({ type: PlaceShapeKindEnum, required: true }),
    center: t.field({ type: LatLonInput }),
    radius: t.float(),
    vertices: t.field({ type: [LatLonInput] }),
  }),
});

/** Input of a door's place trigger. */
export const PlaceTriggerInput = builder.inputType('PlaceTriggerInput', {
  fields: (t) => ({
    kind: t.field({ type: PlaceTriggerKindEnum, required: true }),
    placeNames: t.stringList({
      required: true,
      description:
        'Names of places of the graph: one, or for NEAREST 2 to 50 (the door place first).',
    }),
    dwellSeconds: t.float({ description: 'INSIDE only (0 to 86400); default 0.' }),
    repeat: t.field({ type: PlaceTriggerRepeatEnum, description: 'Default EVERY_VISIT.' }),
  }),
});

/** The domain shape input from the GraphQL shape input (the domain checks it). */
export function shapeFromInput(input: {
  kind: 'circle' | 'polygon';
  center?: { lat: number; lon: number } | null;
  radius?: number | null;
  vertices?: readonly { lat: number; lon: number }[] | null;
}): unknown {
  return input.kind === 'circle'
    ? { kind: 'circle', center: input.center ?? undefined, radiusM: input.radius ?? undefined }
    : { kind: 'polygon', vertices: input.vertices ?? undefined };
}

/** The domain trigger input from the GraphQL trigger input (the domain checks it). */
export function triggerFromInput(input: {
  kind: PlaceTrigger['kind'];
  placeNames: readonly string[];
  dwellSeconds?: number | null;
  repeat?: PlaceTrigger['repeat'] | null;
}) {
  return {
    kind: input.kind,
    placeNames: [...input.placeNames],
    dwellSeconds: input.dwellSeconds ?? 0,
    repeat: input.repeat ?? 'every_visit',
  };
}
