// A full listener session with the real story engine and sandbox on a real database, with an
// in-process instruction port that acknowledges at once (the backend wires the real sclang one):
// dialog shown, answered through createUpdateStreamVariable, branch taken, GraphDeadEnd.
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
import { TEST_END_SCREEN_GRACE_MS, useStoryTestServer } from '../testing/story-test-server.ts';
import { createEditor, gql } from '../testing/test-server.ts';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';

async function outputDoors(database: Database, nodeUuid: string) {
  return (await listNodeDoors(database, nodeUuid)).filter((door) => door.doorType === 'output');
}
async function defaultInput(database: Database, nodeUuid: string) {
  return (await listNodeDoors(database, nodeUuid)).find(
    (door) => door.doorType === 'input' && door.isDefault,
  )!;
}

describeEachEngine('listener session with the story engine', (getDb) => {
  const story = useStoryTestServer(getDb);

  it('shows a dialog, takes the answered branch and ends with GraphDeadEnd', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    const left = await createNode(db, { graphUuid: graph.uuid, name: 'left' });
    const right = await createNode(db, { graphUuid: graph.uuid, name: 'right' });
    await createScriptCells(db, [
      {
        nodeUuid: start.uuid,
        cellType: 'javascript',
        cellCode:
          "yield Dialog({ title: 'Which way?', content: [Text({ text: 'Choose' })], buttons: [Button({ text: 'Left', value: 'left', key: 'choice' }), Button({ text: 'Right', value: 'right', key: 'choice' })] });\nawait waitForVariable('choice', 30);",
      },
    ]);
    await createScriptCells(db, [
      { nodeUuid: left.uuid, cellType: 'supercollider', cellCode: '"went left".postln' },
    ]);
    await createScriptCells(db, [
      { nodeUuid: right.uuid, cellType: 'supercollider', cellCode: '"went right".postln' },
    ]);
    const leftDoor = await createNodeDoor(db, {
      nodeUuid: start.uuid,
      doorType: 'output',
      name: 'left',
      order: 1,
      code: "// js\nvars.choice === 'left'",
    });
    const startDefault = (await outputDoors(db, start.uuid)).find((door) => door.isDefault)!;
    await createEdge(db, {
      outNodeDoorUuid: leftDoor.uuid,
      inNodeDoorUuid: (await defaultInput(db, left.uuid)).uuid,
    });
    await createEdge(db, {
      outNodeDoorUuid: startDefault.uuid,
      inNodeDoorUuid: (await defaultInput(db, right.uuid)).uuid,
    });

    const client = wsClient(story.server.wsUrl);
    const session = subscribe(
      client,
      `subscription($g: UUID!) { streamInfo(graphUuid: $g) {
        __typename
        ... on StreamInfo { listenerToken stream { uuid } streamInstruction { uuid instructionText } }
        ... on Dialog { title content { __typename ... on Text { text } } buttons { text value key buttonType callbackActions } }
        ... on GraphDeadEnd { error }
      } }`,
      { g: graph.uuid },
    );
    const first = (await session.next())!.data!.streamInfo as {
      __typename: string;
      listenerToken: string;
      stream: { uuid: string };
      streamInstruction: null;
    };
    expect(first.__typename).toBe('StreamInfo');
    expect(first.streamInstruction).toBeNull();
    const dialog = (await session.next(30_000))!.data!.streamInfo as Record<string, unknown>;
    expect(dialog).toEqual({
      __typename: 'Dialog',
      title: 'Which way?',
      content: [{ __typename: 'Text', text: 'Choose' }],
      buttons: [
        {
          text: 'Left',
          value: 'left',
          key: 'choice',
          buttonType: 'DEFAULT',
          callbackActions: ['SEND_VARIABLE'],
        },
        {
          text: 'Right',
          value: 'right',
          key: 'choice',
          buttonType: 'DEFAULT',
          callbackActions: ['SEND_VARIABLE'],
        },
      ],
    });
    const answer = await gql(
      story.server.url,
      `mutation($vars: [StreamVariableInput!]!, $t: String) { createUpdateStreamVariable(streamVariables: $vars, listenerToken: $t) { key value } }`,
      {
        vars: [{ streamUuid: first.stream.uuid, key: 'choice', value: 'left' }],
        t: first.listenerToken,
      },
    );
    expect(answer.errors).toBeUndefined();
    const instruction = (await session.next(30_000))!.data!.streamInfo as {
      __typename: string;
      streamInstruction: { uuid: string; instructionText: string | null };
    };
    expect(instruction.__typename).toBe('StreamInfo');
    // Listeners see that an instruction ran, never its sclang code (issue 20 item 6).
    expect(instruction.streamInstruction.instructionText).toBeNull();
    const stored = await db.db
      .selectFrom('streamInstruction')
      .select('instructionText')
      .where('uuid', '=', instruction.streamInstruction.uuid)
      .executeTakeFirstOrThrow();
    expect(stored.instructionText).toBe('"went left".postln');
    const end = (await session.next(30_000))!.data!.streamInfo;
    expect(end).toEqual({
      __typename: 'GraphDeadEnd',
      error: 'Graph ran into a dead end - finished',
    });
    const deadEndAt = Date.now();
    // The end screen keeps the stream (its page may still play the point) until the grace passed.
    expect(await db.db.selectFrom('streamListener').selectAll().execute()).toHaveLength(1);
    expect(await session.next(TEST_END_SCREEN_GRACE_MS + 5_000)).toBeUndefined();
    expect(Date.now() - deadEndAt).toBeGreaterThanOrEqual(TEST_END_SCREEN_GRACE_MS - 100);
    expect(story.sent).toContain('"went left".postln');
    expect(story.sent).not.toContain('"went right".postln');
    await eventually(
      async () => (await db.db.selectFrom('streamListener').selectAll().execute()).length === 0,
    );
    await client.dispose();
  });

  it('holds the stream on the end screen until the listener leaves, then the next listener gets the point cleared', async () => {
    const db = getDb();
    // The only live point: points of earlier tests in this database are made stale.
    await db.db
      .updateTable('streamPoint')
      .set({ lastLive: new Date(0) })
      .execute();
    const [point] = await insertLivePoints(db, 1);
    const graph = await createTestGraph(db);
    const start = await getEntryNode(db, graph.uuid);
    await createScriptCells(db, [
      { nodeUuid: start.uuid, cellType: 'supercollider', cellCode: '"story A".postln' },
    ]);
    const query = `subscription($g: UUID!) { streamInfo(graphUuid: $g) {
      __typename
      ... on StreamInfo { stream { uuid streamPoint { uuid } } }
      ... on GraphDeadEnd { error }
    } }`;
    const client = wsClient(story.server.wsUrl);
    const kicksBefore = story.audienceEnded.length;
    const a = subscribe(client, query, { g: graph.uuid });
    const info = (await a.next())!.data!.streamInfo as { stream: { uuid: string } };
    // A new stream: whoever still played the point was cut off before this listener heard it.
    expect(story.audienceEnded.slice(kicksBefore)).toEqual([point!]);
    let kind: string | undefined;
    while (kind !== 'GraphDeadEnd') {
      const message = await a.next(30_000);
      kind = (message?.data?.streamInfo as { __typename: string } | undefined)?.__typename;
      expect(kind).toBeDefined(); // the subscription must not end before its dead end
    }
    // A second listener while A is on the end screen: the one point is still A's.
    const b1 = subscribe(client, query, { g: graph.uuid });
    expect(((await b1.next())!.data!.streamInfo as { __typename: string }).__typename).toBe(
      'NoStreamAvailable',
    );
    const stream = await db.db
      .selectFrom('stream')
      .select('active')
      .where('uuid', '=', info.stream.uuid)
      .executeTakeFirstOrThrow();
    expect(stream.active).toBe(true);
    // A leaves the end screen (the page sends complete): released at once, not after the grace.
    const leftAt = Date.now();
    a.stop();
    await eventually(
      async () =>
        !(
          await db.db
            .selectFrom('stream')
            .select('active')
            .where('uuid', '=', info.stream.uuid)
            .executeTakeFirstOrThrow()
        ).active,
    );
    expect(Date.now() - leftAt).toBeLessThan(TEST_END_SCREEN_GRACE_MS);
    const b2 = subscribe(client, query, { g: graph.uuid });
    const second = (await b2.next())!.data!.streamInfo as {
      __typename: string;
      stream: { uuid: string; streamPoint: { uuid: string } };
    };
    expect(second.__typename).toBe('StreamInfo');
    expect(second.stream.uuid).not.toBe(info.stream.uuid);
    expect(second.stream.streamPoint.uuid).toBe(point!);
    expect(story.audienceEnded.slice(kicksBefore)).toEqual([point!, point!]);
    b2.stop();
    await client.dispose();
  });

  it('door conditions are validated on save with line and column', async () => {
    const editor = await createEditor(getDb());
    const graph = await createTestGraph(getDb());
    const start = await getEntryNode(getDb(), graph.uuid);
    const door = await createNodeDoor(getDb(), {
      nodeUuid: start.uuid,
      doorType: 'output',
      name: 'd',
      code: '',
    });
    const result = await gql(
      story.server.url,
      `mutation($d: UUID!, $code: String!) { updateNodeDoor(nodeDoorInput: { uuid: $d, code: $code }) {
        __typename ... on InvalidPythonCode { errorType errorCode errorMessage line column } ... on NodeDoor { code } } }`,
      { d: door.uuid, code: '// js\nvars.a ===' },
      editor.bearer,
    );
    const invalid = result.data?.updateNodeDoor as {
      __typename: string;
      line: number;
      errorMessage: string;
    };
    expect(invalid.__typename).toBe('InvalidPythonCode');
    expect(invalid.line).toBeGreaterThanOrEqual(2);
    expect(invalid.errorMessage).toContain('^');
    const ok = await gql(
      story.server.url,
      `mutation($d: UUID!) { updateNodeDoor(nodeDoorInput: { uuid: $d, code: "// js\\nvars.a === '1'", order: 0 }) { __typename ... on NodeDoor { code order doorType } } }`,
      { d: door.uuid },
      editor.bearer,
    );
    expect(ok.data?.updateNodeDoor).toEqual({
      __typename: 'NodeDoor',
      code: "// js\nvars.a === '1'",
      order: 0,
      doorType: 'OUTPUT',
    });
  });
});
