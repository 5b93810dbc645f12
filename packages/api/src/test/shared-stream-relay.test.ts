// A shared stream (one_graph_one_stream) with listeners on two API servers: the engine runs once
// (on the lease holder) and its instructions, dialogs and dead end reach the listeners of the other
// server through pub/sub. The pub/sub here passes every payload through JSON, as Redis does.
import { createNode, type Database } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, expect, it } from 'vitest';
import {
  createInProcessPubSub,
  type EngineFactory,
  type InstructionMessage,
  type PubSub,
} from '@gencaster/live';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient, type WireResult } from '../testing/ws-clients.ts';

/** One in-process bus for all servers; payloads make a JSON round trip like over Redis. */
function wirePubSub(shared: PubSub): PubSub {
  return {
    publish: (topic, payload) =>
      shared.publish(topic, JSON.parse(JSON.stringify(payload ?? null)) as unknown),
    subscribe: (topic) => shared.subscribe(topic),
    close: () => Promise.resolve(),
  };
}

/** Engines that send `<backend> tick <n>` every 100 ms and a dialog every 5th tick. */
function tickingEngines(backendId: string, nodeUuid: string, options: { endAfter?: number }) {
  const running = new Set<string>();
  const resumedFrom: Array<number | null> = [];
  const factory: EngineFactory = ({ stream, walkPosition }) => {
    let stopped = false;
    return {
      async run(onEvent) {
        running.add(stream.uuid);
        const position = (await walkPosition?.load()) ?? null;
        resumedFrom.push(position?.step ?? null);
        let tick = position?.step ?? 0;
        while (!stopped && (options.endAfter === undefined || tick < options.endAfter)) {
          tick += 1;
          await walkPosition?.save({ nodeUuid, step: tick });
          const now = new Date();
          const instruction: InstructionMessage = {
            uuid: crypto.randomUUID(),
            createdDate: now,
            modifiedDate: now,
            instructionText: `${backendId} tick ${tick}`,
            // Listeners see an instruction's state but not its code: the fake says who ran it there.
            state: `${backendId} tick ${tick}` as InstructionMessage['state'],
            returnValue: '',
          };
          onEvent({ type: 'instruction', instruction });
          if (tick % 5 === 0)
            onEvent({
              type: 'dialog',
              dialog: { title: `round ${tick}`, content: [], buttons: [] },
            });
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        running.delete(stream.uuid);
      },
      stop() {
        stopped = true;
        return Promise.resolve();
      },
      releaseBlocking: () => false,
    };
  };
  return { factory, running, resumedFrom };
}

const streamInfo = `subscription ($g: UUID!) {
  streamInfo(graphUuid: $g) {
    __typename
    ... on StreamInfo { stream { uuid } streamInstruction { state createdDate } }
    ... on Dialog { title }
    ... on GraphDeadEnd { error }
  }
}`;

type Info = {
  __typename: string;
  stream?: { uuid: string };
  streamInstruction?: { state: string; createdDate: string } | null;
  title?: string;
  error?: string;
};
const infoOf = (result: WireResult | undefined) => result?.data?.streamInfo as Info | undefined;
const texts = (results: WireResult[]) =>
  results.map((r) => infoOf(r)?.streamInstruction?.state).filter(Boolean) as string[];

describeEachEngine('shared streams across API servers', (getDb: () => Database) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.allSettled(servers.splice(0).map((server) => server.close()));
  });

  async function twoServers(options: { endAfter?: number } = {}) {
    const db = getDb();
    const graph = await createTestGraph(db, { policy: 'one_graph_one_stream' });
    const node = await createNode(db, { graphUuid: graph.uuid, name: 'ticking' });
    await insertLivePoints(db, 1);
    const shared = createInProcessPubSub();
    const start = async (id: string) => {
      const engines = tickingEngines(id, node.uuid, options);
      const server = await startTestServer({
        database: db,
        pubsub: wirePubSub(shared),
        services: { engineFactory: engines.factory },
        options: { backendId: id, engineLeaseMs: 1_000, endScreenGraceMs: 500 },
      });
      servers.push(server);
      return { server, engines };
    };
    return { graph, a: await start('api-a'), b: await start('api-b') };
  }

  it('the listener on the other server hears the one engine, then inherits its walk', async () => {
    const { graph, a, b } = await twoServers();
    const onA = subscribe(wsClient(a.server.wsUrl), streamInfo, { g: graph.uuid });
    const streamUuid = infoOf(await onA.next(20_000))?.stream?.uuid;
    expect(streamUuid).toBeDefined();
    await eventually(() => a.engines.running.has(streamUuid!));

    const onB = subscribe(wsClient(b.server.wsUrl), streamInfo, { g: graph.uuid });
    expect(infoOf(await onB.next(20_000))?.stream?.uuid).toBe(streamUuid);
    // B relays A's walk: instructions (with valid dates after the JSON hop) and dialogs.
    await eventually(() => texts(onB.results).filter((t) => t.startsWith('api-a')).length >= 6);
    expect(b.engines.running.size).toBe(0);
    const relayed = onB.results.map(infoOf);
    expect(relayed.some((info) => info?.__typename === 'Dialog')).toBe(true);
    const dated = relayed.find((info) => info?.streamInstruction)?.streamInstruction;
    expect(Number.isNaN(Date.parse(dated!.createdDate))).toBe(false);
    expect(onB.results.every((r) => r.errors === undefined)).toBe(true);

    // A's listener leaves: B takes the lease over and walks on from A's last step.
    onA.stop();
    await eventually(() => b.engines.running.has(streamUuid!), 20_000);
    expect(a.engines.running.size).toBe(0);
    const lastOfA = Math.max(
      ...texts(onB.results)
        .filter((t) => t.startsWith('api-a'))
        .map((t) => Number(t.split(' ').at(-1))),
    );
    expect(b.engines.resumedFrom[0]).toBeGreaterThanOrEqual(lastOfA);
    await eventually(() => texts(onB.results).some((t) => t.startsWith('api-b')));
    const firstOfB = texts(onB.results).find((t) => t.startsWith('api-b'))!;
    expect(Number(firstOfB.split(' ').at(-1))).toBe(b.engines.resumedFrom[0]! + 1);
    onB.stop();
  }, 60_000);

  it("the holder's dead end ends the sessions on the other server too", async () => {
    const { graph, a, b } = await twoServers({ endAfter: 30 });
    const onA = subscribe(wsClient(a.server.wsUrl), streamInfo, { g: graph.uuid });
    await onA.next(20_000);
    const onB = subscribe(wsClient(b.server.wsUrl), streamInfo, { g: graph.uuid });
    await onB.next(20_000);
    await eventually(() => onA.done && onB.done, 30_000);
    const last = (results: WireResult[]) => infoOf(results.at(-1));
    expect(last(onA.results)).toMatchObject({ __typename: 'GraphDeadEnd' });
    expect(last(onB.results)).toMatchObject({ __typename: 'GraphDeadEnd' });
    // B never ran the walk again after the dead end.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(b.engines.resumedFrom).toEqual([]);
  }, 60_000);
});
