// Place variables are the engine's, never a listener's: a listener who writes place_… or
// places_… (to fake having visited a place, or to open an ENTER door) is refused and nothing is
// stored, while the same listener's own position variables are still taken.
import { createScriptCells, getEntryNode } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { useStoryTestServer } from '../testing/story-test-server.ts';
import { gql } from '../testing/test-server.ts';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

const write = `mutation($vars: [StreamVariableInput!]!, $t: String) {
  createUpdateStreamVariable(streamVariables: $vars, listenerToken: $t) { key value } }`;

describeEachEngine('forged place variables', (getDb) => {
  const story = useStoryTestServer(getDb);

  it('refuses place_… and places_… from a listener, stores none of them, and takes its position', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    await createScriptCells(db, [
      {
        nodeUuid: start.uuid,
        cellType: 'javascript',
        cellCode: "await waitForVariable('never', 60);",
      },
    ]);
    const client = wsClient(story.server.wsUrl);
    const session = subscribe(
      client,
      `subscription($g: UUID!) { streamInfo(graphUuid: $g) {
        __typename ... on StreamInfo { listenerToken stream { uuid } } } }`,
      { g: graph.uuid },
    );
    const first = (await session.next())!.data!.streamInfo as {
      listenerToken: string;
      stream: { uuid: string };
    };
    const streamUuid = first.stream.uuid;
    const forgeries = [
      { key: 'places_visited', value: 'fountain,square' },
      { key: 'place_fountain_inside', value: '1' },
      { key: 'place_fountain_visits', value: '99' },
      { key: 'places_state', value: '{"visits":{"fountain":1}}' },
    ];
    for (const forged of forgeries) {
      const answer = await gql(story.server.url, write, {
        vars: [
          { streamUuid, key: 'latitude', value: '52.5' },
          { streamUuid, ...forged },
        ],
        t: first.listenerToken,
      });
      expect(answer.errors?.[0]?.extensions?.code, forged.key).toBe('FORBIDDEN');
      expect(answer.errors?.[0]?.message).toMatch(/derived by the engine/);
    }
    const stored = await db.db
      .selectFrom('streamVariable')
      .select(['key', 'value'])
      .where('streamUuid', '=', streamUuid)
      .execute();
    expect(stored.filter((row) => /^places?_/.test(row.key))).toEqual([]);
    // A refused batch is refused whole: not even its latitude went in.
    expect(stored.find((row) => row.key === 'latitude')).toBeUndefined();

    const legit = await gql(story.server.url, write, {
      vars: [
        { streamUuid, key: 'latitude', value: '52.5' },
        { streamUuid, key: 'longitude', value: '13.4' },
      ],
      t: first.listenerToken,
    });
    expect(legit.errors).toBeUndefined();
    const after = await db.db
      .selectFrom('streamVariable')
      .select(['key', 'value'])
      .where('streamUuid', '=', streamUuid)
      .where('key', 'in', ['latitude', 'longitude'])
      .orderBy('key')
      .execute();
    expect(after).toEqual([
      { key: 'latitude', value: '52.5' },
      { key: 'longitude', value: '13.4' },
    ]);
    await client.dispose();
  });
});
