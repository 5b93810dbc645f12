import { describeEachEngine } from '@gencaster/db/testing';
import { isGencasterError, type PlaceShape } from '@gencaster/domain';
import { expect, it } from 'vitest';
import { duplicateGraph } from './graph-copy.ts';
import { getGraphDetail } from './graph-detail.ts';
import { createGraph, getEntryNode } from './graphs.ts';
import { createNodeDoor, getNodeDoor, updateNodeDoor } from './node-doors.ts';
import { createPlace, deletePlace, getPlace, listPlaces, updatePlace } from './places.ts';

const circle: PlaceShape = { kind: 'circle', center: { lat: 52.5, lon: 13.4 }, radiusM: 25 };
const square: PlaceShape = {
  kind: 'polygon',
  vertices: [
    { lat: 52.501, lon: 13.4 },
    { lat: 52.501, lon: 13.401 },
    { lat: 52.502, lon: 13.401 },
    { lat: 52.502, lon: 13.4 },
  ],
};

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!isGencasterError(error)) return 'other';
    const reason = error.details?.['reason'];
    return `${error.code}:${typeof reason === 'string' ? reason : ''}`;
  }
}

describeEachEngine('places', (getDb) => {
  it('creates, lists, renames (triggers follow) and deletes places', async () => {
    const db = getDb();
    const graph = await createGraph(db, { name: 'Walk places' });
    const fountain = await createPlace(db, {
      graphUuid: graph.uuid,
      name: 'fountain',
      shape: circle,
    });
    await createPlace(db, {
      graphUuid: graph.uuid,
      name: 'mill',
      shape: square,
      showToListeners: true,
    });
    expect(
      (await listPlaces(db, graph.uuid)).map((p) => [p.name, p.shape.kind, p.showToListeners]),
    ).toEqual([
      ['fountain', 'circle', false],
      ['mill', 'polygon', true],
    ]);
    expect(
      await code(createPlace(db, { graphUuid: graph.uuid, name: 'mill', shape: circle })),
    ).toBe('CONFLICT:name_taken');
    const entry = await getEntryNode(db, graph.uuid);
    const door = await createNodeDoor(db, {
      nodeUuid: entry.uuid,
      name: 'to the fountain',
      placeTrigger: { kind: 'nearest', placeNames: ['fountain', 'mill'] },
    });
    expect(door.placeTrigger).toEqual({
      kind: 'nearest',
      placeNames: ['fountain', 'mill'],
      dwellSeconds: 0,
      repeat: 'every_visit',
    });
    expect(
      await code(
        createNodeDoor(db, {
          nodeUuid: entry.uuid,
          name: 'nowhere',
          placeTrigger: { kind: 'enter', placeNames: ['nowhere'] },
        }),
      ),
    ).toBe('INVALID_INPUT:unknown_place');
    await updatePlace(db, { uuid: fountain.uuid, name: 'well' });
    expect((await getNodeDoor(db, door.uuid)).placeTrigger?.placeNames).toEqual(['well', 'mill']);
    expect(await code(deletePlace(db, fountain.uuid))).toBe('CONFLICT:place_in_use');
    await updateNodeDoor(db, { uuid: door.uuid, placeTrigger: null });
    expect((await getNodeDoor(db, door.uuid)).placeTrigger).toBeNull();
    expect(await deletePlace(db, fountain.uuid)).toBe(true);
    expect(await deletePlace(db, fountain.uuid)).toBe(false);
    expect(await code(getPlace(db, fountain.uuid))).toBe('NOT_FOUND:');
  });

  it('refuses bad shapes and names without writing anything', async () => {
    const db = getDb();
    const graph = await createGraph(db, { name: 'Bad places' });
    const bowtie: PlaceShape = {
      kind: 'polygon',
      vertices: [
        { lat: 52.5, lon: 13.4 },
        { lat: 52.501, lon: 13.401 },
        { lat: 52.5, lon: 13.401 },
        { lat: 52.501, lon: 13.4 },
      ],
    };
    expect(await code(createPlace(db, { graphUuid: graph.uuid, name: 'x', shape: bowtie }))).toBe(
      'INVALID_INPUT:self_intersecting',
    );
    expect(
      await code(createPlace(db, { graphUuid: graph.uuid, name: 'Bad Name', shape: circle })),
    ).toBe('INVALID_INPUT:');
    expect(
      await code(
        createPlace(db, {
          graphUuid: graph.uuid,
          name: 'far',
          shape: { kind: 'circle', center: { lat: 95, lon: 0 }, radiusM: 5 },
        }),
      ),
    ).toBe('INVALID_INPUT:fields');
    expect(await listPlaces(db, graph.uuid)).toEqual([]);
  });

  it('a duplicated graph has its places and door triggers', async () => {
    const db = getDb();
    const graph = await createGraph(db, { name: 'Copy places', showPlacesToListeners: true });
    await createPlace(db, {
      graphUuid: graph.uuid,
      name: 'fountain',
      shape: circle,
      showToListeners: true,
    });
    const entry = await getEntryNode(db, graph.uuid);
    await createNodeDoor(db, {
      nodeUuid: entry.uuid,
      name: 'dwell',
      placeTrigger: { kind: 'inside', placeNames: ['fountain'], dwellSeconds: 10, repeat: 'once' },
    });
    const { graph: copy, counts } = await duplicateGraph(db, graph.uuid);
    expect(counts.places).toBe(1);
    const detail = await getGraphDetail(db, copy.uuid);
    expect(detail.showPlacesToListeners).toBe(true);
    expect(
      detail.places.map((p) => ({ name: p.name, shape: p.shape, show: p.showToListeners })),
    ).toEqual([{ name: 'fountain', shape: circle, show: true }]);
    const doors = detail.nodes.flatMap((n) => n.nodeDoors).filter((d) => d.placeTrigger);
    expect(doors.map((d) => d.placeTrigger)).toEqual([
      { kind: 'inside', placeNames: ['fountain'], dwellSeconds: 10, repeat: 'once' },
    ]);
  });
});
