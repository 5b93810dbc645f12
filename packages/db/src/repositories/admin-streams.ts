// Queries of the admin area's streams (packages/api `admin/admin-streams.ts`): paged streams, the
// instructions of a stream's run and the delete of one stream variable.
import type { InstructionState, Stream, StreamInstruction } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { AdminListPage, AdminPageBounds } from './admin-accounts.ts';

/** The stream, or undefined. */
export function findStream(handle: DbHandle, uuid: string): Promise<Stream | undefined> {
  return handle.db.selectFrom('stream').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

/** Filter of {@link listAdminStreams}. */
export interface AdminStreamListFilter {
  active?: boolean | null;
  graphUuid?: string | null;
  streamPointUuid?: string | null;
}

/** Streams matching the filter, newest first. */
export function listAdminStreams(
  handle: DbHandle,
  filter: AdminStreamListFilter,
  page: AdminPageBounds,
): Promise<AdminListPage<Stream>> {
  return withDatabaseErrors(async () => {
    let query = handle.db.selectFrom('stream');
    if (typeof filter.active === 'boolean') query = query.where('active', '=', filter.active);
    if (filter.graphUuid) query = query.where('graphUuid', '=', filter.graphUuid);
    if (filter.streamPointUuid) query = query.where('streamPointUuid', '=', filter.streamPointUuid);
    const [items, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('createdDate', 'desc')
        .orderBy('uuid')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, totalCount: Number(count.n) };
  });
}

/** An instruction as the admin area lists it. */
export type AdminInstructionRow = Pick<
  StreamInstruction,
  | 'uuid'
  | 'createdDate'
  | 'modifiedDate'
  | 'deadlineDate'
  | 'state'
  | 'instructionText'
  | 'returnValue'
>;

/**
 * The instructions of a stream's run, newest first, optionally of one state: instructions belong
 * to a point, so a stream's are those of its point between its start and its end.
 */
export function listStreamRunInstructions(
  handle: DbHandle,
  stream: Pick<Stream, 'streamPointUuid' | 'createdDate' | 'endedDate'>,
  state: InstructionState | undefined,
  page: AdminPageBounds,
): Promise<AdminListPage<AdminInstructionRow>> {
  return withDatabaseErrors(async () => {
    let query = handle.db
      .selectFrom('streamInstruction')
      .where('streamPointUuid', '=', stream.streamPointUuid)
      .where('createdDate', '>=', stream.createdDate);
    if (stream.endedDate !== null) query = query.where('createdDate', '<=', stream.endedDate);
    if (state !== undefined) query = query.where('state', '=', state);
    const [items, count] = await Promise.all([
      query
        .select([
          'uuid',
          'createdDate',
          'modifiedDate',
          'deadlineDate',
          'state',
          'instructionText',
          'returnValue',
        ])
        .orderBy('createdDate', 'desc')
        .orderBy('uuid')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, totalCount: Number(count.n) };
  });
}

/** Deletes one stream variable by uuid; false when it did not exist. */
export async function deleteStreamVariableByUuid(handle: DbHandle, uuid: string): Promise<boolean> {
  const row = await withDatabaseErrors(() =>
    handle.db
      .deleteFrom('streamVariable')
      .where('uuid', '=', uuid)
      .returning(['streamUuid', 'key'])
      .executeTakeFirst(),
  );
  return row !== undefined;
}
