// GraphQL results are untyped here; every value read is checked by an expect.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
// Places over GraphQL (issue 19): editors create, update and delete places and door triggers;
// anonymous callers cannot; hostile input is refused with typed errors; listeners see only the
// places the graph shows.
import { describeEachEngine } from '@gencaster/db/testing';
import { getEntryNode } from '@gencaster/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGraph } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';

const createPlace = `mutation($g: UUID!, $p: PlaceCreateInput!) {
  createPlace(graphUuid: $g, place: $p) { uuid name kind radius center { lat lon } vertices { lat lon } showToListeners }
}`;
const circle = { kind: 'CIRCLE', center: { lat: 52.5, lon: 13.4 }, radius: 25 };
const square = {
  kind: 'POLYGON',
  vertices: [
    { lat: 52.501, lon: 13.4 },
    { lat: 52.501, lon: 13.401 },
    { lat: 52.502, lon: 13.401 },
    { lat: 52.502, lon: 13.4 },
  ],
};

describeEachEngine('places API', (getDb) => {
  let server: TestServer;
  let editor: Awaited<ReturnType<typeof createEditor>>;
  beforeAll(async () => {
    server = await startTestServer({ database: getDb() });
    editor = await createEditor(getDb());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an editor creates, renames, reshapes and deletes places and door triggers', async () => {
    const graph = await createTestGraph(getDb());
    const fountain = await gql(
      server.url,
      createPlace,
      { g: graph.uuid, p: { name: 'fountain', shape: circle } },
      editor.bearer,
    );
    expect(fountain.errors).toBeUndefined();
    expect(fountain.data?.createPlace).toMatchObject({
      name: 'fountain',
      kind: 'CIRCLE',
      radius: 25,
      center: { lat: 52.5, lon: 13.4 },
      vertices: [],
      showToListeners: false,
    });
    const mill = await gql(
      server.url,
      createPlace,
      { g: graph.uuid, p: { name: 'mill', shape: square, showToListeners: true } },
      editor.bearer,
    );
    expect(mill.data?.createPlace).toMatchObject({ kind: 'POLYGON', radius: null });
    expect(mill.data?.createPlace.center.lat).toBeCloseTo(52.5015, 6);

    const entry = await getEntryNode(getDb(), graph.uuid);
    const door = await gql(
      server.url,
      `mutation($n: UUID!) { createNodeDoor(nodeUuid: $n, nodeDoorInput: { doorType: OUTPUT, name: "dwell",
        placeTrigger: { kind: INSIDE, placeNames: ["fountain"], dwellSeconds: 30, repeat: ONCE } }) {
        uuid placeTrigger { kind placeNames dwellSeconds repeat } } }`,
      { n: entry.uuid },
      editor.bearer,
    );
    expect(door.errors).toBeUndefined();
    expect(door.data?.createNodeDoor.placeTrigger).toEqual({
      kind: 'INSIDE',
      placeNames: ['fountain'],
      dwellSeconds: 30,
      repeat: 'ONCE',
    });
    const doorUuid = door.data?.createNodeDoor.uuid as string;

    const renamed = await gql(
      server.url,
      `mutation($p: UUID!) { updatePlace(placeUuid: $p, place: { name: "well", shape: { kind: CIRCLE, center: { lat: 52.5, lon: 13.4 }, radius: 40 } }) { name radius } }`,
      { p: fountain.data?.createPlace.uuid },
      editor.bearer,
    );
    expect(renamed.data?.updatePlace).toEqual({ name: 'well', radius: 40 });
    const inUse = await gql(
      server.url,
      `mutation($p: UUID!) { deletePlace(placeUuid: $p) }`,
      { p: fountain.data?.createPlace.uuid },
      editor.bearer,
    );
    expect(inUse.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const read = await gql(
      server.url,
      `query($g: ID!) { graph(pk: $g) { places { name } nodes { nodeDoors { uuid placeTrigger { placeNames } } } } }`,
      { g: graph.uuid },
      editor.bearer,
    );
    const doors = (
      read.data?.graph.nodes as {
        nodeDoors: { uuid: string; placeTrigger: { placeNames: string[] } | null }[];
      }[]
    ).flatMap((n) => n.nodeDoors);
    expect(doors.find((d) => d.uuid === doorUuid)?.placeTrigger?.placeNames).toEqual(['well']);
    expect(read.data?.graph.places).toEqual([{ name: 'mill' }, { name: 'well' }]);

    const cleared = await gql(
      server.url,
      `mutation($d: UUID!) { updateNodeDoor(nodeDoorInput: { uuid: $d, placeTrigger: null }) { ... on NodeDoor { placeTrigger { kind } } } }`,
      { d: doorUuid },
      editor.bearer,
    );
    expect(cleared.errors).toBeUndefined();
    const deleted = await gql(
      server.url,
      `mutation($p: UUID!) { deletePlace(placeUuid: $p) }`,
      { p: fountain.data?.createPlace.uuid },
      editor.bearer,
    );
    expect(deleted.data?.deletePlace).toBe(true);
  });

  it('refuses hostile and broken places with typed errors', async () => {
    const graph = await createTestGraph(getDb());
    const cases: [string, unknown, string, string | undefined][] = [
      [
        'code in the name',
        { name: 'a"); Server.killAll; ("', shape: circle },
        'INVALID_INPUT',
        undefined,
      ],
      ['upper case', { name: 'Fountain', shape: circle }, 'INVALID_INPUT', undefined],
      [
        'latitude out of range',
        { name: 'a', shape: { ...circle, center: { lat: 91, lon: 0 } } },
        'INVALID_INPUT',
        'fields',
      ],
      ['zero radius', { name: 'a', shape: { ...circle, radius: 0 } }, 'INVALID_INPUT', 'fields'],
      ['huge radius', { name: 'a', shape: { ...circle, radius: 1e9 } }, 'INVALID_INPUT', 'fields'],
      [
        'circle without centre',
        { name: 'a', shape: { kind: 'CIRCLE', radius: 5 } },
        'INVALID_INPUT',
        'fields',
      ],
      [
        'two vertices',
        { name: 'a', shape: { kind: 'POLYGON', vertices: square.vertices.slice(0, 2) } },
        'INVALID_INPUT',
        'fields',
      ],
      [
        'self-intersecting',
        {
          name: 'a',
          shape: {
            kind: 'POLYGON',
            vertices: [
              square.vertices[0],
              square.vertices[2],
              square.vertices[1],
              square.vertices[3],
            ],
          },
        },
        'INVALID_INPUT',
        'self_intersecting',
      ],
      [
        'no area',
        {
          name: 'a',
          shape: {
            kind: 'POLYGON',
            vertices: [
              { lat: 1, lon: 1 },
              { lat: 1.001, lon: 1 },
              { lat: 1.002, lon: 1 },
            ],
          },
        },
        'INVALID_INPUT',
        'no_area',
      ],
      [
        '10 000 vertices',
        {
          name: 'a',
          shape: {
            kind: 'POLYGON',
            vertices: Array.from({ length: 10_000 }, (_, i) => ({
              lat: 1 + Math.sin(i) / 1e3,
              lon: 1 + Math.cos(i) / 1e3,
            })),
          },
        },
        'INVALID_INPUT',
        'fields',
      ],
      [
        'a country',
        {
          name: 'a',
          shape: {
            kind: 'POLYGON',
            vertices: [
              { lat: 50, lon: 5 },
              { lat: 50, lon: 15 },
              { lat: 55, lon: 10 },
            ],
          },
        },
        'INVALID_INPUT',
        'too_large',
      ],
    ];
    for (const [label, place, code, reason] of cases) {
      const result = await gql(server.url, createPlace, { g: graph.uuid, p: place }, editor.bearer);
      expect(result.errors?.[0]?.extensions?.code, label).toBe(code);
      if (reason)
        expect(
          (result.errors?.[0]?.extensions?.details as { reason?: string } | undefined)?.reason,
          label,
        ).toBe(reason);
    }
    const entry = await getEntryNode(getDb(), graph.uuid);
    const unknown = await gql(
      server.url,
      `mutation($n: UUID!) { createNodeDoor(nodeUuid: $n, nodeDoorInput: { doorType: OUTPUT, name: "x", placeTrigger: { kind: ENTER, placeNames: ["nowhere"] } }) { uuid } }`,
      { n: entry.uuid },
      editor.bearer,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const places = await gql(
      server.url,
      `query($g: ID!) { graph(pk: $g) { places { name } } }`,
      { g: graph.uuid },
      editor.bearer,
    );
    expect(places.data?.graph.places).toEqual([]);
  });

  it('anonymous callers cannot write places or triggers and see only the places shown', async () => {
    const graph = await createTestGraph(getDb());
    const made = await gql(
      server.url,
      createPlace,
      { g: graph.uuid, p: { name: 'shown', shape: circle, showToListeners: true } },
      editor.bearer,
    );
    await gql(
      server.url,
      createPlace,
      { g: graph.uuid, p: { name: 'hidden', shape: square } },
      editor.bearer,
    );
    const anonymous = await gql(server.url, createPlace, {
      g: graph.uuid,
      p: { name: 'mine', shape: circle },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const update = await gql(
      server.url,
      `mutation($p: UUID!) { updatePlace(placeUuid: $p, place: { name: "x" }) { name } }`,
      { p: made.data?.createPlace.uuid },
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const del = await gql(server.url, `mutation($p: UUID!) { deletePlace(placeUuid: $p) }`, {
      p: made.data?.createPlace.uuid,
    });
    expect(del.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const entry = await getEntryNode(getDb(), graph.uuid);
    const door = await gql(
      server.url,
      `mutation($n: UUID!) { createNodeDoor(nodeUuid: $n, nodeDoorInput: { doorType: OUTPUT, name: "x", placeTrigger: { kind: ENTER, placeNames: ["shown"] } }) { uuid } }`,
      { n: entry.uuid },
    );
    expect(door.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const listen = `query($s: String!) { graphs(filters: { slugName: { exact: $s } }) { showPlacesToListeners places { name } } }`;
    expect((await gql(server.url, listen, { s: graph.slugName })).data?.graphs[0]).toEqual({
      showPlacesToListeners: false,
      places: [],
    });
    const shown = await gql(
      server.url,
      `mutation($g: UUID!) { updateGraph(graphUuid: $g, graphInput: { showPlacesToListeners: true }) { showPlacesToListeners } }`,
      { g: graph.uuid },
      editor.bearer,
    );
    expect(shown.errors).toBeUndefined();
    expect((await gql(server.url, listen, { s: graph.slugName })).data?.graphs[0]).toEqual({
      showPlacesToListeners: true,
      places: [{ name: 'shown' }],
    });
  });
});
