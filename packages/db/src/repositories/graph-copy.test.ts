import { describeEachEngine } from '@gencaster/db/testing';
import type { GraphDetail } from '@gencaster/domain';
import { expect, it } from 'vitest';
import type { DbHandle } from '../database.ts';
import { createAudioFile } from './audio-files.ts';
import { createEdge } from './edges.ts';
import {
  deleteIdleGraph,
  duplicateGraph,
  findFreeGraphName,
  graphTreeFromDetail,
} from './graph-copy.ts';
import { getGraphDetail } from './graph-detail.ts';
import { createGraph, getEntryNode } from './graphs.ts';
import { createNodeDoor, getDefaultDoor, updateNodeDoor } from './node-doors.ts';
import { createNode } from './nodes.ts';
import { createScriptCells } from './script-cells.ts';

/** The graph without ids: door references become "node index/door index". */
function normalise(detail: GraphDetail) {
  const tree = graphTreeFromDetail(detail);
  const place = new Map<string, string>();
  tree.nodes.forEach((node, n) =>
    node.doors.forEach((door, d) => place.set(door.key, `${n}/${d}`)),
  );
  const { name: _n, slugName: _s, displayName: _d, ...meta } = tree.graph;
  return {
    meta,
    nodes: tree.nodes.map((node) => ({
      ...node,
      doors: node.doors.map(({ key: _key, ...door }) => door),
    })),
    edges: tree.edges.map((e) => `${place.get(e.outDoorKey)}->${place.get(e.inDoorKey)}`).sort(),
  };
}

async function buildSample(db: DbHandle, name: string) {
  const graph = await createGraph(db, { name, startText: 'Hello', publicVisible: false });
  const entry = await getEntryNode(db, graph.uuid);
  const forest = await createNode(db, { graphUuid: graph.uuid, name: 'Forest', positionX: 200 });
  const sea = await createNode(db, { graphUuid: graph.uuid, name: 'Sea', positionY: -50 });
  const askDoor = await createNodeDoor(db, {
    nodeUuid: entry.uuid,
    name: 'wants sea',
    order: 1,
    code: "vars.get('place') == 'sea'",
  });
  const entryOut = await getDefaultDoor(db, entry.uuid, 'output');
  await updateNodeDoor(db, { uuid: entryOut.uuid, code: '' });
  const forestIn = await getDefaultDoor(db, forest.uuid, 'input');
  const seaIn = await getDefaultDoor(db, sea.uuid, 'input');
  await createEdge(db, { outNodeDoorUuid: entryOut.uuid, inNodeDoorUuid: forestIn.uuid });
  await createEdge(db, { outNodeDoorUuid: askDoor.uuid, inNodeDoorUuid: seaIn.uuid });
  const audio = await createAudioFile(db, { name: 'waves', extension: '.wav' });
  await createScriptCells(db, [
    { nodeUuid: entry.uuid, cellType: 'markdown', cellCode: 'Welcome {break}', cellOrder: 0 },
    { nodeUuid: entry.uuid, cellType: 'python', cellCode: "vars['place'] = 'sea'", cellOrder: 1 },
    {
      nodeUuid: forest.uuid,
      cellType: 'supercollider',
      cellCode: '{SinOsc.ar}.play',
      cellOrder: 0,
    },
    {
      nodeUuid: sea.uuid,
      cellType: 'audio',
      cellCode: '',
      cellOrder: 0,
      audioCell: { audioFileUuid: audio.uuid, playback: 'async_playback', volume: 0.7 },
    },
  ]);
  return graph;
}

describeEachEngine('graph copy and delete', (getDb) => {
  it('duplicates the whole structure under new UUIDs and a free name', async () => {
    const source = await buildSample(getDb(), 'Copy source');
    const { graph: copy, counts } = await duplicateGraph(getDb(), source.uuid);
    expect(copy).toMatchObject({ name: 'Copy source (copy)', slugName: 'copy-source-copy' });
    expect(counts).toEqual({ nodes: 3, doors: 7, cells: 4, edges: 2, places: 0 });
    const before = await getGraphDetail(getDb(), source.uuid);
    const after = await getGraphDetail(getDb(), copy.uuid);
    expect(normalise(after)).toEqual(normalise(before));
    const ids = (d: GraphDetail) => [
      ...d.nodes.flatMap((n) => [
        n.uuid,
        ...n.nodeDoors.map((x) => x.uuid),
        ...n.scriptCells.map((c) => c.uuid),
      ]),
      ...d.edges.map((e) => e.uuid),
    ];
    const shared = ids(after).filter((id) => ids(before).includes(id));
    expect(shared).toEqual([]);
    const audioCell = (d: GraphDetail) => d.nodes[2]?.scriptCells[0]?.audioCell;
    expect(audioCell(after)?.uuid).not.toBe(audioCell(before)?.uuid);
    expect(audioCell(after)?.audioFileUuid).toBe(audioCell(before)?.audioFileUuid);

    const second = await duplicateGraph(getDb(), source.uuid);
    expect(second.graph.name).toBe('Copy source (copy 2)');
    await expect(
      duplicateGraph(getDb(), source.uuid, { name: 'Copy source' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('finds a free name when the slug is taken under another name', async () => {
    await createGraph(getDb(), { name: 'Slug owner', slugName: 'free-name-test' });
    expect(await findFreeGraphName(getDb(), 'Free name test', { suffix: 'imported' })).toEqual({
      name: 'Free name test (imported)',
      slugName: 'free-name-test-imported',
    });
  });

  it('deletes a graph with its children but refuses while a stream is active', async () => {
    const db = getDb();
    const graph = await buildSample(db, 'Delete me');
    const detail = await getGraphDetail(db, graph.uuid);
    const point = await db.db
      .insertInto('streamPoint')
      .values({ host: '127.0.0.1', port: 40000 + Math.floor(Math.random() * 20000) })
      .returning('uuid')
      .executeTakeFirstOrThrow();
    const stream = await db.db
      .insertInto('stream')
      .values({ streamPointUuid: point.uuid, graphUuid: graph.uuid })
      .returning('uuid')
      .executeTakeFirstOrThrow();
    await expect(deleteIdleGraph(db, graph.uuid)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { activeStreams: 1 },
    });
    expect((await getGraphDetail(db, graph.uuid)).nodes).toHaveLength(3);

    await db.db
      .updateTable('stream')
      .set({ active: false, endedDate: new Date() })
      .where('uuid', '=', stream.uuid)
      .execute();
    expect(await deleteIdleGraph(db, graph.uuid)).toEqual({ deleted: true });
    const nodeIds = detail.nodes.map((n) => n.uuid);
    const left = await Promise.all([
      db.db.selectFrom('node').select('uuid').where('uuid', 'in', nodeIds).execute(),
      db.db.selectFrom('nodeDoor').select('uuid').where('nodeUuid', 'in', nodeIds).execute(),
      db.db.selectFrom('scriptCell').select('uuid').where('nodeUuid', 'in', nodeIds).execute(),
      db.db
        .selectFrom('edge')
        .select('uuid')
        .where(
          'uuid',
          'in',
          detail.edges.map((e) => e.uuid),
        )
        .execute(),
      db.db.selectFrom('stream').select('uuid').where('uuid', '=', stream.uuid).execute(),
    ]);
    expect(left.map((rows) => rows.length)).toEqual([0, 0, 0, 0, 0]);
    expect(await deleteIdleGraph(db, graph.uuid)).toEqual({ deleted: false });
  });
});
