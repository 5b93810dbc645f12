import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { LoadRecorder } from './load-recorder.ts';

const streamInfoQuery = `subscription ($graphUuid: UUID!, $listenerToken: String) {
  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid streamPoint { uuid } } }
    ... on Dialog { title content { __typename ... on Input { key } } }
    ... on NoStreamAvailable { error }
    ... on GraphDeadEnd { error }
  }
}`;
const writeMutation = `mutation ($token: String, $vars: [StreamVariableInput!]!) {
  createUpdateStreamVariable(listenerToken: $token, streamVariables: $vars) { key value }
}`;

interface StreamInfoEvent {
  __typename: string;
  listenerToken?: string;
  stream?: { uuid: string; streamPoint: { uuid: string } };
  content?: Array<{ __typename: string; key?: string }>;
}

/** Timing of one simulated listener (all in ms, ranges are [min, max]). */
export interface ListenerBehaviour {
  /** Pause after NoStreamAvailable before asking again. */
  noStreamPause: [number, number];
  /** How long a session lasts before the listener leaves. */
  sessionLength: [number, number];
  /** Pause between leaving and joining again. */
  rejoinPause: [number, number];
  /** Time to answer a dialog. */
  thinkTime: [number, number];
  /** Share of leaves that are a dropped socket followed by a resume with the listener token. */
  dropShare: number;
  /** How long to wait for the first streamInfo answer before giving up (and asking again). */
  answerTimeoutMs: number;
}

/** Where and what one simulated listener joins. */
export interface SimulatedListenerOptions {
  id: number;
  wsUrl: string;
  graphUuid: string;
  behaviour: ListenerBehaviour;
  recorder: LoadRecorder;
  /** The run ends: stop joining; `hold` keeps a running session open for the final count. */
  deadline: number;
  random: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (random: () => number, [min, max]: [number, number]) => min + random() * (max - min);

/** One session: a streamInfo subscription whose events are handled until it ends or is left. */
interface Session {
  events: StreamInfoEvent[];
  wake: () => void;
  ended: boolean;
  error: unknown;
  unsubscribe: () => void;
}

function subscribe(client: Client, graphUuid: string, listenerToken?: string): Session {
  const session: Session = {
    events: [],
    wake: () => undefined,
    ended: false,
    error: undefined,
    unsubscribe: () => undefined,
  };
  session.unsubscribe = client.subscribe<{ streamInfo: StreamInfoEvent }>(
    { query: streamInfoQuery, variables: { graphUuid, listenerToken: listenerToken ?? null } },
    {
      next: (result) => {
        if (result.errors?.length) session.error = new Error(result.errors[0]!.message);
        else if (result.data) session.events.push(result.data.streamInfo);
        session.wake();
      },
      error: (error) => {
        session.error = error;
        session.ended = true;
        session.wake();
      },
      complete: () => {
        session.ended = true;
        session.wake();
      },
    },
  );
  return session;
}

/** Waits for the next event of a session (or its end), at most `timeoutMs`. */
async function nextEvent(
  session: Session,
  timeoutMs: number,
): Promise<StreamInfoEvent | 'ended' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (session.error) throw new Error(describeError(session.error));
    const event = session.events.shift();
    if (event) return event;
    if (session.ended) return 'ended';
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      session.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function openClient(wsUrl: string): Client {
  // One socket per listener for its whole visit, as the listener page keeps one.
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    keepAlive: 10_000,
    onNonLazyError: () => undefined,
  });
}

/**
 * Runs one listener until the deadline: join (streamInfo), answer every dialog by writing the
 * asked-for variable plus a unique variable (both acknowledged writes are recorded), leave after a
 * while (complete, or drop the socket and resume with the token), join again; after
 * NoStreamAvailable wait and ask again. Returns the session still open at the deadline (for the
 * final count) or undefined.
 */
export async function runSimulatedListener(
  o: SimulatedListenerOptions,
): Promise<{ streamUuid: string; leave: () => Promise<void> } | undefined> {
  const { recorder, random, behaviour } = o;
  let client = openClient(o.wsUrl);
  let writes = 0;
  try {
    while (Date.now() < o.deadline) {
      let hold: { end(): void } | undefined;
      try {
        const asked = performance.now();
        let session = subscribe(client, o.graphUuid);
        const first = await nextEvent(session, behaviour.answerTimeoutMs);
        if (first === 'timeout') {
          // The backends are saturated: counted apart from wrong answers, then asked again.
          recorder.timeout();
          session.unsubscribe();
          await sleep(pick(random, behaviour.noStreamPause));
          continue;
        }
        if (first === 'ended') {
          recorder.error(o.id, 'streamInfo ended without an answer');
          session.unsubscribe();
          await sleep(pick(random, behaviour.noStreamPause));
          continue;
        }
        if (first.__typename === 'NoStreamAvailable') {
          recorder.noStream(performance.now() - asked);
          await sleep(pick(random, behaviour.noStreamPause));
          continue;
        }
        if (first.__typename !== 'StreamInfo' || !first.stream || !first.listenerToken) {
          recorder.error(o.id, `unexpected first event ${first.__typename}`);
          session.unsubscribe();
          continue;
        }
        const stream = first.stream;
        const token = first.listenerToken;
        const held = recorder.assigned(
          o.id,
          stream.streamPoint.uuid,
          stream.uuid,
          performance.now() - asked,
        );
        hold = held;
        const leaveAt = Date.now() + pick(random, behaviour.sessionLength);
        let dropped = false;
        while (Date.now() < Math.min(leaveAt, o.deadline)) {
          const event = await nextEvent(
            session,
            Math.max(1, Math.min(leaveAt, o.deadline) - Date.now()),
          );
          if (event === 'timeout') break;
          if (event === 'ended') {
            recorder.error(o.id, 'session ended by the server');
            break;
          }
          if (event.__typename === 'Dialog') {
            recorder.dialog();
            await sleep(pick(random, behaviour.thinkTime));
            const key = event.content?.find((item) => item.key)?.key ?? 'answer';
            const unique = `w_${o.id}_${writes++}`;
            const value = `${o.id}-${writes}-${Math.floor(random() * 1e9)}`;
            const vars = [
              { streamUuid: stream.uuid, key, value: 'ok' },
              { streamUuid: stream.uuid, key: unique, value },
            ];
            try {
              await mutate(client, { token, vars });
              recorder.written(stream.uuid, unique, value);
            } catch (error) {
              recorder.error(o.id, `variable write failed: ${String(error)}`);
            }
          } else if (event.__typename !== 'StreamInfo') {
            recorder.error(o.id, `unexpected event ${event.__typename}`);
          }
          // Mid-session drop and resume (once per session at most).
          if (!dropped && random() < behaviour.dropShare / 3) {
            dropped = true;
            await client.dispose();
            client = openClient(o.wsUrl);
            await sleep(pick(random, [100, 600]));
            const started = performance.now();
            session = subscribe(client, o.graphUuid, token);
            const again = await nextEvent(session, 30_000);
            if (again === 'timeout' || again === 'ended' || again.__typename !== 'StreamInfo') {
              recorder.error(
                o.id,
                `resume failed: ${typeof again === 'string' ? again : again.__typename}`,
              );
              held.end();
              session.unsubscribe();
              break;
            }
            recorder.resumed(again.stream?.uuid === stream.uuid, performance.now() - started);
          }
        }
        if (Date.now() >= o.deadline && !session.ended && !session.error) {
          return {
            streamUuid: stream.uuid,
            leave: async () => {
              held.end();
              session.unsubscribe();
              await sleep(50);
            },
          };
        }
        held.end();
        session.unsubscribe();
        await sleep(pick(random, behaviour.rejoinPause));
      } catch (error) {
        // A closed socket or a failed subscription: counted, then a new socket and a new join.
        recorder.error(o.id, describeError(error));
        hold?.end();
        await client.dispose();
        client = openClient(o.wsUrl);
        await sleep(pick(random, behaviour.noStreamPause));
      }
    }
    return undefined;
  } catch (error) {
    recorder.error(o.id, describeError(error));
    return undefined;
  } finally {
    if (Date.now() < o.deadline) await client.dispose();
    else recorder.keepClient(client);
  }
}

function mutate(client: Client, variables: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let data: unknown;
    client.subscribe(
      { query: writeMutation, variables },
      {
        next: (result) => {
          if (result.errors?.length) reject(new Error(result.errors[0]!.message));
          data = result.data;
        },
        error: reject,
        complete: () => (data ? resolve(data) : reject(new Error('no data'))),
      },
    );
  });
}

/** A readable text for an Error, a WebSocket CloseEvent or GraphQL errors. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: unknown; reason?: unknown };
    return `socket closed ${String(code)} ${typeof reason === 'string' ? reason : ''}`.trim();
  }
  return JSON.stringify(error) ?? 'unknown error';
}

/** Options of {@link startSimulatedListeners}. */
export interface SimulatedListenersOptions {
  /** Backend base URLs; listener i uses backend i mod n. */
  backends: readonly string[];
  graphUuid: string;
  listeners: number;
  behaviour: ListenerBehaviour;
  recorder: LoadRecorder;
  /** Listener starts are spread over this time. */
  rampMs: number;
  /** When the run ends; read on every loop turn, so it may move. */
  deadline: () => number;
  random: () => number;
}

/** Starts `listeners` simulated listeners; each promise gives its session still open at the end. */
export function startSimulatedListeners(o: SimulatedListenersOptions) {
  return Array.from({ length: o.listeners }, async (_, id) => {
    await sleep((id / o.listeners) * o.rampMs);
    const url = o.backends[id % o.backends.length]!;
    return runSimulatedListener({
      id,
      wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
      graphUuid: o.graphUuid,
      behaviour: o.behaviour,
      recorder: o.recorder,
      get deadline() {
        return o.deadline();
      },
      random: o.random,
    });
  });
}
