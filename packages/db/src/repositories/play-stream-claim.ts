import { GencasterError, type Stream } from '@gencaster/domain';
import { sql } from 'kysely';
import type { Database } from '../database.ts';
import { withTransaction } from '../transaction.ts';
import { freeStreamPoints } from './stream-points.ts';
import { joinStream } from './streams.ts';

/** Input of {@link claimPlayStream}. */
export interface ClaimPlayStreamInput {
  graphUuid: string;
  /** Counted as the stream's one listener (the editor's play session). */
  listenerId: string;
  /** A point is free when its last beacon is within this window. */
  windowMs: number;
}

/**
 * Claims a new exclusive stream of the graph on a free live stream point for an editor's play
 * session, whatever the graph's assignment policy (an editor never joins a listener's shared
 * stream, and a deactivated graph can still be tried out). Race-free like `assignStream`: the
 * partial unique index allows one active stream per point, a lost race tries the next point.
 * Throws NO_STREAM_AVAILABLE when no point is free.
 */
export async function claimPlayStream(
  database: Database,
  input: ClaimPlayStreamInput,
): Promise<Stream> {
  return withTransaction(database, async (tx) => {
    const candidates = await freeStreamPoints(tx, { windowMs: input.windowMs });
    for (const point of candidates) {
      const row = await tx.db
        .insertInto('stream')
        .values({ streamPointUuid: point.uuid, graphUuid: input.graphUuid, shared: false })
        .onConflict((oc) =>
          oc
            .column('streamPointUuid')
            .where(sql<boolean>`active`)
            .doNothing(),
        )
        .returning('uuid')
        .executeTakeFirst();
      if (!row) continue;
      return (await joinStream(tx, { streamUuid: row.uuid, listenerId: input.listenerId })).stream;
    }
    throw new GencasterError('NO_STREAM_AVAILABLE', 'no stream point is free', {
      details: { reason: 'no_free_point', candidates: candidates.length },
    });
  });
}
