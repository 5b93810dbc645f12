import type { DataAccess } from '../data/data-access.ts';
import type { StreamInfoResponse } from '../schema/types-results.ts';
import type { ApiLogger } from '../server/api-server.ts';
import type { ApiRuntime } from '../server/runtime.ts';
import type { EngineEvent, ListenerEngine } from './engine-factory.ts';
import type { Session } from './listener-sessions.ts';

interface EngineRun {
  streamUuid: string;
  sessions: Set<Session>;
  engine: ListenerEngine | undefined;
  stopped: boolean;
}

/**
 * One engine per stream (not per listener): the first session of a stream starts it, later ones
 * (one_graph_one_stream) join its events, the last one leaving stops it. The engine's dead end
 * sends GraphDeadEnd to every session and completes them.
 */
export function createStreamEngines(options: {
  data: DataAccess;
  runtime: ApiRuntime;
  log: ApiLogger | undefined;
}) {
  const { data, runtime, log } = options;
  const runs = new Map<string, EngineRun>();

  const broadcast = (run: EngineRun, message: (session: Session) => StreamInfoResponse) => {
    for (const session of run.sessions) session.output?.push(message(session));
  };

  const finish = (run: EngineRun, error: string) => {
    if (run.stopped) return;
    run.stopped = true;
    runs.delete(run.streamUuid);
    for (const session of [...run.sessions]) {
      session.finished = true;
      const output = session.output;
      output?.push({ __typename: 'GraphDeadEnd', error });
      output?.end();
    }
  };

  const start = async (run: EngineRun, session: Session) => {
    const factory = runtime.services.engineFactory;
    if (!factory) return;
    const point = await data.getStreamPoint(session.stream.streamPointUuid);
    if (!point || run.stopped) return;
    const engine = factory({
      graphUuid: session.graphUuid,
      stream: session.stream,
      point,
      fresh: true,
      pubsub: runtime.pubsub,
      events: runtime.events,
    });
    run.engine = engine;
    const onEvent = (event: EngineEvent) => {
      if (run.stopped) return;
      if (event.type === 'dialog') broadcast(run, () => event.dialog);
      else
        broadcast(run, (s) => ({
          __typename: 'StreamInfo',
          stream: s.stream,
          streamInstruction: event.instruction,
          listenerToken: s.token,
        }));
    };
    try {
      await engine.run(onEvent);
      finish(run, 'Graph ran into a dead end - finished');
    } catch (error) {
      log?.error({ err: error, stream: run.streamUuid }, 'graph engine stopped with an error');
      finish(run, 'Graph stopped because of an error - finished');
    }
  };

  return {
    attach(session: Session) {
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
      };
      runs.set(run.streamUuid, run);
      void start(run, session).catch((error: unknown) => {
        log?.error({ err: error }, 'starting the graph engine failed');
        finish(run, 'Graph stopped because of an error - finished');
      });
    },
    detach(session: Session) {
      const run = runs.get(session.stream.uuid);
      if (!run) return;
      run.sessions.delete(session);
      if (run.sessions.size > 0) return;
      run.stopped = true;
      runs.delete(run.streamUuid);
      void run.engine
        ?.stop()
        .catch((error: unknown) => log?.warn({ err: error }, 'stopping an engine failed'));
    },
    releaseBlocking(streamUuid: string): boolean {
      return runs.get(streamUuid)?.engine?.releaseBlocking() ?? false;
    },
    async close() {
      const all = [...runs.values()];
      runs.clear();
      await Promise.allSettled(all.map((run) => run.engine?.stop() ?? Promise.resolve()));
    },
  };
}
