// Test fixtures written straight into the database (graphs, live stream points).
import { createGraph, type Database } from '@gencaster/db';
import type { StreamAssignmentPolicy } from '@gencaster/domain';

let counter = 0;

/** Creates a graph with a unique name; returns it. */
export async function createTestGraph(
  database: Database,
  options: { publicVisible?: boolean; policy?: StreamAssignmentPolicy; name?: string } = {},
) {
  counter += 1;
  const name =
    options.name ??
    `graph ${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
  return createGraph(database, {
    name,
    publicVisible: options.publicVisible ?? true,
    streamAssignmentPolicy: options.policy ?? 'one_user_one_stream',
  });
}

/**
 * Inserts `count` live stream points on distinct ports. Their last beacon is stamped a minute
 * ahead, so they stay live for the whole of a slow test (as if they kept beaconing).
 */
export async function insertLivePoints(database: Database, count: number): Promise<string[]> {
  const base = 20_000 + Math.floor(Math.random() * 30_000);
  const rows = await database.db
    .insertInto('streamPoint')
    .values(
      Array.from({ length: count }, (_, index) => ({
        host: '127.0.0.1',
        port: base + index,
        lastLive: new Date(Date.now() + 60_000),
        janusOutRoom: index + 1,
      })),
    )
    .returning('uuid')
    .execute();
  return rows.map((row) => row.uuid);
}
