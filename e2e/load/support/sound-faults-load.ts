import type { Database } from '@gencaster/db';
import {
  lostWriteCount,
  noInvariantSamples,
  sampleInvariants,
  type InvariantFigures,
} from './load-checks.ts';
import { createLoadRecorder, type ListenerFigures, type LoadRecorder } from './load-recorder.ts';
import { startSimulatedListeners, type ListenerBehaviour } from './simulated-listener.ts';

/** Options of {@link startBackgroundLoad}. */
export interface BackgroundLoadOptions {
  /** Backend base URLs; listener i uses backend i mod n. */
  backends: readonly string[];
  graphUuid: string;
  listeners: number;
  behaviour: ListenerBehaviour;
  database: Database;
  /** Listener starts are spread over this time (default 3 s). */
  rampMs?: number;
}

/** Samples (once a second) in which a database invariant was broken; all must stay 0. */
export type InvariantBreaches = InvariantFigures;

/** What the load saw once stopped. */
export interface BackgroundLoadReport {
  listeners: ListenerFigures;
  invariants: InvariantBreaches;
  /** Sessions open at the stop vs the listeners the database counted on their streams. */
  finalHeld: number;
  finalCounted: number;
  /** After everyone left: active streams and listener rows of the graph left over (0 and 0). */
  leftoverActiveStreams: number;
  leftoverListenerRows: number;
  /** Acknowledged variable writes missing from the database (0). */
  lostWrites: number;
}

/** Simulated listeners running until {@link BackgroundLoad.stop}, with the invariants sampled. */
export interface BackgroundLoad {
  recorder: LoadRecorder;
  invariants: InvariantBreaches;
  stop(): Promise<BackgroundLoadReport>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Active streams, or listener rows, of one graph. */
async function count(database: Database, graphUuid: string, what: 'active' | 'rows') {
  const row =
    what === 'active'
      ? await database.db
          .selectFrom('stream')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('active', '=', true)
          .where('graphUuid', '=', graphUuid)
          .executeTakeFirstOrThrow()
      : await database.db
          .selectFrom('streamListener')
          .innerJoin('stream', 'stream.uuid', 'streamListener.streamUuid')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('stream.graphUuid', '=', graphUuid)
          .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Starts `listeners` simulated listeners (join, answer dialogs with acknowledged variable writes,
 * leave, drop and resume, join again) that keep going until `stop()`, and samples the database
 * invariants every second meanwhile. `stop()` ends the run like the load tests do: compares the
 * sessions still open with the database's counts, lets everyone leave, checks that the database
 * drains to zero and that every acknowledged write is stored.
 */
export function startBackgroundLoad(o: BackgroundLoadOptions): BackgroundLoad {
  const recorder = createLoadRecorder();
  const invariants = noInvariantSamples();
  const sample = () => sampleInvariants(o.database, invariants);
  let stopAt = Number.POSITIVE_INFINITY;
  const sampler = (async () => {
    while (Date.now() < stopAt) {
      await sample().catch((error: unknown) =>
        recorder.error(-1, `invariant query failed: ${String(error)}`),
      );
      await sleep(1000);
    }
  })();
  // The run lasts until stop() moves the deadline to now.
  const runs = startSimulatedListeners({
    ...o,
    recorder,
    rampMs: o.rampMs ?? 3000,
    deadline: () => stopAt,
    random: Math.random,
  });

  return {
    recorder,
    invariants,
    async stop() {
      stopAt = Date.now();
      const open = (await Promise.all(runs)).filter((entry) => entry !== undefined);
      await sampler;
      await sleep(1000);
      const held = open.map((entry) => entry.streamUuid);
      const counted =
        held.length === 0
          ? []
          : await o.database.db
              .selectFrom('stream')
              .select(['numListeners', 'active'])
              .where('uuid', 'in', held)
              .execute();
      const finalCounted = counted.reduce(
        (sum, row) => sum + (row.active ? row.numListeners : 0),
        0,
      );
      await sample();

      await Promise.all(open.map((entry) => entry.leave()));
      await recorder.disposeClients();
      let leftover = { active: -1, rows: -1 };
      for (let i = 0; i < 60; i++) {
        leftover = {
          active: await count(o.database, o.graphUuid, 'active'),
          rows: await count(o.database, o.graphUuid, 'rows'),
        };
        if (leftover.active === 0 && leftover.rows === 0) break;
        await sleep(500);
      }

      const lostWrites = await lostWriteCount(o.database, recorder.writes());
      return {
        listeners: recorder.figures(),
        invariants: { ...invariants },
        finalHeld: open.length,
        finalCounted,
        leftoverActiveStreams: leftover.active,
        leftoverListenerRows: leftover.rows,
        lostWrites,
      };
    },
  };
}
