import { createHash, randomBytes } from 'node:crypto';
import {
  assignStream,
  getEngineLease,
  getStream,
  leaveStream,
  type AssignedStream,
  type Database,
} from '@gencaster/db';
import { GencasterError, isGencasterError } from '@gencaster/domain';
import type { DataAccess } from '../data/data-access.ts';
import type { StreamShape } from '../data/shapes.ts';
import { createPushQueue, type PushQueue } from '../pubsub/push-queue.ts';
import { topics, type EndStreamEvent } from '../server/events.ts';
import type { StreamInfoResponse } from '../schema/types-results.ts';
import type { ApiLogger } from '../server/api-server.ts';
import type { ApiContext } from '../server/context.ts';
import type { ApiRuntime, ListenerSessions } from '../server/runtime.ts';
import { createStreamEngines } from './stream-engines.ts';

/** Options of {@link createListenerSessions}. */
export interface ListenerSessionsOptions {
  database: Database;
  data: DataAccess;
  runtime: ApiRuntime;
  log: ApiLogger | undefined;
}

/** One listener's `streamInfo` session; survives a dropped connection for the grace period. */
export interface Session {
  token: string;
  listenerId: string;
  graphUuid: string;
  /** The stream; an assigned one carries its point (StreamInfo pushes need no point query). */
  stream: StreamShape;
  output: PushQueue<StreamInfoResponse> | null;
  /** Reconnect grace after a dropped connection, or the end screen's grace after the dead end. */
  graceTimer: NodeJS.Timeout | undefined;
  left: boolean;
  /** The dead end's message once the walk ended (the listener is on the end screen), else false. */
  finished: string | false;
  /** True once the listener's audio started (the Janus gateway saw its `watch`) or it wrote. */
  listening: boolean;
  /** Gives the session's per-address slot back (once). */
  releaseSlot: () => void;
}

/** Longest wait for the Janus kick of a point's previous audience before a new stream starts. */
const AUDIENCE_KICK_WAIT_MS = 3_000;

/** The listener id stored in the database: a hash, so the token itself is never stored. */
export function listenerIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The `streamInfo` sessions of this process (inventory §4.5, fixed): assignment by policy through
 * the database (race-free), StreamInfo at once, engine events fanned out to every listener of a
 * stream, GraphDeadEnd at the end, and exactly one leave per session — on `complete`, socket close
 * (after the reconnect grace period) or shutdown.
 */
export function createListenerSessions(options: ListenerSessionsOptions): ListenerSessions & {
  /** Number of sessions that are assigned and not yet left (tests, health). */
  readonly size: number;
} {
  const { database, runtime, log } = options;
  const sessions = new Map<string, Session>();
  const pendingLeaves = new Set<Promise<void>>();
  let shuttingDown = false;
  const perClient = new Map<string, number>();
  const maxPerClient = runtime.options.maxListenerSessionsPerClient;
  /** Takes one of the address's session slots; a function giving it back once, or undefined. */
  const takeSlot = (clientIp: string): (() => void) | undefined => {
    const used = perClient.get(clientIp) ?? 0;
    if (used >= maxPerClient) return undefined;
    perClient.set(clientIp, used + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (perClient.get(clientIp) ?? 1) - 1;
      if (left <= 0) perClient.delete(clientIp);
      else perClient.set(clientIp, left);
    };
  };
  /**
   * The walk ended: the listener's page shows the end screen and may still play the point's last
   * sound, so the stream stays theirs until they leave (complete, or a closed socket) or the end
   * screen's grace passes; then the subscription completes and the stream is released.
   */
  const holdEndScreen = (session: Session) => {
    if (session.left || !session.output) return; // disconnected: its reconnect grace ends it
    if (session.graceTimer) clearTimeout(session.graceTimer);
    session.graceTimer = setTimeout(() => {
      session.graceTimer = undefined;
      if (session.output) session.output.end();
      else void leave(session);
    }, runtime.options.endScreenGraceMs);
    session.graceTimer.unref();
  };
  const engines = createStreamEngines({
    database,
    data: options.data,
    runtime,
    log,
    onDeadEnd: holdEndScreen,
  });

  const leave = (session: Session): Promise<void> => {
    if (session.left) return Promise.resolve();
    session.left = true;
    session.releaseSlot();
    if (session.graceTimer) clearTimeout(session.graceTimer);
    sessions.delete(session.token);
    const done = (async () => {
      engines.detach(session);
      try {
        await leaveStream(database, {
          streamUuid: session.stream.uuid,
          listenerId: session.listenerId,
        });
        await runtime.events.streamsChanged();
      } catch (error) {
        log?.error({ err: error, stream: session.stream.uuid }, 'leaving a stream failed');
      }
    })();
    pendingLeaves.add(done);
    void done.finally(() => pendingLeaves.delete(done));
    return done;
  };

  /** A session whose listener row exists in the database but not here; undefined when gone. */
  const adoptSession = async (
    token: string,
    graphUuid: string,
    output: PushQueue<StreamInfoResponse>,
    releaseSlot: () => void,
  ): Promise<Session | undefined> => {
    const listenerId = listenerIdOf(token);
    const row = await database.db
      .selectFrom('streamListener')
      .select('streamUuid')
      .where('listenerId', '=', listenerId)
      .executeTakeFirst();
    if (!row) return undefined;
    const stream = await getStream(database, row.streamUuid).catch(() => undefined);
    if (!stream?.active || stream.graphUuid !== graphUuid) return undefined;
    const session: Session = {
      token,
      listenerId,
      graphUuid,
      stream,
      output,
      graceTimer: undefined,
      left: false,
      finished: false,
      // it listened on the backend it came from, so it keeps the full reconnect grace
      listening: true,
      releaseSlot,
    };
    sessions.set(token, session);
    log?.info({ stream: stream.uuid }, 'listener session resumed from another backend');
    return session;
  };

  /**
   * A new stream on a point: whoever still plays the point's mountpoint (the previous listener's
   * end screen, a stale tab) is cut off before this listener hears anything of its story.
   */
  const endPreviousAudience = async (stream: AssignedStream) => {
    const { services } = runtime;
    if (!services.endPointAudience || stream.numListeners !== 1) return;
    try {
      const { point } = stream;
      // A Janus that does not answer must not keep the new listener waiting for long.
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<void>((done) => (timer = setTimeout(done, AUDIENCE_KICK_WAIT_MS)));
      await Promise.race([services.endPointAudience(point), slow]).finally(() =>
        clearTimeout(timer),
      );
    } catch (error) {
      log?.warn(
        { err: error, point: stream.streamPointUuid },
        "could not end the stream point's previous Janus audience; the new stream starts anyway",
      );
    }
  };

  const streamInfo = (session: Session): StreamInfoResponse => ({
    __typename: 'StreamInfo',
    stream: session.stream,
    streamInstruction: null,
    listenerToken: session.token,
  });

  const open = ({
    graphUuid,
    ctx,
    listenerToken,
  }: {
    graphUuid: string;
    ctx: ApiContext;
    listenerToken?: string | null;
  }) => {
    // Before any database work: one address holds at most maxListenerSessionsPerClient sessions
    // (a token resuming its session in the grace period already holds its slot).
    const resumable = listenerToken ? sessions.get(listenerToken) : undefined;
    const resuming =
      resumable !== undefined &&
      resumable.graphUuid === graphUuid &&
      resumable.output === null &&
      !resumable.left;
    let slot: (() => void) | undefined;
    if (!resuming && !shuttingDown) {
      slot = takeSlot(ctx.clientIp);
      if (slot === undefined) {
        throw new GencasterError(
          'RATE_LIMITED',
          `at most ${maxPerClient} listener sessions per client address`,
          { details: { retryAfterMs: runtime.options.unstartedGraceMs } },
        );
      }
    }
    let session: Session | undefined;
    let cancelled = false;
    const output: PushQueue<StreamInfoResponse> = createPushQueue<StreamInfoResponse>({
      maxQueued: 200,
      onClose: () => {
        cancelled = true;
        if (!session || session.left || session.output !== output) return;
        session.output = null;
        const dropped = ctx.connectionClosed?.() === true;
        // A session that never started listening gives its point back sooner.
        const graceMs = session.listening
          ? runtime.options.reconnectGraceMs
          : Math.min(runtime.options.reconnectGraceMs, runtime.options.unstartedGraceMs);
        if (dropped && !shuttingDown && session.finished === false && graceMs > 0) {
          const current = session;
          current.graceTimer = setTimeout(() => void leave(current), graceMs);
          current.graceTimer.unref();
          return;
        }
        void leave(session);
      },
    });

    /** Starts or adopts the session; true once `releaseSlot` belongs to a session. */
    const startSession = async (releaseSlot: () => void): Promise<boolean> => {
      const resumed = listenerToken ? sessions.get(listenerToken) : undefined;
      if (listenerToken && !resumed) {
        // A session of another backend (it crashed or drained): the stream and the walk go on here.
        const moved = await adoptSession(listenerToken, graphUuid, output, releaseSlot);
        if (moved) {
          session = moved;
          if (cancelled) {
            moved.output = null;
            await leave(moved);
            return true;
          }
          output.push(streamInfo(moved));
          engines.attach(moved, { resume: true });
          return true;
        }
      }
      const token = randomBytes(24).toString('base64url');
      const listenerId = listenerIdOf(token);
      let stream: AssignedStream;
      try {
        stream = await assignStream(database, {
          graphUuid,
          listenerId,
          windowMs: runtime.options.liveWindowMs,
        });
      } catch (error) {
        if (isGencasterError(error, 'NO_STREAM_AVAILABLE')) {
          output.push({ __typename: 'NoStreamAvailable', error: 'No stream available' });
          output.end();
          return false;
        }
        output.fail(error);
        return false;
      }
      session = {
        token,
        listenerId,
        graphUuid,
        stream,
        output,
        graceTimer: undefined,
        left: false,
        finished: false,
        listening: false,
        releaseSlot,
      };
      sessions.set(token, session);
      if (!cancelled && !shuttingDown) await endPreviousAudience(stream);
      if (cancelled || shuttingDown) {
        session.output = null;
        await leave(session);
        return true;
      }
      output.push(streamInfo(session));
      await runtime.events.streamsChanged();
      engines.attach(session);
      return true;
    };

    void (async () => {
      const resumed = listenerToken ? sessions.get(listenerToken) : undefined;
      if (resumed && resumed.graphUuid === graphUuid && resumed.output === null && !resumed.left) {
        if (resumed.graceTimer) clearTimeout(resumed.graceTimer);
        resumed.graceTimer = undefined;
        session = resumed;
        resumed.output = output;
        slot?.();
        if (resumed.finished !== false) {
          // reconnected on the end screen: the walk is over, never a new one behind its back
          output.push({ __typename: 'GraphDeadEnd', error: resumed.finished });
          holdEndScreen(resumed);
          return;
        }
        output.push(streamInfo(resumed));
        return;
      }
      if (shuttingDown) {
        slot?.();
        output.push({ __typename: 'NoStreamAvailable', error: 'No stream available' });
        output.end();
        return;
      }
      const releaseSlot = slot ?? takeSlot(ctx.clientIp);
      if (releaseSlot === undefined) {
        output.push({ __typename: 'NoStreamAvailable', error: 'No stream available' });
        output.end();
        return;
      }
      let handedOver = false;
      try {
        handedOver = await startSession(releaseSlot);
      } finally {
        if (!handedOver) releaseSlot();
      }
    })().catch((error: unknown) => {
      log?.error({ err: error }, 'streamInfo session failed');
      output.fail(error);
    });
    return output;
  };

  /** Ends this process's sessions of a stream (admin action): GraphDeadEnd, then they leave. */
  const endLocalSessions = async (streamUuid: string): Promise<number> => {
    const holding = [...sessions.values()].filter(
      (session) => session.stream.uuid === streamUuid && !session.left,
    );
    for (const session of holding) {
      const out = session.output;
      session.output = null;
      out?.push({ __typename: 'GraphDeadEnd', error: 'The stream was ended by an admin.' });
      out?.end();
    }
    await Promise.all(holding.map((session) => leave(session)));
    return holding.length;
  };
  // Streams ended on another backend: their sessions here end too.
  const endRequests = runtime.pubsub.subscribe<EndStreamEvent>(topics.endStream);
  void (async () => {
    for await (const request of endRequests) await endLocalSessions(request.streamUuid);
  })().catch((error: unknown) => log?.error({ err: error }, 'ending a stream failed'));

  return {
    get size() {
      return sessions.size;
    },
    heldListenerIds: () => [...sessions.values()].map((session) => session.listenerId),
    markListening(token) {
      const session = sessions.get(token);
      if (session && !session.left) session.listening = true;
    },
    open,
    async streamForToken(token) {
      const local = sessions.get(token);
      if (local && !local.left) return local.stream.uuid;
      // Sessions of other backends: the token's hash is the listener id counted in the database.
      const row = await database.db
        .selectFrom('streamListener')
        .select('streamUuid')
        .where('listenerId', '=', listenerIdOf(token))
        .executeTakeFirst();
      return row?.streamUuid;
    },
    async releaseBlockingNode(streamUuid) {
      if (engines.releaseBlocking(streamUuid)) return true;
      // The engine may run on another backend: ask the lease holder through the pub/sub.
      const lease = await getEngineLease(database, streamUuid);
      const elsewhere =
        lease !== undefined &&
        lease.backendId !== runtime.options.backendId &&
        lease.expiresAt.getTime() > Date.now();
      if (elsewhere) await runtime.pubsub.publish(topics.releaseBlocking(streamUuid), {});
      return elsewhere;
    },
    async endStream(streamUuid) {
      const ended = await endLocalSessions(streamUuid);
      await runtime.pubsub.publish(topics.endStream, { streamUuid } satisfies EndStreamEvent);
      return ended;
    },
    async close() {
      shuttingDown = true;
      void endRequests.return();
      const all = [...sessions.values()];
      for (const session of all) {
        const out = session.output;
        session.output = null;
        out?.end();
      }
      await Promise.all(all.map((session) => leave(session)));
      await Promise.all([...pendingLeaves]);
      await engines.close();
    },
    async drain() {
      shuttingDown = true;
      void endRequests.return();
      // Walks that ended have nothing to hand over: those listeners leave (and their points free).
      const ended = [...sessions.values()].filter((session) => session.finished !== false);
      for (const session of ended) {
        const out = session.output;
        session.output = null;
        out?.end();
      }
      await Promise.all(ended.map((session) => leave(session)));
      // Nobody else leaves: the listener rows stay, so the tokens resume on another backend.
      for (const session of sessions.values()) {
        if (session.graceTimer) clearTimeout(session.graceTimer);
        session.left = true;
        session.output = null;
      }
      sessions.clear();
      await Promise.all([...pendingLeaves]);
      await engines.close({ handover: true });
    },
  };
}
