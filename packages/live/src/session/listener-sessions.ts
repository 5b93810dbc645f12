import { createHash, randomBytes } from 'node:crypto';
import {
  assignStream,
  findListenerStreamUuid,
  getEngineLease,
  getStream,
  leaveStream,
  type AssignedStream,
} from '@gencaster/db';
import { GencasterError, isGencasterError } from '@gencaster/domain';
import type { ListenerMessage } from '../listener-message.ts';
import { topics, type EndStreamEvent } from '../live-events.ts';
import type { LiveParts } from '../live-parts.ts';
import { createPushQueue, type PushQueue } from '../pubsub/push-queue.ts';
import type { Session } from './listener-session.ts';
import { createStreamEngines } from './stream-engines.ts';

/** Input of {@link ListenerSessions.open}. */
export interface OpenListenerSession {
  graphUuid: string;
  /** The caller's address: one address holds at most `maxListenerSessionsPerClient` sessions. */
  clientIp: string;
  /** True when the connection dropped (then the session keeps its grace), false on a close. */
  connectionClosed?: () => boolean;
  /** The token of a session in its grace period (here or on another backend) to resume. */
  listenerToken?: string | null;
}

/** The listener sessions of this process. */
export interface ListenerSessions {
  /** Starts (or, with the token of a session in its grace period, resumes) a listener session. */
  open(input: OpenListenerSession): AsyncIterableIterator<ListenerMessage>;
  /** Stream uuid of the running session with this listener token. */
  streamForToken(token: string): Promise<string | undefined>;
  releaseBlockingNode(streamUuid: string): Promise<boolean>;
  /**
   * Ends the sessions that hold `streamUuid` (admin action): each gets a dead end and
   * completes, its engine stops, the listener leaves; other backends are told through the pub/sub.
   * Resolves with how many ended here.
   */
  endStream(streamUuid: string): Promise<number>;
  /** Ends every session (server shutdown): each leave is counted once. */
  close(): Promise<void>;
  /**
   * Hands every session over to other backends (graceful drain): engines stop and release their
   * leases, nobody leaves a stream, new sessions get no-stream.
   */
  drain(): Promise<void>;
  /** Listener ids of the sessions this process holds, in their grace period too (presence). */
  heldListenerIds(): string[];
  /**
   * Marks the session of this token as listening (its audio started: the Janus gateway saw its
   * `watch`, or it wrote a variable); sessions never marked keep only `unstartedGraceMs` of grace.
   */
  markListening(token: string): void;
}

/** Longest wait for the Janus kick of a point's previous audience before a new stream starts. */
const AUDIENCE_KICK_WAIT_MS = 3_000;

/** The listener id stored in the database: a hash, so the token itself is never stored. */
export function listenerIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The listener sessions of this process (the API's `streamInfo`): assignment
 * by policy through the database (race-free), a stream message at once, engine events fanned out
 * to every listener of a stream, a dead end at the end, and exactly one leave per session — on
 * closing the session, a dropped connection (after the reconnect grace period) or shutdown.
 */
export function createListenerSessions(parts: LiveParts): ListenerSessions & {
  /** Number of sessions that are assigned and not yet left (tests, health). */
  readonly size: number;
} {
  const { database, log } = parts;
  const sessions = new Map<string, Session>();
  const pendingLeaves = new Set<Promise<void>>();
  let shuttingDown = false;
  const perClient = new Map<string, number>();
  const maxPerClient = parts.options.maxListenerSessionsPerClient;
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
    }, parts.options.endScreenGraceMs);
    session.graceTimer.unref();
  };
  const engines = createStreamEngines({ ...parts, onDeadEnd: holdEndScreen });

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
        await parts.events.streamsChanged();
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
    output: PushQueue<ListenerMessage>,
    releaseSlot: () => void,
  ): Promise<Session | undefined> => {
    const listenerId = listenerIdOf(token);
    const streamUuid = await findListenerStreamUuid(database, listenerId);
    if (streamUuid === undefined) return undefined;
    const stream = await getStream(database, streamUuid).catch(() => undefined);
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
    const { services } = parts;
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

  const streamInfo = (session: Session): ListenerMessage => ({
    type: 'stream',
    stream: session.stream,
    instruction: null,
    listenerToken: session.token,
  });

  const open = ({ graphUuid, clientIp, connectionClosed, listenerToken }: OpenListenerSession) => {
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
      slot = takeSlot(clientIp);
      if (slot === undefined) {
        throw new GencasterError(
          'RATE_LIMITED',
          `at most ${maxPerClient} listener sessions per client address`,
          { details: { retryAfterMs: parts.options.unstartedGraceMs } },
        );
      }
    }
    let session: Session | undefined;
    let cancelled = false;
    const output: PushQueue<ListenerMessage> = createPushQueue<ListenerMessage>({
      maxQueued: 200,
      onClose: () => {
        cancelled = true;
        if (!session || session.left || session.output !== output) return;
        session.output = null;
        const dropped = connectionClosed?.() === true;
        // A session that never started listening gives its point back sooner.
        const graceMs = session.listening
          ? parts.options.reconnectGraceMs
          : Math.min(parts.options.reconnectGraceMs, parts.options.unstartedGraceMs);
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
          windowMs: parts.options.liveWindowMs,
        });
      } catch (error) {
        if (isGencasterError(error, 'NO_STREAM_AVAILABLE')) {
          output.push({ type: 'no-stream', error: 'No stream available' });
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
      await parts.events.streamsChanged();
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
          output.push({ type: 'dead-end', error: resumed.finished });
          holdEndScreen(resumed);
          return;
        }
        output.push(streamInfo(resumed));
        return;
      }
      if (shuttingDown) {
        slot?.();
        output.push({ type: 'no-stream', error: 'No stream available' });
        output.end();
        return;
      }
      const releaseSlot = slot ?? takeSlot(clientIp);
      if (releaseSlot === undefined) {
        output.push({ type: 'no-stream', error: 'No stream available' });
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
      out?.push({ type: 'dead-end', error: 'The stream was ended by an admin.' });
      out?.end();
    }
    await Promise.all(holding.map((session) => leave(session)));
    return holding.length;
  };
  // Streams ended on another backend: their sessions here end too.
  const endRequests = parts.pubsub.subscribe<EndStreamEvent>(topics.endStream);
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
      return findListenerStreamUuid(database, listenerIdOf(token));
    },
    async releaseBlockingNode(streamUuid) {
      if (engines.releaseBlocking(streamUuid)) return true;
      // The engine may run on another backend: ask the lease holder through the pub/sub.
      const lease = await getEngineLease(database, streamUuid);
      const elsewhere =
        lease !== undefined &&
        lease.backendId !== parts.options.backendId &&
        lease.expiresAt.getTime() > Date.now();
      if (elsewhere) await parts.pubsub.publish(topics.releaseBlocking(streamUuid), {});
      return elsewhere;
    },
    async endStream(streamUuid) {
      const ended = await endLocalSessions(streamUuid);
      await parts.pubsub.publish(topics.endStream, { streamUuid } satisfies EndStreamEvent);
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
