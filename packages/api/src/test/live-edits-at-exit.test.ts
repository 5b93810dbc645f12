// Live edits that apply when a listener leaves a node (issue 18), on the real API with real story
// engines: an edge an editor draws while a listener waits inside a node is taken at that node's
// exit, and unticking "Blocking" releases the listener waiting there.
import { createNode, createScriptCells, getEntryNode, getNodeDetail } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { useStoryTestServer } from '../testing/story-test-server.ts';
import { createEditor, gql } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

async function until(what: string, check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEachEngine('live edits applied at the exit of a node', (getDb) => {
  const story = useStoryTestServer(getDb);

  /** A listener on the graph; returns its stream and a stop function. */
  async function listen(graphUuid: string) {
    const client = wsClient(story.server.wsUrl);
    const session = subscribe(
      client,
      'subscription($g: UUID!) { streamInfo(graphUuid: $g) { ... on StreamInfo { stream { uuid } } } }',
      { g: graphUuid },
    );
    const first = (await session.next())!.data!.streamInfo as { stream: { uuid: string } };
    return {
      streamUuid: first.stream.uuid,
      async stop() {
        session.stop();
        await client.dispose();
      },
    };
  }

  /** The entry node's default OUTPUT door and a new node's INPUT door. */
  async function doors(entryUuid: string, nextUuid: string) {
    const entry = await getNodeDetail(getDb(), entryUuid);
    const next = await getNodeDetail(getDb(), nextUuid);
    const out = entry.nodeDoors.find((door) => door.doorType === 'output' && door.isDefault);
    const into = next.nodeDoors.find((door) => door.doorType === 'input');
    if (!out || !into) throw new Error('default doors expected');
    return { out: out.uuid, into: into.uuid };
  }

  it('takes an edge drawn while the listener waits inside the node', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const editor = await createEditor(db);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    const marker = `after-${Math.random().toString(36).slice(2, 8)}`;
    await createScriptCells(db, [
      {
        nodeUuid: start.uuid,
        cellType: 'javascript',
        cellCode: "await waitForVariable('go', 60);",
      },
    ]);
    const after = await createNode(db, { graphUuid: graph.uuid, name: 'after' });
    await createScriptCells(db, [
      { nodeUuid: after.uuid, cellType: 'supercollider', cellCode: `"${marker}".postln` },
    ]);
    const listener = await listen(graph.uuid);
    try {
      // Inside "Start" with no edge out: without the exit read, the walk would end here.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { out, into } = await doors(start.uuid, after.uuid);
      const drawn = await gql(
        story.server.url,
        'mutation($e: EdgeInput!) { addEdge(newEdge: $e) { uuid } }',
        { e: { nodeDoorOutUuid: out, nodeDoorInUuid: into } },
        editor.bearer,
      );
      expect(drawn.errors).toBeUndefined();
      const go = await gql(
        story.server.url,
        'mutation($v: [StreamVariableInput!]!) { createUpdateStreamVariable(streamVariables: $v) { key } }',
        { v: [{ streamUuid: listener.streamUuid, key: 'go', value: '1' }] },
        editor.bearer,
      );
      expect(go.errors).toBeUndefined();
      await until('the node behind the new edge', () =>
        story.sent.some((code) => code.includes(marker)),
      );
    } finally {
      await listener.stop();
    }
  });

  it('releases a listener waiting at a blocking node when Blocking is unticked', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const editor = await createEditor(db);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    const hold = await createNode(db, {
      graphUuid: graph.uuid,
      name: 'hold',
      isBlockingNode: true,
    });
    const tag = Math.random().toString(36).slice(2, 8);
    await createScriptCells(db, [
      { nodeUuid: hold.uuid, cellType: 'supercollider', cellCode: `"holding-${tag}".postln` },
    ]);
    const after = await createNode(db, { graphUuid: graph.uuid, name: 'after' });
    await createScriptCells(db, [
      { nodeUuid: after.uuid, cellType: 'supercollider', cellCode: `"released-${tag}".postln` },
    ]);
    for (const [from, to] of [
      [start.uuid, hold.uuid],
      [hold.uuid, after.uuid],
    ] as const) {
      const { out, into } = await doors(from, to);
      const drawn = await gql(
        story.server.url,
        'mutation($e: EdgeInput!) { addEdge(newEdge: $e) { uuid } }',
        { e: { nodeDoorOutUuid: out, nodeDoorInUuid: into } },
        editor.bearer,
      );
      expect(drawn.errors).toBeUndefined();
    }
    const listener = await listen(graph.uuid);
    try {
      await until('the walk inside the blocking node', () =>
        story.sent.some((code) => code.includes(`holding-${tag}`)),
      );
      // It waits there: nothing after the node for a while.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(story.sent.some((code) => code.includes(`released-${tag}`))).toBe(false);
      // An unrelated edit of the node (its name) does not release it either.
      const renamed = await gql(
        story.server.url,
        'mutation($n: NodeUpdate!) { updateNode(nodeUpdate: $n) }',
        { n: { uuid: hold.uuid, name: 'hold on' } },
        editor.bearer,
      );
      expect(renamed.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(story.sent.some((code) => code.includes(`released-${tag}`))).toBe(false);

      const unticked = await gql(
        story.server.url,
        'mutation($n: NodeUpdate!) { updateNode(nodeUpdate: $n) }',
        { n: { uuid: hold.uuid, isBlockingNode: false } },
        editor.bearer,
      );
      expect(unticked.errors).toBeUndefined();
      await until('the walk released by unticking Blocking', () =>
        story.sent.some((code) => code.includes(`released-${tag}`)),
      );
    } finally {
      await listener.stop();
    }
  });
});
