import {
  createGraphSchema,
  GencasterError,
  parseInput,
  slugify,
  updateGraphSchema,
  uuidSchema,
  type CreateGraphInput,
  type Graph,
  type Node,
  type UpdateGraphInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/**
 * Creates a graph; the database adds its entry node "Start" (with default doors) in the same
 * statement. `displayName` defaults to the name, `slugName` to the slugified name. CONFLICT when
 * the name or slug is taken.
 */
export async function createGraph(handle: DbHandle, graph: CreateGraphInput): Promise<Graph> {
  const input = parseInput(createGraphSchema, graph);
  const slugName = input.slugName ?? slugify(input.name);
  if (!slugName) {
    throw new GencasterError('INVALID_INPUT', 'the name gives an empty slug; pass slugName', {
      details: { issues: [{ path: 'slugName', message: 'required' }] },
    });
  }
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('graph')
      .values({ ...input, displayName: input.displayName ?? input.name, slugName })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Writes every given field (absent = keep). CONFLICT on a taken name/slug, NOT_FOUND if missing. */
export async function updateGraph(handle: DbHandle, update: UpdateGraphInput): Promise<Graph> {
  const { uuid, ...fields } = parseInput(updateGraphSchema, update);
  if (Object.keys(fields).length === 0) return getGraph(handle, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db
      .updateTable('graph')
      .set(fields)
      .where('uuid', '=', uuid)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `graph ${uuid} does not exist`);
  return row;
}

/** Deletes a graph with its nodes, doors, cells, edges and streams; false when it did not exist. */
export async function deleteGraph(handle: DbHandle, uuid: string): Promise<boolean> {
  const id = parseInput(uuidSchema, uuid);
  const result = await withDatabaseErrors(() =>
    handle.db.deleteFrom('graph').where('uuid', '=', id).executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/** The graph with this uuid, or NOT_FOUND. */
export async function getGraph(handle: DbHandle, uuid: string): Promise<Graph> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('graph').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `graph ${id} does not exist`);
  return row;
}

/** The graph with this slug, or undefined. */
export async function findGraphBySlug(
  handle: DbHandle,
  slugName: string,
): Promise<Graph | undefined> {
  return withDatabaseErrors(() =>
    handle.db.selectFrom('graph').selectAll().where('slugName', '=', slugName).executeTakeFirst(),
  );
}

/** Filters of {@link listGraphs}; all optional, combined with AND. */
export interface ListGraphsOptions {
  /** Only graphs with `publicVisible` (what anonymous listeners may see). */
  publicOnly?: boolean;
  name?: string;
  slugName?: string;
}

/** Graphs ordered by name. */
export async function listGraphs(
  handle: DbHandle,
  options: ListGraphsOptions = {},
): Promise<Graph[]> {
  return withDatabaseErrors(() => {
    let query = handle.db.selectFrom('graph').selectAll();
    if (options.publicOnly) query = query.where('publicVisible', '=', true);
    if (options.name !== undefined) query = query.where('name', '=', options.name);
    if (options.slugName !== undefined) query = query.where('slugName', '=', options.slugName);
    return query.orderBy('name').execute();
  });
}

/** The entry node of a graph; NOT_FOUND when the graph (or, for legacy data, its entry) is missing. */
export async function getEntryNode(handle: DbHandle, graphUuid: string): Promise<Node> {
  const id = parseInput(uuidSchema, graphUuid);
  const row = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('node')
      .selectAll()
      .where('graphUuid', '=', id)
      .where('isEntryNode', '=', true)
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `graph ${id} has no entry node`);
  return row;
}
