import type { Database } from '@gencaster/db';
import { sql } from 'kysely';
import type { LoadRecorder } from './load-recorder.ts';

/** Samples in which a database invariant was broken; every count must stay 0. */
export interface InvariantFigures {
  samples: number;
  /** Samples in which some point had two active streams. */
  pointsWithTwoActiveStreams: number;
  /** Samples in which some listener id was counted on two streams. */
  listenersOnTwoStreams: number;
  /** Samples in which some stream's num_listeners differed from its stream_listener rows. */
  countMismatches: number;
}

/** Invariant figures before the first sample. */
export function noInvariantSamples(): InvariantFigures {
  return {
    samples: 0,
    pointsWithTwoActiveStreams: 0,
    listenersOnTwoStreams: 0,
    countMismatches: 0,
  };
}

/** Checks the database invariants once and counts the broken ones into `figures`. */
export async function sampleInvariants(database: Database, figures: InvariantFigures) {
  const { rows } = await sql<{ doubles: number; multi: number; mismatches: number }>`
    select
      (select count(*) from (select stream_point_uuid from stream where active
         group by stream_point_uuid having count(*) > 1) d)::int as doubles,
      (select count(*) from (select listener_id from stream_listener
         group by listener_id having count(*) > 1) m)::int as multi,
      (select count(*) from stream s where s.num_listeners <>
         (select count(*) from stream_listener l where l.stream_uuid = s.uuid))::int as mismatches`.execute(
    database.db,
  );
  const found = rows[0]!;
  figures.samples++;
  if (found.doubles > 0) figures.pointsWithTwoActiveStreams++;
  if (found.multi > 0) figures.listenersOnTwoStreams++;
  if (found.mismatches > 0) figures.countMismatches++;
}

/** Acknowledged variable writes of a run that the database does not hold with their value. */
export async function lostWriteCount(
  database: Database,
  writes: ReturnType<LoadRecorder['writes']>,
): Promise<number> {
  const stored = new Map<string, string>();
  for (let i = 0; i < writes.length; i += 2000) {
    const rows = await database.db
      .selectFrom('streamVariable')
      .select(['streamUuid', 'key', 'value'])
      .where(
        'key',
        'in',
        writes.slice(i, i + 2000).map((write) => write.key),
      )
      .execute();
    for (const row of rows) stored.set(`${row.streamUuid}/${row.key}`, row.value);
  }
  return writes.filter((write) => stored.get(`${write.streamUuid}/${write.key}`) !== write.value)
    .length;
}
