import { onScopeDispose, ref, shallowRef } from 'vue';
import {
  PlayGraphDocument,
  ReleaseBlockingNodeDocument,
  SetStreamVariablesDocument,
  type PlayGraphSubscription,
} from '../graphql/generated/graphql.ts';
import { errorMessage, formatTimeOfDay } from '@gencaster/web';
import { request, subscribe } from '../graphql/client.ts';

/** One line of the play log: an instruction, a dialog, a step or the end of the walk. */
export interface PlayEvent {
  at: string;
  kind: 'instruction' | 'dialog' | 'node' | 'end' | 'error';
  text: string;
}

const instructionStates: Record<string, string> = {
  UNACKNOWLEDGED: 'queued:',
  SENT: 'sent:',
  RECEIVED: 'received:',
  SUCCESS: 'ok:',
  READY: 'ready:',
  FINISHED: 'finished:',
  FAILURE: 'FAILED:',
};
const instructionState = (state: string) => instructionStates[state] ?? `${state}:`;

/** The stream a play session runs on. */
export type PlayStream = NonNullable<PlayGraphSubscription['playGraph']['stream']>;

/**
 * Runs the graph in the editor through the `playGraph` subscription (editors only): on its own
 * free stream point, from the entry node or any chosen node. Follows the engine position (for the
 * canvas highlight), instructions and dialogs (the log), and the stream variables (live, editable).
 * Stopping unsubscribes, which stops the engine and frees the point on the server.
 */
export function usePlay(graphUuid: () => string, nodeName: (uuid: string) => string) {
  const running = ref(false);
  const stream = shallowRef<PlayStream | null>(null);
  const currentNode = ref<string | null>(null);
  const blocked = ref(false);
  const events = ref<PlayEvent[]>([]);
  const variables = ref<Record<string, string>>({});
  let stop: (() => void) | undefined;

  function log(kind: PlayEvent['kind'], text: string): void {
    events.value.push({ at: formatTimeOfDay(), kind, text });
    if (events.value.length > 500) events.value.splice(0, events.value.length - 500);
  }

  function handle(event: PlayGraphSubscription['playGraph']): void {
    if (event.stream) stream.value = event.stream;
    if (event.variables)
      variables.value = Object.fromEntries(event.variables.map(({ key, value }) => [key, value]));
    switch (event.kind) {
      case 'STARTED':
        log('node', `playing on stream point ${event.stream?.streamPoint.port ?? '?'}`);
        break;
      case 'NODE':
      case 'BLOCKED':
        if (event.nodeUuid && (event.nodeUuid !== currentNode.value || !blocked.value))
          log(
            'node',
            event.kind === 'BLOCKED'
              ? `waits at blocking node "${nodeName(event.nodeUuid)}"`
              : `→ node "${nodeName(event.nodeUuid)}"`,
          );
        currentNode.value = event.nodeUuid ?? currentNode.value;
        blocked.value = event.kind === 'BLOCKED';
        break;
      case 'INSTRUCTION':
        if (event.instruction)
          log(
            'instruction',
            `${instructionState(event.instruction.state)} ${event.instruction.instructionText}`,
          );
        break;
      case 'DIALOG':
        if (event.dialog)
          log(
            'dialog',
            `dialog "${event.dialog.title}" — ${event.dialog.buttons.map((b) => b.text).join(' / ')}`,
          );
        break;
      case 'VARIABLES':
        break;
      case 'ENDED':
      case 'NO_STREAM':
        log(event.kind === 'ENDED' ? 'end' : 'error', event.message ?? 'ended');
        running.value = false;
        blocked.value = false;
        break;
    }
  }

  /** Starts a walk; from `startNodeUuid`, or from the entry node when it is null. */
  function start(startNodeUuid: string | null = null): void {
    halt();
    events.value = [];
    variables.value = {};
    currentNode.value = null;
    stream.value = null;
    running.value = true;
    if (startNodeUuid) log('node', `play from "${nodeName(startNodeUuid)}"`);
    stop = subscribe(
      PlayGraphDocument,
      { graphUuid: graphUuid(), startNodeUuid },
      {
        next: ({ playGraph }) => handle(playGraph),
        error: (failure) => {
          log('error', failure.message);
          running.value = false;
        },
        complete: () => {
          running.value = false;
        },
      },
    );
  }

  function halt(): void {
    if (stop && running.value) log('end', 'stopped');
    stop?.();
    stop = undefined;
    running.value = false;
    blocked.value = false;
  }

  async function setVariable(key: string, value: string): Promise<string | undefined> {
    return setVariables([{ key, value }]);
  }

  /**
   * Writes several variables of the playing stream in one request (the walker's position: the
   * same keys, values and `streamToSc` as the listener page's GPS fix). Returns the error, if any.
   */
  async function setVariables(
    list: { key: string; value: string; streamToSc?: boolean }[],
  ): Promise<string | undefined> {
    if (!stream.value || !running.value) return 'The graph is not running.';
    const streamUuid = stream.value.uuid;
    try {
      await request(SetStreamVariablesDocument, {
        listenerToken: null,
        streamVariables: list.map((variable) => ({ streamUuid, ...variable })),
      });
      return undefined;
    } catch (failure) {
      return errorMessage(failure);
    }
  }

  async function release(): Promise<string> {
    if (!stream.value) return 'The graph is not running.';
    try {
      const released = (
        await request(ReleaseBlockingNodeDocument, { streamUuid: stream.value.uuid })
      ).releaseBlockingNode;
      return released ? 'Released the blocking node.' : 'No blocking node was waiting.';
    } catch (failure) {
      return errorMessage(failure);
    }
  }

  onScopeDispose(halt);
  return {
    running,
    stream,
    currentNode,
    blocked,
    events,
    variables,
    start,
    halt,
    setVariable,
    setVariables,
    release,
  };
}
