// Archives keep places (issue 19): version 2 carries places, door triggers and the graph's
// showPlacesToListeners through export and import; a version-1 archive written before places
// still imports, with none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createNodeDoor,
  createPlace,
  getEntryNode,
  getGraphDetail,
  createGraph,
} from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { exportGraphArchive, importGraphArchive } from '../index.ts';
import type { TransferEnvironment } from '../transfer-types.ts';

const v1Path = join(import.meta.dirname, 'fixtures', 'graph-archive-v1.gencaster.json');

describeEachEngine('place archives', (getDb) => {
  const env = (): TransferEnvironment => ({
    database: getDb(),
    mediaRoot: undefined,
    importAudio: undefined,
    maxAudioBytes: 1_000_000,
  });

  it('a version-1 archive from before places imports without places', async () => {
    const archive: unknown = JSON.parse(await readFile(v1Path, 'utf8'));
    const report = await importGraphArchive(env(), archive);
    const imported = report.graphs[0];
    expect(imported).toMatchObject({ nodes: 2, doors: 5, edges: 1, places: 0 });
    const detail = await getGraphDetail(getDb(), imported?.uuid ?? '');
    expect(detail.places).toEqual([]);
    expect(detail.showPlacesToListeners).toBe(false);
    expect(detail.nodes.flatMap((n) => n.nodeDoors).every((d) => d.placeTrigger === null)).toBe(
      true,
    );
  });

  it('version 2 round-trips places, triggers and showPlacesToListeners', async () => {
    const graph = await createGraph(getDb(), {
      name: `Places archive ${Date.now()}`,
      showPlacesToListeners: true,
    });
    await createPlace(getDb(), {
      graphUuid: graph.uuid,
      name: 'fountain',
      shape: { kind: 'circle', center: { lat: 52.5, lon: 13.4 }, radiusM: 20 },
      showToListeners: true,
    });
    await createPlace(getDb(), {
      graphUuid: graph.uuid,
      name: 'mill',
      shape: {
        kind: 'polygon',
        vertices: [
          { lat: 52.501, lon: 13.4 },
          { lat: 52.501, lon: 13.401 },
          { lat: 52.502, lon: 13.4005 },
        ],
      },
    });
    const entry = await getEntryNode(getDb(), graph.uuid);
    await createNodeDoor(getDb(), {
      nodeUuid: entry.uuid,
      name: 'nearest',
      placeTrigger: { kind: 'nearest', placeNames: ['mill', 'fountain'], repeat: 'once' },
    });
    const archive = await exportGraphArchive(env(), graph.uuid);
    expect(archive.version).toBe(2);
    expect(archive.places.map((p) => p.name)).toEqual(['fountain', 'mill']);
    const report = await importGraphArchive(env(), JSON.parse(JSON.stringify(archive)));
    const copy = await getGraphDetail(getDb(), report.graphs[0]?.uuid ?? '');
    const original = await getGraphDetail(getDb(), graph.uuid);
    const strip = (d: typeof copy) => ({
      show: d.showPlacesToListeners,
      places: d.places.map((p) => ({ name: p.name, shape: p.shape, show: p.showToListeners })),
      triggers: d.nodes.flatMap((n) => n.nodeDoors.map((door) => door.placeTrigger)),
    });
    expect(strip(copy)).toEqual(strip(original));

    // A trigger naming a place the archive lacks, a bad shape: refused, nothing written.
    const broken = JSON.parse(JSON.stringify(archive)) as typeof archive;
    broken.places = broken.places.filter((p) => p.name !== 'mill');
    await expect(importGraphArchive(env(), broken)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const bowtie = JSON.parse(JSON.stringify(archive)) as typeof archive;
    const mill = bowtie.places.find((p) => p.name === 'mill');
    if (mill)
      mill.shape = {
        kind: 'polygon',
        vertices: [
          { lat: 0, lon: 0 },
          { lat: 0.001, lon: 0.001 },
          { lat: 0, lon: 0.001 },
          { lat: 0.001, lon: 0 },
        ],
      };
    await expect(importGraphArchive(env(), bowtie)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
