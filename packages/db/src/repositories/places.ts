import {
  checkPlaceShape,
  createPlaceSchema,
  GencasterError,
  parseInput,
  placeLimits,
  placeTriggerSchema,
  toPlaceTrigger,
  updatePlaceSchema,
  uuidSchema,
  type CreatePlaceInput,
  type Place,
  type PlaceShape,
  type PlaceTrigger,
  type UpdatePlaceInput,
} from '@gencaster/domain';
import type { Selectable } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { PlaceTable } from '../schema.ts';
import { withTransaction } from '../transaction.ts';

/** A stored place row as the domain {@link Place} (the shape JSON parsed and checked again). */
export function placeFromRow(row: Selectable<PlaceTable>): Place {
  let shape: PlaceShape;
  try {
    shape = checkPlaceShape(JSON.parse(row.shape));
  } catch (error) {
    throw new GencasterError('INTERNAL', `place ${row.uuid} has an unreadable shape`, {
      cause: error,
    });
  }
  return {
    uuid: row.uuid,
    createdDate: row.createdDate,
    modifiedDate: row.modifiedDate,
    graphUuid: row.graphUuid,
    name: row.name,
    shape,
    showToListeners: row.showToListeners,
  };
}

/** Parses a door's stored trigger JSON; null for none (or, logged by nobody, unreadable JSON). */
export function placeTriggerFromColumn(value: string | null): PlaceTrigger | null {
  if (value === null) return null;
  try {
    const parsed = placeTriggerSchema.safeParse(JSON.parse(value));
    return parsed.success ? toPlaceTrigger(parsed.data) : null;
  } catch {
    return null;
  }
}

/** The JSON stored for a trigger. */
export function placeTriggerToColumn(trigger: PlaceTrigger | null): string | null {
  return trigger === null ? null : JSON.stringify(trigger);
}

function nameTaken(name: string): GencasterError {
  return new GencasterError('CONFLICT', `a place named "${name}" exists in this graph`, {
    details: { field: 'name', reason: 'name_taken' },
  });
}

/**
 * Adds a place to a graph. INVALID_INPUT for a bad name or shape (see `checkPlaceShape`) or when the
 * graph has {@link placeLimits.perGraph} places; CONFLICT when the name is taken; NOT_FOUND for a
 * missing graph.
 */
export async function createPlace(handle: DbHandle, input: CreatePlaceInput): Promise<Place> {
  // The shape first: its errors carry a reason (self_intersecting, too_large, …).
  const shape = checkPlaceShape((input as { shape?: unknown }).shape);
  const parsed = parseInput(createPlaceSchema, input);
  return withTransaction(handle, async ({ db }) => {
    const graph = await db
      .selectFrom('graph')
      .select('uuid')
      .where('uuid', '=', parsed.graphUuid)
      .forUpdate()
      .executeTakeFirst();
    if (!graph) throw new GencasterError('NOT_FOUND', `graph ${parsed.graphUuid} does not exist`);
    const rows = await db
      .selectFrom('place')
      .select('name')
      .where('graphUuid', '=', parsed.graphUuid)
      .execute();
    if (rows.some((row) => row.name === parsed.name)) throw nameTaken(parsed.name);
    if (rows.length >= placeLimits.perGraph)
      throw new GencasterError(
        'INVALID_INPUT',
        `a graph has at most ${placeLimits.perGraph} places`,
        { details: { reason: 'too_many_places', max: placeLimits.perGraph } },
      );
    const row = await db
      .insertInto('place')
      .values({
        graphUuid: parsed.graphUuid,
        name: parsed.name,
        shape: JSON.stringify(shape),
        showToListeners: parsed.showToListeners,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return placeFromRow(row);
  }).catch((error: unknown) => {
    throw mapPlaceError(error, parsed.name);
  });
}

function mapPlaceError(error: unknown, name: string | undefined): unknown {
  if (error instanceof GencasterError && error.code === 'CONFLICT' && name !== undefined) {
    const constraint = (error.details ?? {})['constraint'];
    if (constraint === 'place_name_unique') return nameTaken(name);
  }
  return error;
}

/**
 * Writes the given fields of a place. A rename also renames the place in every door trigger of
 * its graph, in the same transaction. NOT_FOUND when missing; CONFLICT when the new name is taken.
 */
export async function updatePlace(handle: DbHandle, input: UpdatePlaceInput): Promise<Place> {
  const raw = (input as { shape?: unknown }).shape;
  const checked = raw === undefined ? undefined : checkPlaceShape(raw);
  const { uuid, name, showToListeners } = parseInput(updatePlaceSchema, input);
  return withTransaction(handle, async (tx) => {
    const existing = await getPlace(tx, uuid);
    const fields: { name?: string; shape?: string; showToListeners?: boolean } = {};
    if (name !== undefined) fields.name = name;
    if (checked !== undefined) fields.shape = JSON.stringify(checked);
    if (showToListeners !== undefined) fields.showToListeners = showToListeners;
    if (Object.keys(fields).length === 0) return existing;
    const row = await tx.db
      .updateTable('place')
      .set(fields)
      .where('uuid', '=', uuid)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (name !== undefined && name !== existing.name) {
      await renameInTriggers(tx, existing.graphUuid, existing.name, name);
    }
    return placeFromRow(row);
  }).catch((error: unknown) => {
    throw mapPlaceError(error, name);
  });
}

async function doorsWithTriggers(handle: DbHandle, graphUuid: string) {
  return handle.db
    .selectFrom('nodeDoor as d')
    .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
    .select(['d.uuid', 'd.name', 'd.placeTrigger'])
    .where('n.graphUuid', '=', graphUuid)
    .where('d.placeTrigger', 'is not', null)
    .execute();
}

async function renameInTriggers(handle: DbHandle, graphUuid: string, from: string, to: string) {
  for (const door of await doorsWithTriggers(handle, graphUuid)) {
    const trigger = placeTriggerFromColumn(door.placeTrigger);
    if (!trigger?.placeNames.includes(from)) continue;
    const renamed = {
      ...trigger,
      placeNames: trigger.placeNames.map((n) => (n === from ? to : n)),
    };
    await handle.db
      .updateTable('nodeDoor')
      .set({ placeTrigger: placeTriggerToColumn(renamed) })
      .where('uuid', '=', door.uuid)
      .execute();
  }
}

/**
 * Deletes a place. False when it does not exist; CONFLICT (with `details.doors`, the door names)
 * while a door trigger names it — remove or change those triggers first.
 */
export async function deletePlace(handle: DbHandle, uuid: string): Promise<boolean> {
  const id = parseInput(uuidSchema, uuid);
  return withTransaction(handle, async (tx) => {
    const row = await tx.db
      .selectFrom('place')
      .selectAll()
      .where('uuid', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return false;
    const users = (await doorsWithTriggers(tx, row.graphUuid)).filter((door) =>
      placeTriggerFromColumn(door.placeTrigger)?.placeNames.includes(row.name),
    );
    if (users.length > 0)
      throw new GencasterError(
        'CONFLICT',
        `place "${row.name}" is used by the trigger of door(s) ${users.map((d) => `"${d.name}"`).join(', ')}`,
        { details: { reason: 'place_in_use', doors: users.map((d) => d.uuid) } },
      );
    const result = await tx.db.deleteFrom('place').where('uuid', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

/** The place with this uuid, or NOT_FOUND. */
export async function getPlace(handle: DbHandle, uuid: string): Promise<Place> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('place').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `place ${id} does not exist`);
  return placeFromRow(row);
}

/** Places of a graph by name. */
export async function listPlaces(handle: DbHandle, graphUuid: string): Promise<Place[]> {
  const id = parseInput(uuidSchema, graphUuid);
  const rows = await withDatabaseErrors(() =>
    handle.db.selectFrom('place').selectAll().where('graphUuid', '=', id).orderBy('name').execute(),
  );
  return rows.map(placeFromRow);
}

/**
 * Refuses a trigger naming a place its graph does not have (INVALID_INPUT with `details.missing`).
 * `nodeUuid` is the door's node.
 */
export async function checkTriggerPlaces(
  handle: DbHandle,
  nodeUuid: string,
  trigger: PlaceTrigger | null,
): Promise<void> {
  if (trigger === null) return;
  const rows = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('place as p')
      .innerJoin('node as n', 'n.graphUuid', 'p.graphUuid')
      .select('p.name')
      .where('n.uuid', '=', nodeUuid)
      .where('p.name', 'in', trigger.placeNames)
      .execute(),
  );
  const known = new Set(rows.map((row) => row.name));
  const missing = trigger.placeNames.filter((name) => !known.has(name));
  if (missing.length > 0)
    throw new GencasterError(
      'INVALID_INPUT',
      `the graph has no place named ${missing.map((n) => `"${n}"`).join(', ')}`,
      { details: { field: 'placeTrigger.placeNames', reason: 'unknown_place', missing } },
    );
}
