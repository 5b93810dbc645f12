// The graph walk: pure orchestration over ports, no I/O of its own.
import type {
  EngineEvent,
  EngineOptions,
  EnginePorts,
  EngineResult,
  NodeContents,
} from './engine-types.ts';
import { chooseNextNode } from './choose-next-node.ts';
import { executeCell } from './execute-cell.ts';
import { createProgressGuard } from './progress-guard.ts';
import { createScriptCapabilities } from './script-capabilities.ts';
import { createPlaceRuntime, type PlaceRuntime } from '../places/place-runtime.ts';
import { fixFromVariables } from '../places/place-variables.ts';

/** A listener's walk through a graph; see {@link createEngine}. */
export interface Engine {
  /** Walks until a dead end, max steps or `signal` aborts (the listener left). Never throws for cell failures. */
  run(signal: AbortSignal): Promise<EngineResult>;
  /** Releases the walk if it waits at a blocking node (editor action). */
  release(): void;
}

/** Input of {@link createEngine}. */
export interface CreateEngineInput {
  ports: EnginePorts;
  options?: EngineOptions;
}

function cellOrder(
  a: { cellOrder: number; uuid: string },
  b: { cellOrder: number; uuid: string },
): number {
  if (a.cellOrder !== b.cellOrder) return a.cellOrder - b.cellOrder;
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

/**
 * Creates an engine for one listener. Each node is read fresh from `ports.graph` when entered, and
 * read again when it is left, so an edge drawn, a condition changed or "Blocking" unticked while a
 * listener is inside a long node applies at that exit. A walk has no node limit unless
 * `maxSteps` sets one; a loop without progress is slowed (see {@link ProgressGuardOptions}). Cells run in `cellOrder`, then uuid order; a failing cell
 * (script error, instruction FAILURE or TIMEOUT) is logged at ERROR level and the walk goes on.
 *
 * @example
 * const engine = createEngine({ ports, options: { maxSteps: 1000 } });
 * const result = await engine.run(listenerLeft.signal); // { reason: 'dead_end', steps, lastNodeUuid }
 */
export function createEngine({ ports, options = {} }: CreateEngineInput): Engine {
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  const stepDelayMs = options.stepDelayMs ?? 100;
  const releases = new Set<() => void>();
  const emit = (event: EngineEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener of events must not break the walk.
    }
  };
  const log = (level: 10 | 20 | 30 | 40, message: string): void =>
    ports.logger.log({ level, message, origin: 'graph_engine' });

  const waitForRelease = async (nodeUuid: string, signal: AbortSignal): Promise<void> => {
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          releases.delete(done);
          resolve();
        };
        releases.add(done);
        local.signal.addEventListener('abort', done, { once: true });
        ports.release?.waitForRelease(nodeUuid, local.signal).then(done, () => undefined);
      });
    } finally {
      local.abort();
      signal.removeEventListener('abort', onAbort);
    }
  };

  /**
   * The node as it is when the listener leaves it (its doors, edges and Blocking flag), null when
   * it was deleted meanwhile; the contents read at entry when the graph cannot be read now.
   */
  const readAtExit = async (
    nodeUuid: string,
    entered: NodeContents,
  ): Promise<NodeContents | null> => {
    try {
      return await ports.graph.loadNode(nodeUuid);
    } catch (error) {
      log(
        30,
        `could not re-read node "${entered.node.name}" at its exit (${error instanceof Error ? error.message : String(error)}); its doors as they were at entry are used`,
      );
      return entered;
    }
  };

  const run = async (signal: AbortSignal): Promise<EngineResult> => {
    const capabilities = createScriptCapabilities(ports, emit);
    const guard = createProgressGuard(stepDelayMs, options.progressGuard);
    const context = { ports, options, signal, capabilities, emit };
    let step = 0;
    let current: string | null = null;
    let placeRuntime: PlaceRuntime | null = null;
    let unsubscribePlaces = (): void => undefined;
    // Places are read at every node entry (live edits apply); the runtime starts with the first.
    const refreshPlaces = async (): Promise<void> => {
      const port = ports.places;
      if (!port) return;
      let places;
      try {
        places = await port.loadPlaces();
      } catch (error) {
        log(
          30,
          `could not read the graph's places: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
      if (placeRuntime) return placeRuntime.setPlaces(places);
      if (places.length === 0) return;
      const runtime = createPlaceRuntime({
        places,
        variables: ports.variables,
        clock: ports.clock,
        ...(options.places?.tracker ? { tracker: options.places.tracker } : {}),
        ...(options.places?.minIntervalMs === undefined
          ? {}
          : { minIntervalMs: options.places.minIntervalMs }),
        onError: (error) =>
          log(
            30,
            `place variables not written: ${error instanceof Error ? error.message : String(error)}`,
          ),
      });
      await runtime.start();
      placeRuntime = runtime;
      unsubscribePlaces = port.subscribe((fix) => runtime.push(fix));
      // The position the listener sent last (before this engine, or before a reconnect).
      const last = fixFromVariables(await ports.variables.getAll(), ports.clock.now());
      if (last) runtime.push(last);
    };
    const finish = (reason: EngineResult['reason']): EngineResult => {
      unsubscribePlaces();
      placeRuntime?.stop();
      const result = { reason, steps: step, lastNodeUuid: current };
      emit({ type: 'finished', result });
      return result;
    };
    const graph = await ports.graph.loadGraph();
    const resumed = await ports.position?.load();
    current = resumed?.nodeUuid ?? graph.entryNodeUuid;
    step = resumed?.step ?? 0;
    // A walk resumed mid-node (another backend ran some of its cells) goes on after those cells.
    let skipCells = resumed && step > 0 ? (resumed.cellsDone ?? 0) : 0;
    if (!current) {
      log(40, 'graph has no entry node');
      return finish('no_entry_node');
    }
    // A fresh walk (no stored position, or an editor's start node at step 0) hands the point over.
    if (options.cleanupCode && (!resumed || resumed.step === 0)) {
      await ports.instructions
        .run({ code: options.cleanupCode, signal })
        .catch((error: unknown) =>
          log(
            30,
            `the stream point's reset failed (the last story may still sound): ${String(error)}`,
          ),
        );
    }
    while (step < maxSteps) {
      if (signal.aborted) return finish('aborted');
      let contents: NodeContents | null;
      try {
        contents = await ports.graph.loadNode(current);
      } catch (error) {
        log(
          40,
          `could not load node ${current}: ${error instanceof Error ? error.message : String(error)}`,
        );
        contents = null;
      }
      if (!contents) {
        log(40, `node ${current} does not exist (deleted?); the walk ends here`);
        return finish('dead_end');
      }
      const nodeUuid = current;
      const cells = [...contents.cells].sort(cellOrder);
      const skipped = Math.min(skipCells, cells.length);
      skipCells = 0;
      if (skipped === 0) {
        step++;
        await ports.position?.save({ nodeUuid, step, cellsDone: 0 });
      } else log(20, `resuming node "${contents.node.name}" after ${skipped} cell(s) that ran`);
      emit({ type: 'node_entered', nodeUuid, step });
      const visitStarted = ports.clock.now();
      await refreshPlaces();
      for (const [index, cell] of cells.entries()) {
        if (index < skipped) continue;
        if (signal.aborted) return finish('aborted');
        emit({
          type: 'cell_started',
          nodeUuid: current,
          cellUuid: cell.uuid,
          cellType: cell.cellType,
        });
        try {
          await executeCell(cell, context);
          emit({ type: 'cell_finished', nodeUuid: current, cellUuid: cell.uuid, ok: true });
        } catch (error) {
          if (signal.aborted) return finish('aborted');
          const message = error instanceof Error ? error.message : String(error);
          log(
            40,
            `${cell.cellType} cell ${cell.uuid} in node "${contents.node.name}" failed: ${message}`,
          );
          emit({
            type: 'cell_finished',
            nodeUuid: current,
            cellUuid: cell.uuid,
            ok: false,
            error: message,
          });
        }
        if (signal.aborted) return finish('aborted');
        await ports.position?.save({ nodeUuid, step, cellsDone: index + 1 });
      }
      if (signal.aborted) return finish('aborted');
      let exit = await readAtExit(nodeUuid, contents);
      if (exit?.node.isBlockingNode && (options.blocking ?? 'wait') === 'wait') {
        emit({ type: 'blocked', nodeUuid });
        await waitForRelease(nodeUuid, signal);
        if (signal.aborted) return finish('aborted');
        emit({ type: 'released', nodeUuid });
        exit = await readAtExit(nodeUuid, contents);
      }
      const verdict = guard.visited(contents.node.name, ports.clock.now() - visitStarted);
      if (verdict.notice) log(verdict.notice.level, verdict.notice.message);
      if (!exit) {
        log(
          30,
          `node "${contents.node.name}" was deleted while the listener was inside; the walk ends here`,
        );
        return finish('dead_end');
      }
      const runtime = placeRuntime;
      const next = await chooseNextNode(exit.outputDoors, {
        ...context,
        ...(runtime
          ? {
              places: {
                runtime,
                nodeEnteredMs: visitStarted,
                codeRecheckMs: options.places?.codeRecheckMs ?? 1000,
                onWait: () => emit({ type: 'waiting_for_place', nodeUuid }),
              },
            }
          : {}),
      });
      if (signal.aborted) return finish('aborted');
      if (!next) {
        log(20, `dead end at node "${exit.node.name}"`);
        return finish('dead_end');
      }
      emit({
        type: 'door_chosen',
        nodeUuid: current,
        doorUuid: next.door.uuid,
        edgeUuid: next.edge.uuid,
      });
      current = next.edge.inNodeUuid;
      if (verdict.delayMs > 0)
        await ports.clock.sleep(verdict.delayMs, signal).catch(() => undefined);
    }
    log(30, `stopped after ${maxSteps} steps`);
    return finish('max_steps');
  };

  return {
    run,
    release() {
      for (const release of [...releases]) release();
    },
  };
}
