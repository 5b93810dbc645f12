import type { Database } from '@gencaster/db';
import {
  lostWriteCount,
  noInvariantSamples,
  sampleInvariants,
  type InvariantFigures,
} from './load-checks.ts';
import { createLoadRecorder, type ListenerFigures } from './load-recorder.ts';
import { startSimulatedListeners, type ListenerBehaviour } from './simulated-listener.ts';

/** Options of {@link runListenerLoad}. */
export interface ListenerLoadOptions {
  /** Backend base URLs; listener i uses backend i mod n. */
  backends: readonly string[];
  graphUuid: string;
  listeners: number;
  durationMs: number;
  behaviour: ListenerBehaviour;
  /** The shared database, for the invariant checks. */
  database: Database;
  /** Listener starts are spread over this time (default 5 s). */
  rampMs?: number;
  /** Called every ~10 s with progress (for the long run's log). */
  onProgress?: (line: string) => void;
  /** Resident memory of the backends in MiB, sampled while running. */
  backendRssMiB?: () => Array<number | null>;
  seed?: number;
}

/** Everything a run measured. */
export interface ListenerLoadReport {
  listeners: ListenerFigures;
  invariants: InvariantFigures;
  /** Acknowledged writes not found in the database (must be 0). */
  lostWrites: number;
  /** Listeners holding a stream at the end vs what the database counted for those streams. */
  finalHeld: number;
  finalCounted: number;
  finalActiveStreams: number;
  /** After everyone left: active streams and listener rows left over (must be 0 and 0). */
  leftoverActiveStreams: number;
  leftoverListenerRows: number;
  peakBackendRssMiB: number[];
  testProcessRssMiB: number;
  wallMs: number;
}

/** A small deterministic PRNG (mulberry32), so a run's choices can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Runs `listeners` simulated listeners for `durationMs` against the backends, samples the database
 * invariants every second, then compares what the listeners hold with what the database counts,
 * lets everyone leave and checks that every acknowledged variable write is stored.
 */
export async function runListenerLoad(o: ListenerLoadOptions): Promise<ListenerLoadReport> {
  const recorder = createLoadRecorder();
  const random = prng(o.seed ?? 20261126);
  const started = Date.now();
  const deadline = started + o.durationMs;
  const invariants = noInvariantSamples();
  const peak = o.backends.map(() => 0);
  let sampling = true;
  const sampler = (async () => {
    let tick = 0;
    while (sampling) {
      await sampleInvariants(o.database, invariants);
      o.backendRssMiB?.().forEach((rss, i) => (peak[i] = Math.max(peak[i] ?? 0, rss ?? 0)));
      if (++tick % 10 === 0) {
        const f = recorder.figures();
        o.onProgress?.(
          `${Math.round((Date.now() - started) / 1000)} s: ${f.assignments} assigned, ${f.noStream} NoStreamAvailable, ${f.dialogs} dialogs, ${f.writes} writes, ${f.answerTimeouts} answer timeouts, ${f.errors} errors${f.firstErrors[0] ? ` (first: ${f.firstErrors[0]})` : ''}, assign p99 ${f.assignLatency.p99} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();

  const runs = startSimulatedListeners({
    ...o,
    recorder,
    rampMs: o.rampMs ?? 5000,
    deadline: () => deadline,
    random,
  });
  const open = (await Promise.all(runs)).filter((entry) => entry !== undefined);
  sampling = false;
  await sampler;

  // Final count: the sessions still open vs the database.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const heldStreams = open.map((entry) => entry.streamUuid);
  const counted =
    heldStreams.length === 0
      ? []
      : await o.database.db
          .selectFrom('stream')
          .select(['uuid', 'numListeners', 'active'])
          .where('uuid', 'in', heldStreams)
          .execute();
  const finalCounted = counted.reduce((sum, row) => sum + (row.active ? row.numListeners : 0), 0);
  const finalActiveStreams = Number(
    (
      await o.database.db
        .selectFrom('stream')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('active', '=', true)
        .executeTakeFirstOrThrow()
    ).n,
  );
  await sampleInvariants(o.database, invariants);

  // Everyone leaves; the database must drain to zero.
  await Promise.all(open.map((entry) => entry.leave()));
  await recorder.disposeClients();
  let leftover = { active: -1, rows: -1 };
  for (let i = 0; i < 60; i++) {
    const active = await o.database.db
      .selectFrom('stream')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    const rows = await o.database.db
      .selectFrom('streamListener')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    leftover = { active: Number(active.n), rows: Number(rows.n) };
    if (leftover.active === 0 && leftover.rows === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  // Every acknowledged write must be stored.
  const lostWrites = await lostWriteCount(o.database, recorder.writes());

  return {
    listeners: recorder.figures(),
    invariants,
    lostWrites,
    finalHeld: open.length,
    finalCounted,
    finalActiveStreams,
    leftoverActiveStreams: leftover.active,
    leftoverListenerRows: leftover.rows,
    peakBackendRssMiB: peak.map((value) => Math.round(value)),
    testProcessRssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024),
    wallMs: Date.now() - started,
  };
}
