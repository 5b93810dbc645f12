// Places of a graph (issue 19): editor-only, with the same guard as every graph write.
import {
  createPlace,
  deletePlace,
  getGraph,
  getPlace,
  missingAsUndefined,
  updatePlace,
} from '@gencaster/db';
import { checkPlaceShape } from '@gencaster/domain';
import { requireEditorWrite } from '../auth/guards.ts';
import { builder } from './builder.ts';
import { loadOrThrow } from './load.ts';
import { toPatch } from './patch.ts';
import { PlaceRef, PlaceShapeInput, shapeFromInput } from './types-place.ts';

const PlaceCreateInput = builder.inputType('PlaceCreateInput', {
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Unique per graph: a lower-case letter, then a-z, 0-9 or _ (at most 48).',
    }),
    shape: t.field({ type: PlaceShapeInput, required: true }),
    showToListeners: t.boolean({ description: 'Default false.' }),
  }),
});

const PlaceUpdateInput = builder.inputType('PlaceUpdateInput', {
  fields: (t) => ({
    name: t.string({ description: 'A rename renames the place in door triggers too.' }),
    shape: t.field({ type: PlaceShapeInput }),
    showToListeners: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  createPlace: t.field({
    type: PlaceRef,
    description:
      'New (issue 19): adds a place to a graph. INVALID_INPUT (details.reason: fields, too_few_vertices, too_many_vertices, duplicate_vertex, no_area, self_intersecting, too_large, too_many_places) or CONFLICT (name_taken).',
    args: {
      graphUuid: t.arg({ type: 'UUID', required: true }),
      place: t.arg({ type: PlaceCreateInput, required: true }),
    },
    resolve: async (_root, { graphUuid, place }, ctx) => {
      requireEditorWrite(ctx);
      await loadOrThrow(missingAsUndefined(getGraph(ctx.database, graphUuid)), 'graph', graphUuid);
      const created = await createPlace(ctx.database, {
        graphUuid,
        name: place.name,
        shape: checkPlaceShape(shapeFromInput(place.shape)),
        ...toPatch(place, ['showToListeners']),
      });
      await ctx.runtime.events.graphChanged(graphUuid);
      return created;
    },
  }),
  updatePlace: t.field({
    type: PlaceRef,
    description:
      'New (issue 19): updates the given fields of a place; errors as createPlace, NOT_FOUND when missing.',
    args: {
      placeUuid: t.arg({ type: 'UUID', required: true }),
      place: t.arg({ type: PlaceUpdateInput, required: true }),
    },
    resolve: async (_root, { placeUuid, place }, ctx) => {
      requireEditorWrite(ctx);
      await loadOrThrow(missingAsUndefined(getPlace(ctx.database, placeUuid)), 'place', placeUuid);
      const patch = toPatch(place, ['name', 'shape', 'showToListeners']);
      const updated = await updatePlace(ctx.database, {
        uuid: placeUuid,
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.showToListeners === undefined ? {} : { showToListeners: patch.showToListeners }),
        ...(patch.shape === undefined
          ? {}
          : { shape: checkPlaceShape(shapeFromInput(patch.shape)) }),
      });
      await ctx.runtime.events.graphChanged(updated.graphUuid);
      return updated;
    },
  }),
  deletePlace: t.field({
    type: 'Boolean',
    description:
      'New (issue 19): deletes a place; false if nothing was deleted, CONFLICT (place_in_use, details.doors) while a door trigger names it.',
    args: { placeUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { placeUuid }, ctx) => {
      requireEditorWrite(ctx);
      const place = await missingAsUndefined(getPlace(ctx.database, placeUuid));
      if (place === undefined) return false;
      const deleted = await deletePlace(ctx.database, placeUuid);
      await ctx.runtime.events.graphChanged(place.graphUuid);
      return deleted;
    },
  }),
}));
