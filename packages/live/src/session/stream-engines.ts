import {
  findStreamPoint,
  loadWalkPosition,
  releaseOrphanedStreams,
  saveWalkPosition,
} from '@gencaster/db';
import type { PositionStore } from '@gencaster/story';
import type { ListenerMessage } from '../listener-message.ts';
import { topics } from '../live-events.ts';
import type { LiveParts } from '../live-parts.ts';
import {
  followRemoteEngineEvents,
  publishEngineEvent,
  type RelayedEngineEvent,
} from './engine-event-relay.ts';
import { holdEngineLease, type EngineLeaseHold } from './engine-lease-hold.ts';
import type { ListenerEngine, ListenerEngineEvent } from './engine-factory.ts';
import type { Session } from './listener-session.ts';

interface EngineRun {
  streamUuid: string;
  sessions: Set<Session>;
  engine: ListenerEngine | undefined;
  stopped: boolean;
  /** Resume the persisted walk position (a session moved here from another backend). */
  resume: boolean;
  /** Stopped by a drain: the lease is handed over, listeners resume on another backend. */
  handover: boolean;
  task: Promise<void> | undefined;
  /** Stops following the engine events of other backends (shared streams). */
  unfollow: () => void;
}

/**
 * One engine per stream (not per listener) and, with several backends, one per stream in the whole
 * cluster: the engine runs only while this backend holds the stream's lease in the database
 * (`engine_lease`). The first session of a stream starts it, later ones (one_graph_one_stream) join
 * its events, the last one leaving stops it and releases the lease. A session resumed from another
 * backend waits for that backend's lease to end (released on drain, expired after a crash), then
 * walks on from the persisted node. The engine's dead end sends a dead end to every session
 * (which then holds its stream for the end screen, see `onDeadEnd`).
 * The lease holder publishes its events, so sessions of the same stream on other backends (shared
 * streams) hear the walk while they wait; when the holder's listeners leave, one of them takes the
 * lease over and walks on from the persisted node.
 */
export function createStreamEngines(
  options: LiveParts & {
    /** A session's walk ended (a dead end was pushed): its listener is on the end screen now. */
    onDeadEnd: (session: Session) => void;
  },
) {
  const { database, log, onDeadEnd } = options;
  const parts = options;
  const { backendId, engineLeaseMs } = parts.options;
  const runs = new Map<string, EngineRun>();

  const broadcast = (run: EngineRun, message: (session: Session) => ListenerMessage) => {
    for (const session of run.sessions) session.output?.push(message(session));
  };

  const deliver = (run: EngineRun, event: ListenerEngineEvent) => {
    if (event.type === 'dialog') broadcast(run, () => ({ type: 'dialog', dialog: event.dialog }));
    else
      broadcast(run, (s) => ({
        type: 'stream',
        stream: s.stream,
        instruction: event.instruction,
        listenerToken: s.token,
      }));
  };

  const stopRun = (run: EngineRun) => {
    run.stopped = true;
    run.unfollow();
    if (runs.get(run.streamUuid) === run) runs.delete(run.streamUuid);
  };

  /**
   * Tells every session of the run that the walk ended; the lease holder also tells the other
   * backends. The sessions keep their stream while their listeners are on the end screen.
   */
  const finish = (run: EngineRun, error: string, options: { publish: boolean }) => {
    if (run.stopped) return;
    stopRun(run);
    if (options.publish)
      publishEngineEvent(parts.pubsub, run.streamUuid, backendId, { type: 'dead-end', error });
    for (const session of [...run.sessions]) {
      session.finished = error;
      session.output?.push({ type: 'dead-end', error });
      onDeadEnd(session);
    }
  };

  const walkPosition = (run: EngineRun): PositionStore => ({
    load: () => (run.resume ? loadWalkPosition(database, run.streamUuid) : Promise.resolve(null)),
    save: (position) =>
      saveWalkPosition(database, run.streamUuid, position).catch((error: unknown) =>
        log?.warn({ err: error, stream: run.streamUuid }, 'saving the walk position failed'),
      ),
  });

  /** Runs the engine once while `lease` holds; 'lost' when the lease went to another backend. */
  const runEngine = async (
    run: EngineRun,
    session: Session,
    lease: EngineLeaseHold,
  ): Promise<'ended' | 'lost' | 'stopped'> => {
    const factory = parts.services.engineFactory;
    const point = await findStreamPoint(database, session.stream.streamPointUuid);
    if (!factory || !point || run.stopped) return 'stopped';
    const engine = factory({
      graphUuid: session.graphUuid,
      stream: session.stream,
      point,
      fresh: !run.resume,
      pubsub: parts.pubsub,
      events: parts.events,
      walkPosition: walkPosition(run),
    });
    run.engine = engine;
    const onEvent = (event: ListenerEngineEvent) => {
      if (run.stopped) return;
      deliver(run, event);
      publishEngineEvent(parts.pubsub, run.streamUuid, backendId, event);
    };
    const stopOnLoss = lease.lost.then(() => engine.stop());
    // An editor's release may arrive at any backend: it is published for the lease holder.
    const releases = parts.pubsub.subscribe<unknown>(topics.releaseBlocking(run.streamUuid));
    void (async () => {
      for await (const _release of releases) engine.releaseBlocking();
    })().catch(() => undefined);
    try {
      await engine.run(onEvent);
    } finally {
      run.engine = undefined;
      await releases.return();
    }
    void stopOnLoss;
    if (lease.isLost()) return 'lost';
    return run.stopped ? 'stopped' : 'ended';
  };

  const start = async (run: EngineRun, session: Session) => {
    if (!parts.services.engineFactory) return; // no engines (API-only tests): no lease either
    while (!run.stopped) {
      const lease = await holdEngineLease({
        database,
        streamUuid: run.streamUuid,
        backendId,
        ttlMs: engineLeaseMs,
        isCancelled: () => run.stopped,
        log,
      });
      if (!lease) return;
      // Another backend ran this stream's walk until now (shared stream, drain, crash): go on.
      if (lease.waited) run.resume = true;
      let outcome: 'ended' | 'lost' | 'stopped';
      try {
        outcome = await runEngine(run, session, lease);
      } catch (error) {
        await lease.release(run.handover);
        if (lease.isLost()) outcome = 'lost';
        else throw error;
      }
      await lease.release(run.handover);
      if (outcome === 'ended')
        finish(run, 'Graph ran into a dead end - finished', { publish: true });
      if (outcome !== 'lost') return;
      // Another backend runs this stream now (we were cut off from the database too long): wait
      // as a standby and resume from the persisted node should the lease come back.
      log?.warn({ stream: run.streamUuid }, 'engine lease lost; engine stopped');
      run.resume = true;
    }
  };

  const sweep = setInterval(
    () => {
      releaseOrphanedStreams(database, { graceMs: parts.options.reconnectGraceMs })
        .then(async (released) => {
          if (released.length === 0) return;
          log?.info({ streams: released.map((s) => s.uuid) }, 'released orphaned streams');
          await parts.events.streamsChanged();
        })
        .catch(() => undefined);
    },
    Math.max(engineLeaseMs, 5_000),
  );
  sweep.unref();

  return {
    /** Adds a session to its stream's engine, starting it (and resuming the walk if `resume`). */
    attach(session: Session, attachOptions: { resume?: boolean } = {}) {
      const existing = runs.get(session.stream.uuid);
      if (existing && !existing.stopped) {
        existing.sessions.add(session);
        return;
      }
      const run: EngineRun = {
        streamUuid: session.stream.uuid,
        sessions: new Set([session]),
        engine: undefined,
        stopped: false,
        resume: attachOptions.resume === true,
        handover: false,
        task: undefined,
        unfollow: () => undefined,
      };
      runs.set(run.streamUuid, run);
      run.unfollow = followRemoteEngineEvents(
        parts.pubsub,
        run.streamUuid,
        backendId,
        (event: RelayedEngineEvent) => {
          if (run.stopped || run.engine) return; // this backend runs the engine itself
          if (event.type === 'dead-end') finish(run, event.error, { publish: false });
          else deliver(run, event);
        },
      );
      run.task = start(run, session).catch((error: unknown) => {
        log?.error({ err: error, stream: run.streamUuid }, 'graph engine stopped with an error');
        finish(run, 'Graph stopped because of an error - finished', { publish: true });
      });
    },
    detach(session: Session) {
      const run = runs.get(session.stream.uuid);
      if (!run) return;
      run.sessions.delete(session);
      if (run.sessions.size > 0) return;
      stopRun(run);
      void run.engine
        ?.stop()
        .catch((error: unknown) => log?.warn({ err: error }, 'stopping an engine failed'));
    },
    releaseBlocking(streamUuid: string): boolean {
      return runs.get(streamUuid)?.engine?.releaseBlocking() ?? false;
    },
    /** Stops every engine and releases their leases (shutdown; `handover` on drain). */
    async close(closeOptions: { handover?: boolean } = {}) {
      clearInterval(sweep);
      const all = [...runs.values()];
      runs.clear();
      for (const run of all) {
        stopRun(run);
        run.handover = closeOptions.handover === true;
      }
      await Promise.allSettled(all.map((run) => run.engine?.stop() ?? Promise.resolve()));
      await Promise.allSettled(all.map((run) => run.task ?? Promise.resolve()));
    },
  };
}
