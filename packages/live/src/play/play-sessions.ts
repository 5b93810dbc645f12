import { randomUUID } from 'node:crypto';
import {
  claimPlayStream,
  findStreamPoint,
  getGraph,
  getNode,
  leaveStream,
  listStreamVariables,
  missingAsUndefined,
} from '@gencaster/db';
import { GencasterError, isGencasterError, type Stream } from '@gencaster/domain';
import type { Dialog } from '@gencaster/story';
import type { InstructionMessage } from '../listener-message.ts';
import { topics } from '../live-events.ts';
import type { LiveParts } from '../live-parts.ts';
import { createPushQueue, type PushQueue } from '../pubsub/push-queue.ts';
import type { ListenerEngine } from '../session/engine-factory.ts';
import { streamPositionTopic, type StreamPosition } from './stream-position.ts';

/** What a play session reports, in order: STARTED, then NODE/INSTRUCTION/DIALOG/… and ENDED. */
export type PlayEventKind =
  'STARTED' | 'NODE' | 'BLOCKED' | 'INSTRUCTION' | 'DIALOG' | 'VARIABLES' | 'ENDED' | 'NO_STREAM';

/** One message of a play session (the API's `playGraph` subscription). */
export interface PlayEvent {
  kind: PlayEventKind;
  stream: Stream | null;
  nodeUuid: string | null;
  instruction: InstructionMessage | null;
  dialog: Dialog | null;
  variables: { key: string; value: string }[] | null;
  message: string | null;
}

interface PlayRun {
  stream: Stream;
  listenerId: string;
  engine: ListenerEngine | undefined;
  closed: boolean;
  /** Stops the engine, leaves the stream (frees the point) and ends the subscription. */
  stop(): Promise<void>;
}

/** The editors' play sessions of this process (see {@link createPlaySessions}). */
export interface PlaySessions {
  /** Starts a play session; the caller must have checked that the viewer is an editor. */
  open(input: { graphUuid: string; startNodeUuid: string | null }): PushQueue<PlayEvent>;
  /** Releases the blocking node the play engine of this stream waits on; false if none. */
  release(streamUuid: string): boolean;
  /** Stops every play session (server shutdown). */
  close(): Promise<void>;
  /** Listener ids of the streams this process's play sessions hold (presence stamps). */
  heldListenerIds(): string[];
}

const empty = {
  stream: null,
  nodeUuid: null,
  instruction: null,
  dialog: null,
  variables: null,
  message: null,
} as const;

/**
 * Editors try a graph out from any node: a session claims its own stream on a free stream point
 * (never a listener's), runs the engine from the chosen node (or the entry node), and reports the
 * engine's position, instructions, dialogs and every variable change, so the editor can follow the
 * walk on the canvas and listen to the point. Unsubscribing stops the engine and frees the point.
 */
export function createPlaySessions(parts: LiveParts): PlaySessions {
  const { database, log } = parts;
  const runs = new Map<string, PlayRun>();

  const open: PlaySessions['open'] = ({ graphUuid, startNodeUuid }) => {
    let run: PlayRun | undefined;
    const listenerId = `editor-play:${randomUUID()}`;
    const subscriptions: { return(): Promise<unknown> }[] = [];
    const stop = async () => {
      for (const subscription of subscriptions.splice(0)) void subscription.return();
      if (!run || run.closed) return;
      run.closed = true;
      runs.delete(run.stream.uuid);
      output.end();
      await run.engine?.stop().catch((error: unknown) => log?.warn({ err: error }, 'play stop'));
      try {
        await leaveStream(database, { streamUuid: run.stream.uuid, listenerId });
        await parts.events.streamsChanged();
      } catch (error) {
        log?.error({ err: error, stream: run.stream.uuid }, 'leaving a play stream failed');
      }
    };
    const output = createPushQueue<PlayEvent>({ maxQueued: 500, onClose: () => void stop() });
    const push = (event: Partial<PlayEvent> & { kind: PlayEventKind }) =>
      output.push({ ...empty, stream: run?.stream ?? null, ...event });
    const variables = async (streamUuid: string) =>
      (await listStreamVariables(database, streamUuid)).map(({ key, value }) => ({ key, value }));

    void (async () => {
      if ((await missingAsUndefined(getGraph(database, graphUuid))) === undefined)
        throw new GencasterError('NOT_FOUND', `graph ${graphUuid} does not exist`);
      if (startNodeUuid !== null) {
        const node = await missingAsUndefined(getNode(database, startNodeUuid));
        if (node?.graphUuid !== graphUuid)
          throw new GencasterError('NOT_FOUND', `node ${startNodeUuid} is not in this graph`);
      }
      let stream: Stream;
      try {
        stream = await claimPlayStream(database, {
          graphUuid,
          listenerId,
          windowMs: parts.options.liveWindowMs,
        });
      } catch (error) {
        if (!isGencasterError(error, 'NO_STREAM_AVAILABLE')) throw error;
        push({ kind: 'NO_STREAM', message: 'No stream point is free.' });
        output.end();
        return;
      }
      run = { stream, listenerId, engine: undefined, closed: false, stop };
      runs.set(stream.uuid, run);
      if (output.closed) return stop();
      const current = run;
      const positions = parts.pubsub.subscribe<StreamPosition>(streamPositionTopic(stream.uuid));
      const changes = parts.pubsub.subscribe(topics.variables(stream.uuid));
      subscriptions.push(positions, changes);
      push({ kind: 'STARTED', variables: await variables(stream.uuid) });
      await parts.events.streamsChanged();
      void (async () => {
        for await (const position of positions) {
          const kind = position.blocked ? 'BLOCKED' : 'NODE';
          push({ kind, nodeUuid: position.nodeUuid });
        }
      })();
      void (async () => {
        for await (const _change of changes) {
          if (current.closed) return;
          push({ kind: 'VARIABLES', variables: await variables(stream.uuid) });
        }
      })().catch(() => undefined);
      const factory = parts.services.engineFactory;
      const point = await findStreamPoint(database, stream.streamPointUuid);
      if (!factory || !point) {
        push({ kind: 'ENDED', message: 'This server runs no graph engines.' });
        output.end();
        return;
      }
      if (current.closed) return;
      current.engine = factory({
        graphUuid,
        stream,
        point,
        fresh: true,
        pubsub: parts.pubsub,
        events: parts.events,
        startNodeUuid,
      });
      try {
        await current.engine.run((event) => {
          if (current.closed) return;
          if (event.type === 'dialog') push({ kind: 'DIALOG', dialog: event.dialog });
          else push({ kind: 'INSTRUCTION', instruction: event.instruction });
        });
        if (!current.closed) push({ kind: 'ENDED', message: 'The walk reached a dead end.' });
      } catch (error) {
        log?.error({ err: error, stream: stream.uuid }, 'play engine stopped with an error');
        if (!current.closed) push({ kind: 'ENDED', message: 'The engine stopped with an error.' });
      }
      output.end();
    })().catch((error: unknown) => {
      output.fail(error);
    });
    return output;
  };

  return {
    open,
    release(streamUuid) {
      return runs.get(streamUuid)?.engine?.releaseBlocking() ?? false;
    },
    heldListenerIds: () => [...runs.values()].map((run) => run.listenerId),
    async close() {
      const all = [...runs.values()];
      await Promise.allSettled(all.map((run) => run.stop()));
      runs.clear();
    },
  };
}
