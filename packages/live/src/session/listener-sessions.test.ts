// Listener sessions on the live runtime itself, without a GraphQL server: the first message is the
// assigned stream with the session's token, closing the session frees the point at once, a
// dropped connection keeps the stream for the grace period and the token resumes it, and a full
// house answers no-stream.
import { createGraph, getStream, upsertStreamPointFromBeacon, type Database } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, expect, it } from 'vitest';
import type { ListenerMessage } from '../listener-message.ts';
import type { LiveOptions } from '../live-options.ts';
import { createLiveRuntime, type LiveRuntime } from '../live-runtime.ts';
import { createInProcessPubSub } from '../pubsub/pubsub.ts';

const options: LiveOptions = {
  liveWindowMs: 60_000,
  maxListenerSessionsPerClient: 256,
  unstartedGraceMs: 5_000,
  reconnectGraceMs: 5_000,
  endScreenGraceMs: 5_000,
  backendId: 'live-test',
  engineLeaseMs: 15_000,
  listenerSilentMs: undefined,
};

let counter = 0;

async function graphWithPoint(database: Database): Promise<string> {
  counter += 1;
  const graph = await createGraph(database, {
    name: `live sessions ${Date.now().toString(36)}-${counter}`,
    publicVisible: true,
    streamAssignmentPolicy: 'one_user_one_stream',
  });
  // Stamped a minute ahead: live for the whole test, as if it kept beaconing.
  await upsertStreamPointFromBeacon(database, {
    host: '127.0.0.1',
    port: 30_000 + Math.floor(Math.random() * 20_000),
    useInput: false,
    lastLive: new Date(Date.now() + 60_000),
  });
  return graph.uuid;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function first(session: AsyncIterableIterator<ListenerMessage>): Promise<ListenerMessage> {
  const result = await session.next();
  if (result.done) throw new Error('the session ended without a message');
  return result.value;
}

describeEachEngine('listener sessions on the live runtime', (getDb: () => Database) => {
  const runtimes: LiveRuntime[] = [];
  const start = () => {
    const pubsub = createInProcessPubSub();
    const live = createLiveRuntime({ database: getDb(), pubsub, options });
    runtimes.push(live);
    return live;
  };
  afterEach(async () => {
    await Promise.allSettled(runtimes.splice(0).map((live) => live.close()));
  });

  it('yields the stream with a token first and frees the point when the session closes', async () => {
    const db = getDb();
    const graphUuid = await graphWithPoint(db);
    const live = start();
    const session = live.sessions.open({ graphUuid, clientIp: '198.51.100.1' });
    const message = await first(session);
    if (message.type !== 'stream') throw new Error(`expected a stream, got ${message.type}`);
    expect(message.instruction).toBeNull();
    expect(message.listenerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(message.stream.graphUuid).toBe(graphUuid);
    expect((await getStream(db, message.stream.uuid)).numListeners).toBe(1);
    expect(await live.sessions.streamForToken(message.listenerToken)).toBe(message.stream.uuid);

    await session.return?.();
    await eventually(async () => !(await getStream(db, message.stream.uuid)).active);
    expect(live.sessions.heldListenerIds()).toEqual([]);
  });

  it('keeps the stream of a dropped connection and resumes it with the token', async () => {
    const db = getDb();
    const graphUuid = await graphWithPoint(db);
    const live = start();
    const dropped = live.sessions.open({
      graphUuid,
      clientIp: '198.51.100.2',
      connectionClosed: () => true,
    });
    const message = await first(dropped);
    if (message.type !== 'stream') throw new Error(`expected a stream, got ${message.type}`);
    await dropped.return?.();
    expect((await getStream(db, message.stream.uuid)).active).toBe(true);

    const resumed = live.sessions.open({
      graphUuid,
      clientIp: '198.51.100.2',
      listenerToken: message.listenerToken,
    });
    const again = await first(resumed);
    expect(again).toMatchObject({ type: 'stream', listenerToken: message.listenerToken });
    if (again.type === 'stream') expect(again.stream.uuid).toBe(message.stream.uuid);
    expect((await getStream(db, message.stream.uuid)).numListeners).toBe(1);
    await resumed.return?.();
  });

  it('answers no-stream and ends when every point is taken', async () => {
    const db = getDb();
    const graphUuid = await graphWithPoint(db);
    const live = start();
    const holder = live.sessions.open({ graphUuid, clientIp: '198.51.100.3' });
    expect((await first(holder)).type).toBe('stream');
    // Points of earlier tests may still be live: take until none is left.
    const others: AsyncIterableIterator<ListenerMessage>[] = [];
    let last: ListenerMessage;
    do {
      const next = live.sessions.open({ graphUuid, clientIp: '198.51.100.3' });
      others.push(next);
      last = await first(next);
    } while (last.type === 'stream');
    expect(last).toEqual({ type: 'no-stream', error: 'No stream available' });
    expect((await others.at(-1)!.next()).done).toBe(true);
    for (const session of [holder, ...others]) await session.return?.();
  });
});
