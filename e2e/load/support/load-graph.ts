import {
  createEdge,
  createGraph,
  createScriptCells,
  getDefaultDoor,
  getEntryNode,
  type Database,
} from '@gencaster/db';

/** A script cell of a looping load graph: its type and code. */
export type LoopCell = ['supercollider' | 'javascript', string];

/**
 * A graph (one listener per stream, one_user_one_stream) whose entry node runs `cells` in order
 * and loops back to itself forever. Returns the graph's uuid.
 */
export async function createLoopGraph(
  database: Database,
  slug: string,
  cells: readonly LoopCell[],
): Promise<string> {
  const graph = await createGraph(database, {
    name: slug,
    slugName: slug,
    streamAssignmentPolicy: 'one_user_one_stream',
  });
  const entry = await getEntryNode(database, graph.uuid);
  await createScriptCells(
    database,
    cells.map(([cellType, cellCode], cellOrder) => ({
      nodeUuid: entry.uuid,
      cellType,
      cellOrder,
      cellCode,
    })),
  );
  await createEdge(database, {
    outNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'output')).uuid,
    inNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'input')).uuid,
  });
  return graph.uuid;
}

/**
 * A JavaScript cell that asks a dialog with a fresh input key every round (`answer1`, `answer2`,
 * …) and waits up to `waitSeconds` for that variable.
 */
export function dialogRoundCell(waitSeconds: number): LoopCell {
  return [
    'javascript',
    [
      'const round = Number(vars.round ?? 0) + 1;',
      'vars.round = String(round);',
      "yield Dialog({ title: 'Round ' + round, content: [Input({ key: 'answer' + round, label: 'Answer' })], buttons: [Button.ok()] });",
      `await waitForVariable('answer' + round, ${waitSeconds});`,
    ].join('\n'),
  ];
}

/** A graph that never ends: every round asks a dialog and waits for its answer (see above). */
export function createDialogLoopGraph(database: Database, slug: string): Promise<string> {
  return createLoopGraph(database, slug, [dialogRoundCell(300)]);
}
