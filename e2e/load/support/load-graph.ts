import {
  createEdge,
  createGraph,
  createScriptCells,
  getDefaultDoor,
  getEntryNode,
  type Database,
} from '@gencaster/db';

/**
 * A graph that never ends: its entry node asks a dialog with a fresh input key every round
 * (`answer1`, `answer2`, …), waits for that variable and loops back to itself. One listener per
 * stream (one_user_one_stream), so every session holds one stream point.
 */
export async function createDialogLoopGraph(database: Database, slug: string): Promise<string> {
  const graph = await createGraph(database, {
    name: slug,
    slugName: slug,
    streamAssignmentPolicy: 'one_user_one_stream',
  });
  const entry = await getEntryNode(database, graph.uuid);
  await createScriptCells(database, [
    {
      nodeUuid: entry.uuid,
      cellType: 'javascript',
      cellOrder: 0,
      cellCode: [
        'const round = Number(vars.round ?? 0) + 1;',
        'vars.round = String(round);',
        "yield Dialog({ title: 'Round ' + round, content: [Input({ key: 'answer' + round, label: 'Answer' })], buttons: [Button.ok()] });",
        "await waitForVariable('answer' + round, 300);",
      ].join('\n'),
    },
  ]);
  await createEdge(database, {
    outNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'output')).uuid,
    inNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'input')).uuid,
  });
  return graph.uuid;
}
