// Internal building blocks of the stream repositories (not exported from the package).
import { GencasterError, type Stream } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';

/** Marks an active stream released at `now`. */
export async function markReleased(tx: DbHandle, streamUuid: string, now: Date = new Date()) {
  await tx.db
    .updateTable('stream')
    .set({ active: false, endedDate: now })
    .where('uuid', '=', streamUuid)
    .where('active', '=', true)
    .execute();
}

/** Reads a stream or throws NOT_FOUND. */
export async function readStream(tx: DbHandle, uuid: string): Promise<Stream> {
  const stream = await tx.db
    .selectFrom('stream')
    .selectAll()
    .where('uuid', '=', uuid)
    .executeTakeFirst();
  if (!stream) throw new GencasterError('NOT_FOUND', `stream ${uuid} does not exist`);
  return stream;
}

/** Reads and row-locks a stream (FOR UPDATE) or throws NOT_FOUND. */
export async function lockStream(tx: DbHandle, uuid: string): Promise<Stream> {
  const stream = await tx.db
    .selectFrom('stream')
    .selectAll()
    .where('uuid', '=', uuid)
    .forUpdate()
    .executeTakeFirst();
  if (!stream) throw new GencasterError('NOT_FOUND', `stream ${uuid} does not exist`);
  return stream;
}
