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
import { useStoryTestServer } from '../testing/story-test-server.ts';
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
    expect(await session.next()).toBeUndefined();
    expect(story.sent).toContain('"went left".postln');
    expect(story.sent).not.toContain('"went right".postln');
    await eventually(
      async () => (await db.db.selectFrom('streamListener').selectAll().execute()).length === 0,
    );
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
