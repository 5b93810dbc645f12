import type { ListenerMessage, LiveStream } from '../listener-message.ts';
import type { PushQueue } from '../pubsub/push-queue.ts';

/** One listener's session; survives a dropped connection for the grace period. */
export interface Session {
  token: string;
  listenerId: string;
  graphUuid: string;
  /** The stream; an assigned one carries its point (stream messages need no point query). */
  stream: LiveStream;
  output: PushQueue<ListenerMessage> | null;
  /** Reconnect grace after a dropped connection, or the end screen's grace after the dead end. */
  graceTimer: NodeJS.Timeout | undefined;
  left: boolean;
  /** The dead end's message once the walk ended (the listener is on the end screen), else false. */
  finished: string | false;
  /** True once the listener's audio started (the Janus gateway saw its `watch`) or it wrote. */
  listening: boolean;
  /** Gives the session's per-address slot back (once). */
  releaseSlot: () => void;
}
