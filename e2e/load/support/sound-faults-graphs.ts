import {
  createEdge,
  createGraph,
  createScriptCells,
  getDefaultDoor,
  getEntryNode,
  type Database,
} from '@gencaster/db';

/** Return value sclang acknowledges for the load graph's SuperCollider cell. */
export const BLIP_RETURN = 'fault-blip';

/** Frequency of the tone the browser listener's graph plays. */
export const TONE_HZ = 440;

async function loopEntryNode(database: Database, graphUuid: string, cells: string[][]) {
  const entry = await getEntryNode(database, graphUuid);
  await createScriptCells(
    database,
    cells.map(([cellType, cellCode], cellOrder) => ({
      nodeUuid: entry.uuid,
      cellType: cellType as 'supercollider' | 'javascript',
      cellOrder,
      cellCode: cellCode!,
    })),
  );
  await createEdge(database, {
    outNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'output')).uuid,
    inNodeDoorUuid: (await getDefaultDoor(database, entry.uuid, 'input')).uuid,
  });
}

/**
 * The load graph (one listener per stream): every round sends a short SuperCollider blip to the
 * stream point (an instruction the engine waits FINISHED for), then asks a dialog with a fresh
 * input key and waits for the answer, and loops. So every session keeps instructing its point.
 */
export async function createSoundLoopGraph(database: Database, slug: string): Promise<string> {
  const graph = await createGraph(database, {
    name: slug,
    slugName: slug,
    streamAssignmentPolicy: 'one_user_one_stream',
  });
  await loopEntryNode(database, graph.uuid, [
    [
      'supercollider',
      `{ SinOsc.ar(660, 0, 0.1) ! 2 * Line.kr(1, 0, 0.3, doneAction: 2) }.play; "${BLIP_RETURN}"`,
    ],
    [
      'javascript',
      [
        'const round = Number(vars.round ?? 0) + 1;',
        'vars.round = String(round);',
        "yield Dialog({ title: 'Round ' + round, content: [Input({ key: 'answer' + round, label: 'Answer' })], buttons: [Button.ok()] });",
        "await waitForVariable('answer' + round, 120);",
      ].join('\n'),
    ],
  ]);
  return graph.uuid;
}

/** Seconds between two instructions of the browser listener's graph. */
export const TONE_RENEW_S = 10;

/**
 * The browser listener's graph: a steady sine on the point, forever. Every {@link TONE_RENEW_S}
 * seconds an instruction starts the tone unless this sclang already did (so the level never
 * dips): after a crash of the point, a renewal is how the story goes on and must be heard again.
 */
export async function createToneGraph(database: Database, slug: string): Promise<string> {
  const graph = await createGraph(database, {
    name: slug,
    slugName: slug,
    streamAssignmentPolicy: 'one_user_one_stream',
  });
  await loopEntryNode(database, graph.uuid, [
    [
      'supercollider',
      // Started once per sclang, and only on a booted scsynth (a renewal that comes while a
      // restarted point still boots does nothing; the next one starts the tone).
      `if(~faultTone.isNil and: { Server.default.serverRunning }) { ~faultTone = Ndef(\\faultTone, { SinOsc.ar([${TONE_HZ}, ${TONE_HZ}]) * 0.2 }).play }; "fault-tone"`,
    ],
    ['javascript', `await sleep(${TONE_RENEW_S});`],
  ]);
  return graph.uuid;
}
