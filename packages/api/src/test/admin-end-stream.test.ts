// An admin ends a stream a listener is in: the listener's streamInfo gets GraphDeadEnd and
// completes, its walk stops (no instruction after the end), the stream is ended in the database
// with no listener rows left, and its point is free for the next listener.
import { createScriptCells, getEntryNode } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createAccount } from '../testing/admin-fixtures.ts';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { useStoryTestServer } from '../testing/story-test-server.ts';
import { gql } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

describeEachEngine('admin: end a stream with a listener in it', (getDb) => {
  const story = useStoryTestServer(getDb);

  it('ends the listener session with GraphDeadEnd and frees the point', async () => {
    const db = getDb();
    const [pointUuid] = await insertLivePoints(db, 1);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    await createScriptCells(db, [
      {
        nodeUuid: start.uuid,
        cellType: 'javascript',
        cellCode: "await waitForVariable('never', 120);",
      },
      { nodeUuid: start.uuid, cellType: 'supercollider', cellCode: '"after the end".postln' },
    ]);
    const admin = await createAccount(db, 'admin');
    const client = wsClient(story.server.wsUrl);
    const session = subscribe(
      client,
      `subscription($g: UUID!) { streamInfo(graphUuid: $g) {
        __typename
        ... on StreamInfo { stream { uuid } }
        ... on GraphDeadEnd { error }
      } }`,
      { g: graph.uuid },
    );
    try {
      const first = (await session.next())!.data!.streamInfo as { stream: { uuid: string } };
      const streamUuid = first.stream.uuid;
      const ended = await gql(
        story.server.url,
        'mutation($s: UUID!) { adminEndStream(streamUuid: $s) { active endedDate numListeners } }',
        { s: streamUuid },
        admin.bearer,
      );
      expect(ended.errors).toBeUndefined();
      expect(ended.data?.adminEndStream).toMatchObject({ active: false, numListeners: 0 });
      expect((await session.next())!.data!.streamInfo).toEqual({
        __typename: 'GraphDeadEnd',
        error: 'The stream was ended by an admin.',
      });
      expect(await session.next()).toBeUndefined();
      expect(session.done).toBe(true);
      const rows = await db.db
        .selectFrom('streamListener')
        .selectAll()
        .where('streamUuid', '=', streamUuid)
        .execute();
      expect(rows).toEqual([]);
      const active = await db.db
        .selectFrom('stream')
        .select('uuid')
        .where('streamPointUuid', '=', pointUuid!)
        .where('active', '=', true)
        .execute();
      expect(active).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(story.sent.some((code) => code.includes('after the end'))).toBe(false);
    } finally {
      session.stop();
      await client.dispose();
    }
  });
});
