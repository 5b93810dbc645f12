import {
  parseInput,
  streamLogFilterSchema,
  streamLogSchema,
  type StreamLog,
  type StreamLogFilter,
  type StreamLogInput,
} from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/**
 * Appends a log line. When only the stream is given, its stream point is filled in (as the
 * original did). NOT_FOUND when a referenced stream or point does not exist.
 */
export async function appendStreamLog(handle: DbHandle, log: StreamLogInput): Promise<StreamLog> {
  const input = parseInput(streamLogSchema, log);
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('streamLog')
      .values({
        ...input,
        streamPointUuid:
          input.streamPointUuid === null && input.streamUuid !== null
            ? sql<
                string | null
              >`(select stream_point_uuid from stream where uuid = ${input.streamUuid})`
            : input.streamPointUuid,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/**
 * The newest `limit` log lines matching the filter (both ids must match when both are given),
 * returned oldest first so they can be replayed in order.
 */
export async function listStreamLogs(
  handle: DbHandle,
  filter: StreamLogFilter = {},
): Promise<StreamLog[]> {
  const input = parseInput(streamLogFilterSchema, filter);
  const rows = await withDatabaseErrors(() => {
    let query = handle.db.selectFrom('streamLog').selectAll();
    if (input.streamUuid) query = query.where('streamUuid', '=', input.streamUuid);
    if (input.streamPointUuid) query = query.where('streamPointUuid', '=', input.streamPointUuid);
    return query
      .orderBy('createdDate', 'desc')
      .orderBy('uuid', 'desc')
      .limit(input.limit)
      .execute();
  });
  return rows.reverse();
}

/** The log line with this uuid, or undefined. */
export function findStreamLog(handle: DbHandle, uuid: string): Promise<StreamLog | undefined> {
  return handle.db.selectFrom('streamLog').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}
