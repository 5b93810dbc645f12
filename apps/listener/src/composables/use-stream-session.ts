import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue';
import { request, subscribe } from '../graphql/client.ts';
import { createUpdateStreamVariable, streamInfoSubscription } from '../graphql/operations.ts';
import type { Dialog, StreamInfo, StreamVariableInput } from '../graphql/types.ts';
import { createDialogQueue } from '../lib/dialog-queue.ts';

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
 * listener token. `ready` is sent once per session, when the first StreamInfo arrives.
 */
export function useStreamSession(graphUuid: Ref<string | undefined>) {
  const status = ref<SessionStatus>('loading');
  const error = ref<string>();
  const streamInfo = shallowRef<StreamInfo>();
  const queue = createDialogQueue<QueuedDialog>();
  const currentDialog = shallowRef<QueuedDialog>();
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
    queue.clear();
    currentDialog.value = undefined;
    readySent = false;
    unsubscribe = subscribe(
      streamInfoSubscription,
      { graphUuid: uuid },
      {
        next: ({ streamInfo: message }) => {
          switch (message.__typename) {
            case 'StreamInfo':
              streamInfo.value = message;
              status.value = 'active';
              if (!readySent) {
                readySent = true;
                void sendVariables([{ key: 'ready', value: '1.0', streamToSc: true }]).catch(
                  () => undefined,
                );
              }
              break;
            case 'Dialog':
              onDialog(message);
              break;
            case 'NoStreamAvailable':
              status.value = 'no-stream';
              error.value = message.error;
              break;
            case 'GraphDeadEnd':
              status.value = 'dead-end';
              break;
          }
        },
        error: (failure) => {
          status.value = 'error';
          error.value = failure.message;
        },
        complete: () => undefined,
      },
    );
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
    start,
    end() {
      stop();
      status.value = 'stopped';
    },
    sendVariables,
    dialogDone,
  };
}
