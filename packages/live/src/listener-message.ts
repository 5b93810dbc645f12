import type { Stream, StreamInstruction, StreamPoint } from '@gencaster/domain';
import type { Dialog } from '@gencaster/story';

/** A stream as a session holds it; an assigned one carries its point (no second query). */
export type LiveStream = Stream & { point?: StreamPoint };

/** The part of a stored instruction that listeners and editors see. */
export type InstructionMessage = Pick<
  StreamInstruction,
  'uuid' | 'createdDate' | 'modifiedDate' | 'instructionText' | 'state' | 'returnValue'
>;

/**
 * What a listener session yields, in order: `stream` at once (with the session's token), then
 * `dialog`s and a `stream` per instruction, `dead-end` at the end; `no-stream` when no point is
 * free. The API maps these to its GraphQL union.
 */
export type ListenerMessage =
  | {
      type: 'stream';
      stream: LiveStream;
      instruction: InstructionMessage | null;
      listenerToken: string;
    }
  | { type: 'dialog'; dialog: Dialog }
  | { type: 'no-stream'; error: string }
  | { type: 'dead-end'; error: string };
