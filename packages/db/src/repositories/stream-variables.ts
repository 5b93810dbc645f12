import {
  parseInput,
  streamVariableSchema,
  uuidSchema,
  GencasterError,
  type StreamVariable,
  type StreamVariableInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';

/** Creates or overwrites the variable (stream, key); NOT_FOUND for an unknown stream. */
export async function upsertStreamVariable(
  handle: DbHandle,
  variable: StreamVariableInput,
): Promise<StreamVariable> {
  const input = parseInput(streamVariableSchema, variable);
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('streamVariable')
      .values(input)
      .onConflict((oc) =>
        oc
          .columns(['streamUuid', 'key'])
          .doUpdateSet({ value: input.value, streamToSc: input.streamToSc }),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Upserts several variables in one transaction (all or nothing), in the given order. */
export async function upsertStreamVariables(
  handle: DbHandle,
  variables: readonly StreamVariableInput[],
): Promise<StreamVariable[]> {
  const inputs = variables.map((v) => parseInput(streamVariableSchema, v));
  return withTransaction(handle, async (tx) => {
    const result: StreamVariable[] = [];
    for (const input of inputs) result.push(await upsertStreamVariable(tx, input));
    return result;
  });
}

/** All variables of a stream, by key. */
export async function listStreamVariables(
  handle: DbHandle,
  streamUuid: string,
): Promise<StreamVariable[]> {
  const id = parseInput(uuidSchema, streamUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamVariable')
      .selectAll()
      .where('streamUuid', '=', id)
      .orderBy('key')
      .execute(),
  );
}

/** The variable with this uuid, or NOT_FOUND. */
export async function getStreamVariable(handle: DbHandle, uuid: string): Promise<StreamVariable> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('streamVariable').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `stream variable ${id} does not exist`);
  return row;
}

/** The variable `key` of a stream, or undefined. */
export async function findStreamVariable(
  handle: DbHandle,
  streamUuid: string,
  key: string,
): Promise<StreamVariable | undefined> {
  const id = parseInput(uuidSchema, streamUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamVariable')
      .selectAll()
      .where('streamUuid', '=', id)
      .where('key', '=', key)
      .executeTakeFirst(),
  );
}

/** Deletes the variable `key` of a stream; false when it did not exist. */
export async function deleteStreamVariable(
  handle: DbHandle,
  streamUuid: string,
  key: string,
): Promise<boolean> {
  const id = parseInput(uuidSchema, streamUuid);
  const result = await withDatabaseErrors(() =>
    handle.db
      .deleteFrom('streamVariable')
      .where('streamUuid', '=', id)
      .where('key', '=', key)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/** The keys of a stream's variables (no values), in no particular order. */
export async function listStreamVariableKeys(
  handle: DbHandle,
  streamUuid: string,
): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('streamVariable')
    .select('key')
    .where('streamUuid', '=', streamUuid)
    .execute();
  return rows.map((row) => row.key);
}
