import { liveSince, parseInput, STREAM_POINT_LIVE_WINDOW_MS, uuidSchema } from '@gencaster/domain';
import type { StreamPoint } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { LivenessOptions } from './stream-points.ts';

/** Options of {@link listListenablePoints}: liveness, and optionally one point only. */
export interface ListenablePointsOptions extends LivenessOptions {
  /** Only this point (the Janus gateway re-checking a watch ticket). */
  uuid?: string;
}

/**
 * Live stream points that anyone may listen to without a stream of their own (the live-coding
 * page): beaconing within the window, with an output mountpoint, and holding either no active
 * stream (a free point, where live coders perform) or the shared stream of a ONE_GRAPH_ONE_STREAM
 * graph. A point holding any other active stream — a listener's personal ONE_USER_ONE_STREAM
 * stream, an editor's play session — is private to whoever holds it and never listed. Most
 * recently beaconed first.
 */
export async function listListenablePoints(
  handle: DbHandle,
  options: ListenablePointsOptions = {},
): Promise<StreamPoint[]> {
  const since = liveSince(
    options.now ?? new Date(),
    options.windowMs ?? STREAM_POINT_LIVE_WINDOW_MS,
  );
  const only = options.uuid === undefined ? undefined : parseInput(uuidSchema, options.uuid);
  return withDatabaseErrors(() => {
    let query = handle.db
      .selectFrom('streamPoint as p')
      .selectAll('p')
      .where('p.lastLive', '>', since)
      .where('p.janusOutRoom', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('stream as s')
              .leftJoin('graph as g', 'g.uuid', 's.graphUuid')
              .select('s.uuid')
              .whereRef('s.streamPointUuid', '=', 'p.uuid')
              .where('s.active', '=', true)
              .where((inner) =>
                inner.or([
                  inner('s.shared', '=', false),
                  inner('g.uuid', 'is', null),
                  inner('g.streamAssignmentPolicy', '!=', 'one_graph_one_stream'),
                ]),
              ),
          ),
        ),
      );
    if (only !== undefined) query = query.where('p.uuid', '=', only);
    return query.orderBy('p.lastLive', 'desc').orderBy('p.host').orderBy('p.port').execute();
  });
}
