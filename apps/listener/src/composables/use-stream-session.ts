import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue';
import { request, subscribe } from '../graphql/client.ts';
import { createUpdateStreamVariable, streamInfoSubscription } from '../graphql/operations.ts';
import type { Dialog, StreamInfo, StreamVariableInput } from '../graphql/types.ts';
import { createDialogQueue } from '../lib/dialog-queue.ts';

interface SavedSession {
  token: string;
  streamUuid: string;
}

const storageKey = (graphUuid: string) => `gencaster.session.${graphUuid}`;

function loadSavedSession(graphUuid: string): SavedSession | undefined {
  try {
    const value = JSON.parse(
      window.sessionStorage.getItem(storageKey(graphUuid)) ?? 'null',
    ) as unknown;
    if (value && typeof value === 'object' && 'token' in value && 'streamUuid' in value) {
      const { token, streamUuid } = value as Record<string, unknown>;
      if (typeof token === 'string' && typeof streamUuid === 'string') return { token, streamUuid };
    }
  } catch {
    // unreadable: start a new session
  }
  return undefined;
}

function saveSession(graphUuid: string, session: SavedSession): void {
  window.sessionStorage.setItem(storageKey(graphUuid), JSON.stringify(session));
}

function forgetSession(graphUuid: string): void {
  window.sessionStorage.removeItem(storageKey(graphUuid));
}

/** A dialog waiting in the queue, numbered in arrival order. */
export interface QueuedDialog {
  id: number;
  dialog: Dialog;
}

/** Where the listener's session stands. */
export type SessionStatus = 'loading' | 'active' | 'no-stream' | 'dead-end' | 'error' | 'stopped';

/**
 * The listener session of one graph: runs the `streamInfo` subscription, keeps the latest stream
 * info, queues dialogs (FIFO, one shown at a time) and writes stream variables with the session's
 * listener token. `ready` is sent once per session, when the first StreamInfo arrives; a reload or
 * a dropped connection resumes the session with its token (see `start`).
 */
export function useStreamSession(graphUuid: Ref<string | undefined>) {
  const status = ref<SessionStatus>('loading');
  const error = ref<string>();
  const streamInfo = shallowRef<StreamInfo>();
  const queue = createDialogQueue<QueuedDialog>();
  const currentDialog = shallowRef<QueuedDialog>();
  /** True once the server released the stream after the dead end: the point is someone else's. */
  const released = ref(false);
  let dialogCount = 0;
  let unsubscribe: (() => void) | undefined;
  let readySent = false;

  function onDialog(dialog: Dialog) {
    dialogCount += 1;
    queue.push({ id: dialogCount, dialog });
    currentDialog.value = queue.current;
  }

  /** Sends stream variables of this session's stream. */
  async function sendVariables(
    variables: Omit<StreamVariableInput, 'streamUuid'>[],
  ): Promise<void> {
    const info = streamInfo.value;
    if (!info || variables.length === 0) return;
    const streamVariables = variables.map((variable) => ({
      ...variable,
      streamUuid: info.stream.uuid,
    }));
    await request(createUpdateStreamVariable, {
      streamVariables,
      listenerToken: info.listenerToken ?? null,
    });
  }

  function start() {
    stop();
    const uuid = graphUuid.value;
    if (!uuid) return;
    status.value = 'loading';
    error.value = undefined;
    streamInfo.value = undefined;
    released.value = false;
    queue.clear();
    currentDialog.value = undefined;
    const saved = loadSavedSession(uuid);
    readySent = false;
    // graphql-ws re-sends this same object when it re-subscribes after a dropped connection, and a
    // reload reads the token back from sessionStorage: either way the API resumes the session
    // (stream point and graph position) within its grace period instead of starting a new one.
    const variables = { graphUuid: uuid, listenerToken: saved?.token ?? null };
    unsubscribe = subscribe(streamInfoSubscription, variables, {
      next: ({ streamInfo: message }) => {
        switch (message.__typename) {
          case 'StreamInfo': {
            // The walk ended: never take a new stream behind the end screen (a re-subscription
            // after a dropped socket); leaving releases what the server still holds.
            if (status.value === 'dead-end') {
              stop();
              released.value = true;
              return;
            }
            const resumed = saved?.streamUuid === message.stream.uuid;
            streamInfo.value = message;
            status.value = 'active';
            variables.listenerToken = message.listenerToken;
            saveSession(uuid, { token: message.listenerToken, streamUuid: message.stream.uuid });
            if (!readySent && !resumed) {
              void sendVariables([{ key: 'ready', value: '1.0', streamToSc: true }]).catch(
                () => undefined,
              );
            }
            readySent = true;
            break;
          }
          case 'Dialog':
            onDialog(message);
            break;
          case 'NoStreamAvailable':
            status.value = 'no-stream';
            error.value = message.error;
            break;
          case 'GraphDeadEnd':
            status.value = 'dead-end';
            forgetSession(uuid);
            break;
        }
      },
      error: (failure) => {
        status.value = 'error';
        error.value = failure.message;
      },
      // After the dead end the server completes once the end screen's grace passed.
      complete: () => {
        if (status.value === 'dead-end') released.value = true;
      },
    });
  }

  function stop() {
    unsubscribe?.();
    unsubscribe = undefined;
  }

  /** Drops the answered dialog and shows the next one. */
  function dialogDone() {
    currentDialog.value = undefined;
    // A short gap so the closing modal and the next one do not overlap.
    setTimeout(() => {
      queue.next();
      currentDialog.value = queue.current;
    }, 100);
  }

  onBeforeUnmount(stop);

  return {
    status,
    error,
    streamInfo,
    currentDialog,
    released,
    start,
    end() {
      stop();
      if (graphUuid.value) forgetSession(graphUuid.value);
      status.value = 'stopped';
    },
    sendVariables,
    dialogDone,
  };
}
