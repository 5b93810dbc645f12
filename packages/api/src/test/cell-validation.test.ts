// Server-side validation of script cells (the original stored any cell code): createScriptCells/updateScriptCells
// reject invalid Python, JavaScript and markdown tokens with INVALID_INPUT and the line/column the
// editor marks, and store nothing; the cells a story needs (yield Dialog, awaits) stay valid.
import { createNode, createScriptCells, getNodeDetail } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { createScriptSandbox, type ScriptSandbox } from '@gencaster/story';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { createTestGraph } from '../testing/fixtures.ts';

const create = `mutation($n: UUID!, $c: [ScriptCellInputCreate!]!) {
  createScriptCells(nodeUuid: $n, scriptCellInputs: $c) { uuid } }`;
const update = `mutation($c: [ScriptCellInputUpdate!]!) { updateScriptCells(scriptCellInputs: $c) { uuid cellCode } }`;

// One sandbox for both database engines: Pyodide takes seconds to start.
let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = createScriptSandbox();
  await sandbox.warmUp(['python', 'javascript']);
}, 180_000);
afterAll(async () => {
  await sandbox?.close();
});

describeEachEngine('script cell validation', (getDb) => {
  let server: TestServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer({ database: getDb(), services: { sandbox } });
    headers = (await createEditor(getDb())).bearer;
  });
  afterAll(async () => {
    await server?.close();
  });

  const codes = async (nodeUuid: string) =>
    (await getNodeDetail(getDb(), nodeUuid)).scriptCells.map((cell) => cell.cellCode).sort();
  const newNode = async () => {
    const graph = await createTestGraph(getDb());
    return createNode(getDb(), { graphUuid: graph.uuid, name: 'n' });
  };

  it('rejects an invalid Python cell at its line and stores none of the batch', async () => {
    const node = await newNode();
    const result = await gql(
      server.url,
      create,
      {
        n: node.uuid,
        c: [
          { cellType: 'COMMENT', cellCode: 'fine' },
          { cellType: 'PYTHON', cellCode: 'x = 1\nif x == :\n    pass' },
        ],
      },
      headers,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_INPUT',
      details: { cellUuid: null, cellIndex: 1, line: 2 },
    });
    expect(result.errors?.[0]?.message).toMatch(/line 2, column \d+/);
    expect(await codes(node.uuid)).toEqual([]);
  }, 90_000);

  it('accepts the cells of a story: yield Dialog, awaits, JavaScript, markdown tokens', async () => {
    const node = await newNode();
    const result = await gql(
      server.url,
      create,
      {
        n: node.uuid,
        c: [
          {
            cellType: 'PYTHON',
            cellCode:
              'yield Dialog(title="Hi", content=[Text(text="x")], buttons=[Button.ok()])\nawait wait_for_stream_variable("way")\nvars["a"] = "1"',
          },
          { cellType: 'JAVASCRIPT', cellCode: "await waitForVariable('go', 5);\nvars.b = 2;" },
          { cellType: 'MARKDOWN', cellCode: 'Hello {female}`Anna`, {break}`300ms` bye.' },
          { cellType: 'SUPERCOLLIDER', cellCode: 'not checked (' },
        ],
      },
      headers,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createScriptCells).toHaveLength(4);
  }, 90_000);

  it('rejects an invalid JavaScript or markdown update with the cell uuid and keeps the old code', async () => {
    const node = await newNode();
    const [js, md] = await createScriptCells(getDb(), [
      { nodeUuid: node.uuid, cellType: 'javascript', cellCode: 'vars.a = 1;' },
      { nodeUuid: node.uuid, cellType: 'markdown', cellCode: 'Hello.' },
    ]);
    const badJs = await gql(
      server.url,
      update,
      { c: [{ uuid: js!.uuid, cellCode: 'const a = 1;\nconst b = ;' }] },
      headers,
    );
    expect(badJs.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_INPUT',
      details: { cellUuid: js!.uuid, line: 2 },
    });
    const badMd = await gql(
      server.url,
      update,
      { c: [{ uuid: md!.uuid, cellCode: 'Hello there.\n\nSay {bogus}`this`.' }] },
      headers,
    );
    expect(badMd.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_INPUT',
      details: { cellUuid: md!.uuid, line: 3, column: 5 },
    });
    expect(badMd.errors?.[0]?.message).toMatch(/unknown token \{bogus\}/);
    expect(await codes(node.uuid)).toEqual(['Hello.', 'vars.a = 1;']);
    const fine = await gql(
      server.url,
      update,
      { c: [{ uuid: md!.uuid, cellCode: 'Hello {break}`1s` again.' }] },
      headers,
    );
    expect(fine.errors).toBeUndefined();
  }, 90_000);
});
