import { setTimeout as sleep } from 'node:timers/promises';
import type {
  EngineEvent as ApiEngineEvent,
  EngineFactory,
  ListenerEngine,
  PubSub,
  StreamLogEvent,
} from '@gencaster/api';
import { topics } from '@gencaster/api';
import { appendStreamLog, type DbHandle } from '@gencaster/db';
import type { StreamInstruction } from '@gencaster/domain';
import { cleanupInstruction } from '@gencaster/osc';
import { createEngine, type Dialog, type EnginePorts, type ScriptSandbox } from '@gencaster/story';
import type { Logger } from '../logger.ts';
import { createDatabaseGraphSource } from './database-graph-source.ts';
import { createDatabaseVariableStore } from './database-variable-store.ts';
import type { PointActions, PointTarget } from './point-actions.ts';

export interface EngineFactoryOptions {
  database: DbHandle;
  pubsub: PubSub;
  actions: PointActions;
  sandbox: ScriptSandbox;
  logger: Logger;
  /** Upper bound of nodes per walk (default: the engine's). */
  maxSteps?: number;
}

/** The GraphQL dialog shape (`kind` + `__typename`) of a dialog yielded by a script. */
function toDialogShape(dialog: Dialog): Extract<ApiEngineEvent, { type: 'dialog' }>['dialog'] {
  return {
    __typename: 'Dialog',
    title: dialog.title,
    content: dialog.content.map((item) => {
      switch (item.type) {
        case 'text':
          return { kind: 'text' as const, text: item.text };
        case 'input':
          return {
            kind: 'input' as const,
            key: item.key,
            label: item.label,
            placeholder: item.placeholder,
          };
        case 'checkbox':
          return {
            kind: 'checkbox' as const,
            key: item.key,
            label: item.label,
            checked: item.checked,
            callbackActions: item.callbackActions,
          };
      }
    }),
    buttons: dialog.buttons.map((button) => ({ ...button })),
  };
}

/**
 * Builds the engine of one stream for the GraphQL listener session: the story engine with ports on
 * the database (graph, variables, logs), the stream point (instructions, audio, speech), the
 * pub/sub (variable waits, blocking-node release) and the shared script sandbox.
 */
export function createEngineFactory(options: EngineFactoryOptions): EngineFactory {
  const { database, pubsub, actions, sandbox, logger } = options;

  return ({ graphUuid, stream, point, fresh }): ListenerEngine => {
    const stopped = new AbortController();
    const target: PointTarget = { uuid: point.uuid, host: point.host, port: point.port };
    let running: Promise<void> | undefined;
    let release: (() => void) | undefined;
    let blocked = false;

    const log = (level: number, message: string) => {
      appendStreamLog(database, {
        streamUuid: stream.uuid,
        level: level as 10,
        message,
        origin: 'graph_engine',
        name: 'engine',
      })
        .then((row) =>
          pubsub.publish(topics.streamLogs, {
            uuid: row.uuid,
            streamUuid: row.streamUuid,
            streamPointUuid: row.streamPointUuid,
          } satisfies StreamLogEvent),
        )
        .catch((error: unknown) =>
          logger.error({ err: error, stream: stream.uuid }, 'writing a stream log failed'),
        );
    };

    return {
      run(onEvent) {
        const onInstruction = (instruction: StreamInstruction) =>
          onEvent({ type: 'instruction', instruction });
        const ports: EnginePorts = {
          graph: createDatabaseGraphSource(database, graphUuid),
          instructions: {
            run: async ({ code, manualFinish, signal }) => ({
              returnValue: await actions.runCode(target, code, {
                manualFinish: manualFinish ?? false,
                signal,
                onInstruction,
              }),
            }),
            playAudio: ({ audioFileUuid, playback, volume, signal }) =>
              actions.playAudioFile(
                target,
                { audioFileUuid, playback, volume },
                { signal, onInstruction },
              ),
            speak: ({ ssml, signal }) => actions.speak(target, ssml, { signal, onInstruction }),
          },
          variables: createDatabaseVariableStore(database, pubsub, stream.uuid),
          dialogs: {
            show(dialog) {
              onEvent({ type: 'dialog', dialog: toDialogShape(dialog) });
              return Promise.resolve();
            },
          },
          clock: { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) },
          logger: { log: (entry) => log(entry.level, entry.message) },
          random: Math.random,
          sandbox,
          release: {
            async waitForRelease(_nodeUuid, signal) {
              const events = pubsub.subscribe(topics.releaseBlocking(stream.uuid));
              const onAbort = () => events.end();
              signal.addEventListener('abort', onAbort, { once: true });
              try {
                for await (const _event of events) return;
              } finally {
                signal.removeEventListener('abort', onAbort);
                await events.return();
              }
            },
          },
        };
        const engine = createEngine({
          ports,
          options: {
            ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
            ...(fresh ? { cleanupCode: cleanupInstruction().code } : {}),
            onEvent: (event) => {
              if (event.type === 'blocked') blocked = true;
              if (event.type === 'released') blocked = false;
            },
          },
        });
        release = () => engine.release();
        running = engine.run(stopped.signal).then((result) => {
          logger.info({ stream: stream.uuid, graph: graphUuid, ...result }, 'walk ended');
        });
        return running;
      },
      async stop() {
        stopped.abort();
        await running?.catch(() => undefined);
      },
      releaseBlocking() {
        if (!blocked || !release) return false;
        release();
        return true;
      },
    };
  };
}
