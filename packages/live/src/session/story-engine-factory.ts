import {
  appendStreamLog,
  deleteStreamVariable,
  findStreamVariable,
  getEntryNode,
  getGraph,
  getNode,
  getNodeDetail,
  listOutEdgesOfNode,
  listPlaces,
  listStreamVariables,
  upsertStreamVariable,
  upsertStreamVariables,
  type Database,
} from '@gencaster/db';
import { GencasterError, isGencasterError } from '@gencaster/domain';
import {
  createEngine,
  fixFromVariables,
  placeStateVariable,
  systemClock,
  type PlacePort,
  type EngineOptions,
  type InstructionPort,
  type NodeContents,
  type ScriptSandbox,
  type VariableStore,
} from '@gencaster/story';
import type { StreamPoint } from '@gencaster/domain';
import type { InstructionMessage, LiveStream } from '../listener-message.ts';
import { topics, type LiveEvents, type VariablesEvent } from '../live-events.ts';
import { publishStreamPosition } from '../play/stream-position.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { EngineFactory, ListenerEngine, ListenerEngineEvent } from './engine-factory.ts';

/** Input of {@link StoryEngineFactoryOptions.instructionPortFor}. */
export interface InstructionPortInput {
  stream: LiveStream;
  point: StreamPoint;
  /** Call with the stored instruction row when it was sent, so listeners get a stream message. */
  onInstruction(instruction: InstructionMessage): void;
}

/** Options of {@link createStoryEngineFactory}. */
export interface StoryEngineFactoryOptions {
  database: Database;
  sandbox: ScriptSandbox;
  /** The stream point's instruction port (osc sender + TTS + audio files in the backend). */
  instructionPortFor(input: InstructionPortInput): InstructionPort;
  engineOptions?: Omit<EngineOptions, 'onEvent'>;
  /**
   * Sends a variable to the stream point as OSC data (`/variable key value`, the path listeners'
   * `streamToSc` variables take); the place variables the engine derives go this way.
   */
  sendVariable?(input: { point: StreamPoint; key: string; value: string }): Promise<void>;
}

function createVariableStore(
  database: Database,
  pubsub: PubSub,
  events: LiveEvents,
  streamUuid: string,
  toPoint?: (key: string, value: string) => Promise<void>,
): VariableStore {
  return {
    // Derived place values: one transaction, one change event, then to the point as data
    // (all but the persisted state, which is the engine's own).
    async setMany(entries) {
      const list = Object.entries(entries).map(([key, value]) => ({ key, value }));
      if (list.length === 0) return;
      await upsertStreamVariables(
        database,
        list.map(({ key, value }) => ({
          streamUuid,
          key,
          value,
          streamToSc: key !== placeStateVariable,
        })),
      );
      await events.variablesChanged(streamUuid, list);
      if (toPoint)
        for (const { key, value } of list)
          if (key !== placeStateVariable) await toPoint(key, value);
    },
    async getAll() {
      const rows = await listStreamVariables(database, streamUuid);
      return Object.fromEntries(rows.map((row) => [row.key, row.value]));
    },
    async set(key, value) {
      await upsertStreamVariable(database, { streamUuid, key, value });
      await events.variablesChanged(streamUuid, [{ key, value }]);
    },
    async delete(key) {
      await deleteStreamVariable(database, streamUuid, key);
    },
    async waitFor(key, timeoutMs, signal) {
      const changes = pubsub.subscribe<VariablesEvent>(topics.variables(streamUuid));
      const timer = setTimeout(
        () =>
          changes.fail(new GencasterError('TIMEOUT', `no variable ${key} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => changes.fail(new GencasterError('TIMEOUT', 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const existing = await findStreamVariable(database, streamUuid, key);
        if (existing) return existing.value;
        for await (const change of changes) {
          const hit = change.variables.find((variable) => variable.key === key);
          if (hit) return hit.value;
        }
        throw new GencasterError('TIMEOUT', `no variable ${key}`);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        await changes.return();
      }
    },
  };
}

/**
 * The listener's positions for the engine's places: the `latitude`/`longitude`/`accuracy`
 * variables the listener page (or the editor's walker) writes, as they change on any backend.
 */
function createPlacePort(
  database: Database,
  pubsub: PubSub,
  graphUuid: string,
  streamUuid: string,
): PlacePort {
  return {
    async loadPlaces() {
      const places = await listPlaces(database, graphUuid);
      return places.map((place) => ({ name: place.name, shape: place.shape }));
    },
    subscribe(onFix) {
      const changes = pubsub.subscribe<VariablesEvent>(topics.variables(streamUuid));
      const latest: Record<string, string> = {};
      void (async () => {
        for await (const change of changes) {
          let moved = false;
          for (const { key, value } of change.variables) {
            if (key === 'latitude' || key === 'longitude' || key === 'accuracy') {
              latest[key] = value;
              if (key !== 'accuracy') moved = true;
            }
          }
          if (!moved) continue;
          const fix = fixFromVariables(latest, 0);
          if (fix) {
            const { atMs: _atMs, ...position } = fix;
            onFix(position);
          }
        }
      })().catch(() => undefined);
      return () => void changes.return();
    },
  };
}

/**
 * Resolves when the node no longer blocks: an editor unticked "Blocking" (or deleted the node),
 * on this backend or another (node changes go through the pub/sub). Subscribes before reading the
 * node, so an edit made between the engine's exit read and this wait is not missed.
 */
function waitUntilUnblocked(
  database: Database,
  pubsub: PubSub,
  nodeUuid: string,
  signal: AbortSignal,
): Promise<void> {
  const changes = pubsub.subscribe<unknown>(topics.node(nodeUuid));
  const onAbort = () => void changes.return();
  signal.addEventListener('abort', onAbort, { once: true });
  const stillBlocking = () =>
    getNode(database, nodeUuid).then(
      (node) => node.isBlockingNode,
      (error: unknown) => {
        if (isGencasterError(error, 'NOT_FOUND')) return false; // deleted: nothing to wait at
        throw error;
      },
    );
  return (async () => {
    try {
      if (!(await stillBlocking())) return;
      for await (const _change of changes) if (!(await stillBlocking())) return;
      // Aborted (the listener left): the engine notices the signal itself.
      await new Promise<never>(() => undefined);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await changes.return();
    }
  })();
}

/**
 * An {@link EngineFactory} running `@gencaster/story` engines on the database: nodes read fresh on
 * entry (live edits apply), variables in the database with change events through the pub/sub (so a
 * listener's answer on another backend wakes the engine), logs to StreamLog (broadcast to
 * `streamLogs`), dialogs and instructions to the listener sessions.
 */
export function createStoryEngineFactory(options: StoryEngineFactoryOptions): EngineFactory {
  const { database, sandbox } = options;
  return ({
    graphUuid,
    stream,
    point,
    pubsub,
    events,
    walkPosition,
    startNodeUuid,
  }): ListenerEngine => {
    let emitEvent: (event: ListenerEngineEvent) => void = () => undefined;
    let blocked = false;
    let step = 0;
    const controller = new AbortController();
    let running: Promise<void> | undefined;
    const engine = createEngine({
      ports: {
        graph: {
          async loadGraph() {
            await getGraph(database, graphUuid);
            try {
              return {
                uuid: graphUuid,
                entryNodeUuid: (await getEntryNode(database, graphUuid)).uuid,
              };
            } catch (error) {
              if (isGencasterError(error, 'NOT_FOUND'))
                return { uuid: graphUuid, entryNodeUuid: null };
              throw error;
            }
          },
          async loadNode(nodeUuid): Promise<NodeContents | null> {
            let detail;
            try {
              detail = await getNodeDetail(database, nodeUuid);
            } catch (error) {
              if (isGencasterError(error, 'NOT_FOUND')) return null;
              throw error;
            }
            const edges = await listOutEdgesOfNode(database, nodeUuid);
            return {
              node: { uuid: detail.uuid, name: detail.name, isBlockingNode: detail.isBlockingNode },
              cells: detail.scriptCells.map((cell) => ({
                uuid: cell.uuid,
                cellType: cell.cellType,
                cellCode: cell.cellCode,
                cellOrder: cell.cellOrder,
                audioCell: cell.audioCell
                  ? {
                      audioFileUuid: cell.audioCell.audioFileUuid,
                      playback: cell.audioCell.playback,
                      volume: cell.audioCell.volume,
                    }
                  : null,
              })),
              outputDoors: detail.nodeDoors
                .filter((door) => door.doorType === 'output')
                .map((door) => ({
                  uuid: door.uuid,
                  name: door.name,
                  order: door.order,
                  isDefault: door.isDefault,
                  code: door.code,
                  placeTrigger: door.placeTrigger,
                  edges: edges
                    .filter((edge) => edge.outNodeDoorUuid === door.uuid)
                    .map((edge) => ({ uuid: edge.uuid, inNodeUuid: edge.inNodeUuid })),
                })),
            };
          },
        },
        instructions: options.instructionPortFor({
          stream,
          point,
          onInstruction: (instruction) => emitEvent({ type: 'instruction', instruction }),
        }),
        variables: createVariableStore(
          database,
          pubsub,
          events,
          stream.uuid,
          options.sendVariable
            ? (key, value) =>
                options.sendVariable?.({ point, key, value }).catch(() => undefined) ??
                Promise.resolve()
            : undefined,
        ),
        places: createPlacePort(database, pubsub, graphUuid, stream.uuid),
        dialogs: {
          show: (dialog) => {
            emitEvent({ type: 'dialog', dialog });
            return Promise.resolve();
          },
        },
        clock: systemClock,
        logger: {
          log: ({ level, message, origin }) => {
            void appendStreamLog(database, {
              streamUuid: stream.uuid,
              level,
              message,
              origin,
              name: 'engine',
            })
              .then((log) =>
                events.logWritten({
                  uuid: log.uuid,
                  streamUuid: log.streamUuid,
                  streamPointUuid: log.streamPointUuid,
                }),
              )
              .catch(() => undefined);
          },
        },
        random: Math.random,
        sandbox,
        release: {
          waitForRelease: (nodeUuid, signal) =>
            waitUntilUnblocked(database, pubsub, nodeUuid, signal),
        },
        ...(walkPosition ? { position: walkPosition } : {}),
        // An editor's "play from here": the walk starts at that node (after the point's reset).
        ...(startNodeUuid
          ? {
              position: {
                load: () => Promise.resolve({ nodeUuid: startNodeUuid, step: 0 }),
                save: () => Promise.resolve(),
              },
            }
          : {}),
      },
      options: {
        ...options.engineOptions,
        onEvent: (event) => {
          if (event.type === 'blocked') blocked = true;
          if (event.type === 'released') blocked = false;
          if (event.type === 'node_entered') step = event.step;
          if (
            event.type === 'node_entered' ||
            event.type === 'blocked' ||
            event.type === 'released'
          )
            void publishStreamPosition(pubsub, {
              streamUuid: stream.uuid,
              nodeUuid: event.nodeUuid,
              blocked,
              step,
            }).catch(() => undefined);
        },
      },
    });
    return {
      run(onEvent) {
        emitEvent = onEvent;
        running = engine.run(controller.signal).then(() => undefined);
        return running;
      },
      async stop() {
        controller.abort();
        await running?.catch(() => undefined);
      },
      releaseBlocking() {
        if (!blocked) return false;
        engine.release();
        return true;
      },
    };
  };
}
