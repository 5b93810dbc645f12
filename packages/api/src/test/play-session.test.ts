// Editors' play sessions on a real database with the real story engine and sandbox: start at a
// chosen (non-entry) node, follow the engine position, steer a door with a variable written by the
// editor; anonymous callers can neither play nor watch a stream's position.
import {
  createEdge,
  createNode,
  createNodeDoor,
  createScriptCells,
  getEntryNode,
  listNodeDoors,
  type Database,
} from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { useStoryTestServer } from '../testing/story-test-server.ts';
import { createEditor, gql } from '../testing/test-server.ts';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';

const play = `subscription($g: UUID!, $n: UUID) { playGraph(graphUuid: $g, startNodeUuid: $n) {
  kind nodeUuid message stream { uuid numListeners } instruction { instructionText } variables { key value } } }`;

interface PlayMessage {
  kind: string;
  nodeUuid: string | null;
  stream: { uuid: string; numListeners: number } | null;
  instruction: { instructionText: string } | null;
  variables: { key: string; value: string }[] | null;
}

async function door(database: Database, nodeUuid: string, type: 'input' | 'output') {
  return (await listNodeDoors(database, nodeUuid)).find(
    (entry) => entry.doorType === type && entry.isDefault,
  )!;
}

describeEachEngine('editor play sessions', (getDb) => {
  const story = useStoryTestServer(getDb);

  it('starts at the chosen node, reports each node and takes the door an editor variable opens', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const graph = await createTestGraph(db);
    const entry = await getEntryNode(db, graph.uuid);
    const question = await createNode(db, { graphUuid: graph.uuid, name: 'question' });
    const a = await createNode(db, { graphUuid: graph.uuid, name: 'a' });
    const b = await createNode(db, { graphUuid: graph.uuid, name: 'b' });
    await createScriptCells(db, [
      { nodeUuid: entry.uuid, cellType: 'supercollider', cellCode: '"entry ran".postln' },
      {
        nodeUuid: question.uuid,
        cellType: 'javascript',
        cellCode: "await waitForVariable('go', 30);",
      },
      { nodeUuid: a.uuid, cellType: 'supercollider', cellCode: '"went a".postln' },
      { nodeUuid: b.uuid, cellType: 'supercollider', cellCode: '"went b".postln' },
    ]);
    const toB = await createNodeDoor(db, {
      nodeUuid: question.uuid,
      doorType: 'output',
      name: 'b',
      order: 1,
      code: "// js\nvars.choice == 'b'",
    });
    await createEdge(db, {
      outNodeDoorUuid: toB.uuid,
      inNodeDoorUuid: (await door(db, b.uuid, 'input')).uuid,
    });
    await createEdge(db, {
      outNodeDoorUuid: (await door(db, question.uuid, 'output')).uuid,
      inNodeDoorUuid: (await door(db, a.uuid, 'input')).uuid,
    });
    await createEdge(db, {
      outNodeDoorUuid: (await door(db, entry.uuid, 'output')).uuid,
      inNodeDoorUuid: (await door(db, question.uuid, 'input')).uuid,
    });

    const editor = await createEditor(db);
    const client = wsClient(story.server.wsUrl, { authorization: editor.bearer.authorization });
    const session = subscribe(client, play, { g: graph.uuid, n: question.uuid });
    const messages: PlayMessage[] = [];
    const until = async (match: (message: PlayMessage) => boolean) => {
      for (;;) {
        const next = await session.next(30_000);
        if (!next) throw new Error(`session ended; got ${JSON.stringify(messages)}`);
        if (next.errors) throw new Error(JSON.stringify(next.errors));
        const message = next.data!.playGraph as PlayMessage;
        messages.push(message);
        if (match(message)) return message;
      }
    };
    const started = await until((m) => m.kind === 'STARTED');
    expect(started.stream?.numListeners).toBe(1);
    expect(started.variables).toEqual([]);
    const streamUuid = started.stream!.uuid;
    await until((m) => m.kind === 'NODE' && m.nodeUuid === question.uuid);

    const write = (key: string, value: string) =>
      gql(
        story.server.url,
        'mutation($v: [StreamVariableInput!]!) { createUpdateStreamVariable(streamVariables: $v) { key } }',
        { v: [{ streamUuid, key, value }] },
        editor.bearer,
      );
    expect((await write('choice', 'b')).errors).toBeUndefined();
    const seen = await until((m) => m.kind === 'VARIABLES');
    expect(seen.variables).toEqual([{ key: 'choice', value: 'b' }]);
    expect((await write('go', '1')).errors).toBeUndefined();
    await until((m) => m.kind === 'NODE' && m.nodeUuid === b.uuid);
    await until(
      (m) => m.kind === 'INSTRUCTION' && m.instruction?.instructionText === '"went b".postln',
    );
    expect(story.sent).not.toContain('"entry ran".postln');
    expect(story.sent).not.toContain('"went a".postln');
    expect((await until((m) => m.kind === 'ENDED')).stream?.uuid).toBe(streamUuid);

    session.stop();
    await eventually(async () => {
      const stream = await db.db
        .selectFrom('stream')
        .select('active')
        .where('uuid', '=', streamUuid)
        .executeTakeFirst();
      return stream?.active === false;
    });
    await client.dispose();
  });

  it('refuses play sessions and engine positions to anonymous callers', async () => {
    const graph = await createTestGraph(getDb());
    const client = wsClient(story.server.wsUrl);
    const session = subscribe(client, play, { g: graph.uuid, n: null });
    await expect(session.next()).resolves.toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const position = subscribe(
      client,
      'subscription($s: UUID!) { streamPosition(streamUuid: $s) { nodeUuid } }',
      { s: graph.uuid },
    );
    await expect(position.next()).resolves.toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
    // The listener's session has no way to choose a node.
    const listener = subscribe(
      client,
      'subscription($g: UUID!, $n: UUID) { streamInfo(graphUuid: $g, startNodeUuid: $n) { __typename } }',
      { g: graph.uuid, n: graph.uuid },
    );
    await expect(listener.next()).rejects.toThrow(/startNodeUuid/);
    await client.dispose();
  });
});
