import { onScopeDispose, ref } from 'vue';
import {
  PlayGraphDocument,
  ReleaseBlockingNodeDocument,
  SetStreamVariablesDocument,
} from '../graphql/generated/graphql.ts';
import { errorMessage, request, subscribe } from '../graphql/client.ts';

/** One line of the play log: an instruction, a dialog or the end of the walk. */
export interface PlayEvent {
  at: string;
  kind: 'instruction' | 'dialog' | 'end' | 'error';
  text: string;
}

/**
 * Runs the graph like a listener would (the `streamInfo` session) from inside the editor: shows
 * the stream it got, every instruction and dialog, lets the author set variables and release a
 * blocking node. Stopping unsubscribes, which ends the session on the server.
 */
export function usePlay(graphUuid: () => string) {
  const running = ref(false);
  const streamUuid = ref<string | null>(null);
  const listenerToken = ref<string | null>(null);
  const events = ref<PlayEvent[]>([]);
  const variables = ref<Record<string, string>>({});
  let stop: (() => void) | undefined;

  function log(kind: PlayEvent['kind'], text: string): void {
    events.value.push({ at: new Date().toLocaleTimeString('sv-SE'), kind, text });
    if (events.value.length > 500) events.value.splice(0, events.value.length - 500);
  }

  function start(): void {
    halt();
    events.value = [];
    running.value = true;
    stop = subscribe(
      PlayGraphDocument,
      { graphUuid: graphUuid() },
      {
        next: ({ streamInfo: info }) => {
          switch (info.__typename) {
            case 'StreamInfo':
              streamUuid.value = info.stream.uuid;
              listenerToken.value = info.listenerToken;
              if (info.streamInstruction)
                log(
                  'instruction',
                  `${info.streamInstruction.state}: ${info.streamInstruction.instructionText}`,
                );
              else
                log(
                  'instruction',
                  `got stream point ${info.stream.streamPoint.host}:${info.stream.streamPoint.port}`,
                );
              break;
            case 'Dialog':
              log(
                'dialog',
                `${info.title} — ${info.buttons.map((button) => button.text).join(' / ')}`,
              );
              break;
            case 'NoStreamAvailable':
            case 'GraphDeadEnd':
              log('end', info.error);
              running.value = false;
              break;
          }
        },
        error: (failure) => {
          log('error', failure.message);
          running.value = false;
        },
      },
    );
  }

  function halt(): void {
    stop?.();
    stop = undefined;
    running.value = false;
  }

  async function setVariable(key: string, value: string): Promise<string | undefined> {
    if (!streamUuid.value) return 'The graph is not running.';
    try {
      await request(SetStreamVariablesDocument, {
        listenerToken: listenerToken.value,
        streamVariables: [{ streamUuid: streamUuid.value, key, value }],
      });
      variables.value = { ...variables.value, [key]: value };
      return undefined;
    } catch (failure) {
      return errorMessage(failure);
    }
  }

  async function release(): Promise<string> {
    if (!streamUuid.value) return 'The graph is not running.';
    try {
      const released = (
        await request(ReleaseBlockingNodeDocument, { streamUuid: streamUuid.value })
      ).releaseBlockingNode;
      return released ? 'Released the blocking node.' : 'No blocking node was waiting.';
    } catch (failure) {
      return errorMessage(failure);
    }
  }

  onScopeDispose(halt);
  return { running, streamUuid, events, variables, start, halt, setVariable, release };
}
