import {
  createEdge,
  createGraph,
  createNode,
  createNodeDoor,
  createScriptCells,
  findGraphBySlug,
  getDefaultDoor,
  getEntryNode,
  withTransaction,
  type DbHandle,
} from '@gencaster/db';

/** Slug of the demo graph that a fresh installation ships with. */
export const DEMO_GRAPH_SLUG = 'demo';

const intro = `Willkommen bei Gencaster. Dies ist ein kurzer Spaziergang in Klang.
{break}\`500ms\`
Gleich stellt dir das Stück eine Frage. Deine Antwort entscheidet, wohin es weitergeht.`;

const question = `yield Dialog({
  title: 'Wohin gehen wir?',
  content: [Text({ text: 'Wähle einen Ort.' })],
  buttons: [
    Button({ text: 'In den Wald', value: 'forest', key: 'way', buttonType: ButtonType.SUCCESS }),
    Button({ text: 'Ans Meer', value: 'sea', key: 'way', buttonType: ButtonType.PRIMARY }),
  ],
});
await waitForVariable('way', 300);`;

const forestSound = `Ndef(\\gencasterDemo).fadeTime = 3;
Ndef(\\gencasterDemo, {
  var birds = SinOsc.ar(LFNoise0.kr([7, 9]).range(2200, 3800), 0, Decay2.kr(Dust.kr([2, 3]), 0.01, 0.15)) * 0.08;
  var wind = LPF.ar(PinkNoise.ar([0.05, 0.05]), LFNoise1.kr(0.3).range(400, 900));
  birds + wind
}).play;`;

const seaSound = `Ndef(\\gencasterDemo).fadeTime = 3;
Ndef(\\gencasterDemo, {
  var swell = SinOsc.kr([0.11, 0.13]).range(0.02, 0.2);
  LPF.ar(BrownNoise.ar([1, 1]), SinOsc.kr([0.11, 0.13]).range(300, 1400)) * swell
}).play;`;

/**
 * Creates the demo graph (spoken intro, a question, two branches with different sound) unless a
 * graph with its slug exists, so `npm start` has something to listen to on a fresh machine.
 * Returns true when it was created.
 */
export async function seedDemoGraph(database: DbHandle): Promise<boolean> {
  if (await findGraphBySlug(database, DEMO_GRAPH_SLUG)) return false;
  await withTransaction(database, async (tx) => {
    const graph = await createGraph(tx, {
      name: 'Gencaster demo',
      displayName: 'Ein Spaziergang in Klang',
      slugName: DEMO_GRAPH_SLUG,
      startText: 'Ein kurzes interaktives Hörstück: **Start** drücken, zuhören, antworten.',
      aboutText:
        'Die Demo von Gencaster: Sprache aus Markdown, SuperCollider-Klang und eine Frage, die verzweigt.',
      endText: 'Danke fürs Zuhören.',
    });
    const start = await getEntryNode(tx, graph.uuid);
    const forest = await createNode(tx, {
      graphUuid: graph.uuid,
      name: 'Wald',
      positionX: 320,
      positionY: -120,
    });
    const sea = await createNode(tx, {
      graphUuid: graph.uuid,
      name: 'Meer',
      positionX: 320,
      positionY: 120,
    });
    await createScriptCells(tx, [
      { nodeUuid: start.uuid, cellType: 'markdown', cellCode: intro, cellOrder: 0 },
      { nodeUuid: start.uuid, cellType: 'javascript', cellCode: question, cellOrder: 1 },
      { nodeUuid: forest.uuid, cellType: 'supercollider', cellCode: forestSound, cellOrder: 0 },
      {
        nodeUuid: forest.uuid,
        cellType: 'markdown',
        cellCode: 'Du bist im Wald. Hör den Vögeln zu.',
        cellOrder: 1,
      },
      { nodeUuid: sea.uuid, cellType: 'supercollider', cellCode: seaSound, cellOrder: 0 },
      {
        nodeUuid: sea.uuid,
        cellType: 'markdown',
        cellCode: 'Du bist am Meer. Die Wellen kommen und gehen.',
        cellOrder: 1,
      },
    ]);
    const toForest = await createNodeDoor(tx, {
      nodeUuid: start.uuid,
      name: 'Wald',
      code: "vars.get('way') == 'forest'",
    });
    await createEdge(tx, {
      outNodeDoorUuid: toForest.uuid,
      inNodeDoorUuid: (await getDefaultDoor(tx, forest.uuid, 'input')).uuid,
    });
    await createEdge(tx, {
      outNodeDoorUuid: (await getDefaultDoor(tx, start.uuid, 'output')).uuid,
      inNodeDoorUuid: (await getDefaultDoor(tx, sea.uuid, 'input')).uuid,
    });
  });
  return true;
}
