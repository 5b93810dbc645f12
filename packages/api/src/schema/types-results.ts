import type { AudioFile, NodeDoor, User } from '@gencaster/domain';
import type { InstructionMessage, ListenerMessage, LiveStream } from '@gencaster/live';
import { builder } from './builder.ts';
import { UserRoleEnum } from './enums.ts';
import { AudioFileRef } from './types-audio.ts';
import { DialogRef, toDialogShape, type DialogShape } from './types-dialog.ts';
import { NodeDoorRef } from './types-graph.ts';
import { StreamInstructionRef, StreamRef } from './types-stream.ts';

/** First and per-instruction message of a listener session. */
export interface StreamInfoShape {
  __typename: 'StreamInfo';
  stream: LiveStream;
  streamInstruction: InstructionMessage | null;
  listenerToken: string;
}
/** An error result carrying a message (NoStreamAvailable, GraphDeadEnd, InvalidAudioFile). */
export interface ErrorResultShape<Name extends string> {
  __typename: Name;
  error: string;
}
/** A syntax error in door or cell code, with position (the original's InvalidPythonCode shape). */
export interface InvalidCodeShape {
  __typename: 'InvalidPythonCode';
  errorType: string;
  errorMessage: string;
  errorCode: string;
  line: number | null;
  column: number | null;
}

/** GraphQL type of a logged-in account. */
export const UserRef = builder.objectRef<User>('User').implement({
  fields: (t) => ({
    username: t.exposeString('username'),
    role: t.field({ type: UserRoleEnum, resolve: (user) => user.role }),
    isStaff: t.boolean({ resolve: () => true }),
    isActive: t.exposeBoolean('isActive'),
    email: t.exposeString('email'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
  }),
});

const StreamInfoRef = builder.objectRef<StreamInfoShape>('StreamInfo').implement({
  fields: (t) => ({
    stream: t.field({ type: StreamRef, resolve: (info) => info.stream }),
    streamInstruction: t.field({
      type: StreamInstructionRef,
      nullable: true,
      resolve: (info) => info.streamInstruction,
    }),
    listenerToken: t.exposeString('listenerToken', {
      description:
        'Secret of this listener session; pass it to createUpdateStreamVariable to write variables of this stream.',
    }),
  }),
});

function errorResult<Name extends string>(name: Name) {
  return builder.objectRef<ErrorResultShape<Name>>(name).implement({
    fields: (t) => ({ error: t.exposeString('error') }),
  });
}
const NoStreamAvailableRef = errorResult('NoStreamAvailable');
const GraphDeadEndRef = errorResult('GraphDeadEnd');
const InvalidAudioFileRef = errorResult('InvalidAudioFile');

const LoginErrorRef = builder.objectRef<{ errorMessage: string }>('LoginError').implement({
  fields: (t) => ({ errorMessage: t.exposeString('errorMessage', { nullable: true }) }),
});

/** GraphQL type of a syntax error with line/column (1-based, null when unknown). */
export const InvalidPythonCodeRef = builder
  .objectRef<InvalidCodeShape>('InvalidPythonCode')
  .implement({
    fields: (t) => ({
      errorType: t.exposeString('errorType'),
      errorMessage: t.exposeString('errorMessage'),
      errorCode: t.exposeString('errorCode'),
      line: t.exposeInt('line', { nullable: true }),
      column: t.exposeInt('column', { nullable: true }),
    }),
  });

/** Everything a `streamInfo` subscription yields. */
export type StreamInfoResponse =
  | StreamInfoShape
  | DialogShape
  | ErrorResultShape<'NoStreamAvailable'>
  | ErrorResultShape<'GraphDeadEnd'>;

/** A listener session's message as the `streamInfo` union member it is sent as. */
export function toStreamInfoResponse(message: ListenerMessage): StreamInfoResponse {
  switch (message.type) {
    case 'stream':
      return {
        __typename: 'StreamInfo',
        stream: message.stream,
        streamInstruction: message.instruction,
        listenerToken: message.listenerToken,
      };
    case 'dialog':
      return toDialogShape(message.dialog);
    case 'no-stream':
      return { __typename: 'NoStreamAvailable', error: message.error };
    case 'dead-end':
      return { __typename: 'GraphDeadEnd', error: message.error };
  }
}

/** Union of the listener session messages: what a listener's streamInfo subscription yields. */
export const StreamInfoResponseRef = builder.unionType('StreamInfoResponse', {
  types: [StreamInfoRef, DialogRef, NoStreamAvailableRef, GraphDeadEndRef],
  resolveType: (value: StreamInfoResponse) => value.__typename,
});

/** Result of `authLogin`. */
export const LoginRequestResponseRef = builder.unionType('LoginRequestResponse', {
  types: [LoginErrorRef, UserRef],
  resolveType: (value) => ('errorMessage' in value ? 'LoginError' : 'User'),
});

/** Result of `addAudioFile`. */
export const AudioFileUploadResponseRef = builder.unionType('AudioFileUploadResponse', {
  types: [AudioFileRef, InvalidAudioFileRef],
  resolveType: (value: AudioFile | ErrorResultShape<'InvalidAudioFile'>) =>
    '__typename' in value ? 'InvalidAudioFile' : 'AudioFile',
});

/** Result of `updateNodeDoor`. */
export const NodeDoorResponseRef = builder.unionType('NodeDoorResponse', {
  types: [NodeDoorRef, InvalidPythonCodeRef],
  resolveType: (value: NodeDoor | InvalidCodeShape) =>
    '__typename' in value ? 'InvalidPythonCode' : 'NodeDoor',
});
