import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createAudioFile } from './audio-files.ts';
import { createEdge, deleteEdge, listNodeEdges, listOutEdges } from './edges.ts';
import { getGraphDetail } from './graph-detail.ts';
import { createGraph, deleteGraph, getEntryNode, listGraphs, updateGraph } from './graphs.ts';
import {
  createNodeDoor,
  deleteNodeDoor,
  getDefaultDoor,
  listNodeDoors,
  updateNodeDoor,
} from './node-doors.ts';
import { createNode, deleteNode, getNodeDetail, updateNode } from './nodes.ts';
import {
  createScriptCell,
  createScriptCells,
  deleteScriptCell,
  updateScriptCell,
} from './script-cells.ts';

describeEachEngine('graph editing', (getDb) => {
  it('creates a graph with defaults, entry node "Start" and a derived slug', async () => {
    const graph = await createGraph(getDb(), { name: 'Über den Wolken' });
    expect(graph).toMatchObject({
      displayName: 'Über den Wolken',
      slugName: 'uber-den-wolken',
      streamAssignmentPolicy: 'one_user_one_stream',
      publicVisible: true,
    });
    const entry = await getEntryNode(getDb(), graph.uuid);
    expect(entry).toMatchObject({ name: 'Start', isEntryNode: true });
    const doors = await listNodeDoors(getDb(), entry.uuid);
    expect(doors.map((d) => [d.doorType, d.isDefault, d.code])).toEqual([
      ['input', true, 'True'],
      ['output', true, 'True'],
    ]);
    await expect(createGraph(getDb(), { name: 'Über den Wolken' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      createGraph(getDb(), { name: 'other', slugName: 'uber-den-wolken' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(createGraph(getDb(), { name: '!!!' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('updates exactly the given fields, including falsy ones, and the slug', async () => {
    const graph = await createGraph(getDb(), { name: 'update me', startText: 'hi' });
    const updated = await updateGraph(getDb(), {
      uuid: graph.uuid,
      startText: '',
      publicVisible: false,
      slugName: 'new-slug',
    });
    expect(updated).toMatchObject({
      startText: '',
      publicVisible: false,
      slugName: 'new-slug',
      name: 'update me',
    });
    expect((await listGraphs(getDb(), { publicOnly: true })).map((g) => g.uuid)).not.toContain(
      graph.uuid,
    );
    await expect(updateGraph(getDb(), { uuid: graph.uuid, name: '' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('edits nodes and doors with explicit values and keeps default doors', async () => {
    const graph = await createGraph(getDb(), { name: 'nodes' });
    const node = await createNode(getDb(), {
      graphUuid: graph.uuid,
      name: 'n',
      positionX: 5,
      color: 'primary',
    });
    const moved = await updateNode(getDb(), { uuid: node.uuid, positionX: 0, name: '' });
    expect(moved).toMatchObject({ positionX: 0, name: '', color: 'primary' });
    const door = await createNodeDoor(getDb(), {
      nodeUuid: node.uuid,
      name: 'weekday',
      order: 10,
      code: 'x > 1',
    });
    const early = await createNodeDoor(getDb(), { nodeUuid: node.uuid, name: 'early', order: 1 });
    const doors = await listNodeDoors(getDb(), node.uuid, 'output');
    expect(doors.map((d) => d.name)).toEqual(['early', 'weekday', 'default']);
    const renamed = await updateNodeDoor(getDb(), { uuid: door.uuid, code: '', order: 0 });
    expect(renamed).toMatchObject({ code: '', order: 0, doorType: 'output', name: 'weekday' });
    const defaultDoor = await getDefaultDoor(getDb(), node.uuid, 'output');
    await expect(deleteNodeDoor(getDb(), defaultDoor.uuid)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await deleteNodeDoor(getDb(), early.uuid)).toBe(true);
    expect(await deleteNodeDoor(getDb(), early.uuid)).toBe(false);
    await expect(
      createNode(getDb(), { graphUuid: graph.uuid, name: 'x'.repeat(256) }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      createNode(getDb(), { graphUuid: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const entry = await getEntryNode(getDb(), graph.uuid);
    await expect(deleteNode(getDb(), entry.uuid)).rejects.toMatchObject({ code: 'CONFLICT' });
    await deleteNode(getDb(), node.uuid);
    await expect(deleteNode(getDb(), node.uuid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('connects doors with edges and refuses wrong ones with typed errors', async () => {
    const graph = await createGraph(getDb(), { name: 'edges' });
    const entry = await getEntryNode(getDb(), graph.uuid);
    const node = await createNode(getDb(), { graphUuid: graph.uuid });
    const out = await getDefaultDoor(getDb(), entry.uuid, 'output');
    const into = await getDefaultDoor(getDb(), node.uuid, 'input');
    const edge = await createEdge(getDb(), {
      outNodeDoorUuid: out.uuid,
      inNodeDoorUuid: into.uuid,
    });
    await expect(
      createEdge(getDb(), { outNodeDoorUuid: out.uuid, inNodeDoorUuid: into.uuid }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      createEdge(getDb(), { outNodeDoorUuid: into.uuid, inNodeDoorUuid: out.uuid }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      createEdge(getDb(), {
        outNodeDoorUuid: out.uuid,
        inNodeDoorUuid: '00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await listOutEdges(getDb(), out.uuid)).map((e) => e.uuid)).toEqual([edge.uuid]);
    expect((await listNodeEdges(getDb(), node.uuid)).map((e) => e.uuid)).toEqual([edge.uuid]);
    expect((await listNodeEdges(getDb(), entry.uuid)).map((e) => e.uuid)).toEqual([edge.uuid]);
    expect((await deleteEdge(getDb(), edge.uuid))?.uuid).toBe(edge.uuid);
    expect(await deleteEdge(getDb(), edge.uuid)).toBeUndefined();
  });

  it('creates cells (appending, explicit order 0 kept), updates audio cells in place, all or nothing', async () => {
    const graph = await createGraph(getDb(), { name: 'cells' });
    const node = await createNode(getDb(), { graphUuid: graph.uuid });
    const file = await createAudioFile(getDb(), { name: 'beep', fileName: 'beep.WAV' });
    const [a, b] = await createScriptCells(getDb(), [
      { nodeUuid: node.uuid, cellType: 'markdown', cellCode: '# hi' },
      {
        nodeUuid: node.uuid,
        cellType: 'audio',
        cellCode: '',
        audioCell: { audioFileUuid: file.uuid, volume: 0.4 },
      },
    ]);
    expect([a?.cellOrder, b?.cellOrder]).toEqual([0, 1]);
    const zero = await createScriptCell(getDb(), {
      nodeUuid: node.uuid,
      cellCode: 'c',
      cellOrder: 0,
    });
    expect(zero.cellOrder).toBe(0);
    const updated = await updateScriptCell(getDb(), {
      uuid: b!.uuid,
      audioCell: { audioFileUuid: file.uuid, volume: 0.1 },
      cellCode: '',
    });
    expect(updated.audioCell).toMatchObject({ uuid: b!.audioCellUuid, volume: 0.1 });
    const audioCount = await getDb()
      .db.selectFrom('audioCell')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(audioCount.n)).toBe(1);
    await expect(
      updateScriptCell(getDb(), { uuid: b!.uuid, audioCell: null }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      createScriptCells(getDb(), [
        { nodeUuid: node.uuid, cellCode: 'kept?' },
        {
          nodeUuid: node.uuid,
          cellType: 'audio',
          cellCode: '',
          audioCell: { audioFileUuid: graph.uuid },
        },
      ]),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const detail = await getNodeDetail(getDb(), node.uuid);
    // equal orders are tie-broken by uuid (deterministic, not insertion order)
    expect(
      detail.scriptCells
        .slice(0, 2)
        .map((c) => c.cellCode)
        .sort(),
    ).toEqual(['# hi', 'c']);
    expect(detail.scriptCells[2]?.cellCode).toBe('');
    expect(detail.scriptCells.map((c) => c.cellOrder)).toEqual([0, 0, 1]);
    await deleteScriptCell(getDb(), b!.uuid);
    const after = await getDb().db.selectFrom('audioCell').selectAll().execute();
    expect(after).toHaveLength(0);
  });

  it('loads a whole graph and deletes it with everything in it', async () => {
    const graph = await createGraph(getDb(), { name: 'detail' });
    const entry = await getEntryNode(getDb(), graph.uuid);
    const node = await createNode(getDb(), { graphUuid: graph.uuid });
    await createEdge(getDb(), {
      outNodeDoorUuid: (await getDefaultDoor(getDb(), entry.uuid, 'output')).uuid,
      inNodeDoorUuid: (await getDefaultDoor(getDb(), node.uuid, 'input')).uuid,
    });
    await createScriptCell(getDb(), {
      nodeUuid: entry.uuid,
      cellType: 'python',
      cellCode: 'vars["a"] = 1',
    });
    const detail = await getGraphDetail(getDb(), graph.uuid);
    expect(detail.nodes).toHaveLength(2);
    expect(detail.edges).toHaveLength(1);
    expect(detail.nodes[0]?.nodeDoors.at(-1)?.isDefault).toBe(true);
    expect(detail.nodes.find((n) => n.isEntryNode)?.scriptCells).toHaveLength(1);
    expect(await deleteGraph(getDb(), graph.uuid)).toBe(true);
    await expect(getGraphDetail(getDb(), graph.uuid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
