// The places of one listener's walk (issue 19): the pure tracker behind a throttle, with its
// derived values written as stream variables and its state persisted in `places_state`.
import type { PlaceTrigger } from '@gencaster/domain';
import type { Clock, VariableStore } from '../engine/engine-types.ts';
import {
  createPlaceTracker,
  type PlaceFix,
  type PlaceTracker,
  type PlaceTrackerOptions,
  type PlaceUpdate,
  type TrackedPlace,
} from './place-tracker.ts';
import { markTriggerUsed, type TriggerContext } from './place-triggers.ts';
import {
  createPlaceVariableDiff,
  parsePlaceWalkState,
  placeStateVariable,
} from './place-variables.ts';

/** Options of {@link createPlaceRuntime}. */
export interface PlaceRuntimeOptions {
  places: readonly TrackedPlace[];
  variables: VariableStore;
  clock: Clock;
  tracker?: PlaceTrackerOptions;
  /** Fixes are evaluated at most once per this many ms (default 250); the latest fix wins. */
  minIntervalMs?: number;
  /** The state is written at least this often while fixes come (default 5000 ms). */
  persistEveryMs?: number;
  /** Reports a failed variable write (the walk goes on). */
  onError?(error: unknown): void;
  /** Sees every evaluated update (tests, benchmarks). */
  onUpdate?(update: PlaceUpdate): void;
}

/** A listener's place runtime; see {@link createPlaceRuntime}. */
export interface PlaceRuntime {
  /** Reads the persisted state (a reconnect keeps the places visited). Call once before `push`. */
  start(): Promise<void>;
  /** A new position; evaluated now or, within `minIntervalMs` of the last one, later (latest wins). */
  push(fix: Omit<PlaceFix, 'atMs'>): void;
  /** Evaluates a pending fix now and waits for all writes (tests). */
  flush(): Promise<void>;
  /** Swaps the places (an editor changed them); the state is kept. */
  setPlaces(places: readonly TrackedPlace[]): void;
  /** Resolves after the next evaluated fix, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void>;
  /** The state and readings the trigger logic looks at. */
  context(nodeEnteredMs: number): TriggerContext;
  /** Records a door taken by its trigger and persists it. */
  markUsed(doorUuid: string, trigger: PlaceTrigger): Promise<void>;
  readonly tracker: PlaceTracker;
  /** Stops the throttle timer. */
  stop(): void;
}

/**
 * Creates the place runtime of one listener. Positions come in through `push` (the backend feeds
 * the `latitude`/`longitude`/`accuracy` variables the listener page writes); at most one is
 * evaluated per `minIntervalMs` and evaluations never overlap (a slow database coalesces fixes),
 * so 50 fixes a second cost a few evaluations. Each evaluation writes the changed place variables
 * in one batch, plus `places_state` when the listener entered or left a place, jumped, or every
 * `persistEveryMs`.
 */
export function createPlaceRuntime(options: PlaceRuntimeOptions): PlaceRuntime {
  const minIntervalMs = options.minIntervalMs ?? 250;
  const persistEveryMs = options.persistEveryMs ?? 5000;
  let places = options.places;
  let tracker = createPlaceTracker(places, parsePlaceWalkState(undefined), options.tracker);
  const diff = createPlaceVariableDiff();
  let pending: Omit<PlaceFix, 'atMs'> | null = null;
  let lastEvalMs = Number.NEGATIVE_INFINITY;
  let lastPersistMs = Number.NEGATIVE_INFINITY;
  let chain: Promise<void> = Promise.resolve();
  let timer: AbortController | null = null;
  let stopped = false;
  const waiters = new Set<() => void>();

  const write = async (entries: Record<string, string>): Promise<void> => {
    if (Object.keys(entries).length === 0) return;
    if (options.variables.setMany) await options.variables.setMany(entries);
    else
      for (const [key, value] of Object.entries(entries)) await options.variables.set(key, value);
  };

  const evaluate = async (): Promise<void> => {
    const fix = pending;
    pending = null;
    if (fix === null || stopped) return;
    const now = options.clock.now();
    lastEvalMs = now;
    const update = tracker.update({ ...fix, atMs: now });
    options.onUpdate?.(update);
    const entries = diff.changes(update.readings);
    const crossed = update.entered.length > 0 || update.left.length > 0;
    if (
      crossed ||
      update.kind === 'jump' ||
      update.kind === 'first' ||
      now - lastPersistMs >= persistEveryMs
    ) {
      entries[placeStateVariable] = JSON.stringify(tracker.state());
      lastPersistMs = now;
    }
    try {
      await write(entries);
    } catch (error) {
      diff.reset();
      options.onError?.(error);
    }
    for (const wake of [...waiters]) wake();
  };

  const schedule = (): void => {
    if (timer !== null || stopped) return;
    const wait = Math.max(0, lastEvalMs + minIntervalMs - options.clock.now());
    const run = () => {
      timer = null;
      chain = chain.then(evaluate);
    };
    if (wait === 0) return run();
    timer = new AbortController();
    options.clock.sleep(wait, timer.signal).then(run, () => undefined);
  };

  return {
    get tracker() {
      return tracker;
    },
    async start() {
      const all = await options.variables.getAll();
      tracker = createPlaceTracker(
        places,
        parsePlaceWalkState(all[placeStateVariable]),
        options.tracker,
      );
    },
    push(fix) {
      pending = fix;
      // Serialised: a new evaluation starts only after the previous one's writes.
      chain = chain.then(() => {
        if (pending !== null) schedule();
      });
    },
    async flush() {
      timer?.abort();
      timer = null;
      chain = chain.then(evaluate);
      await chain;
    },
    setPlaces(next) {
      if (next === places) return;
      places = next;
      tracker = createPlaceTracker(places, tracker.state(), options.tracker);
    },
    changed(signal) {
      return new Promise<void>((resolve) => {
        const done = () => {
          waiters.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    },
    context(nodeEnteredMs) {
      const nowMs = options.clock.now();
      return { state: tracker.live, readings: tracker.readings(nowMs), nodeEnteredMs, nowMs };
    },
    async markUsed(doorUuid, trigger) {
      markTriggerUsed(doorUuid, trigger, tracker.live);
      lastPersistMs = options.clock.now();
      await write({ [placeStateVariable]: JSON.stringify(tracker.state()) }).catch(
        (error: unknown) => options.onError?.(error),
      );
    },
    stop() {
      stopped = true;
      timer?.abort();
      timer = null;
      for (const wake of [...waiters]) wake();
    },
  };
}
