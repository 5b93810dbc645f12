// Names for the generated GraphQL types the listener works with (see generated/graphql.ts, made by
// GraphQL Code Generator from the API's schema.graphql).
import type {
  GraphMetaFieldsFragment,
  LiveCodingPointQuery,
  StreamInfoSubscription,
  StreamPointFieldsFragment,
  StreamVariableInput as GeneratedStreamVariableInput,
} from './generated/graphql.ts';

export type { ButtonType, CallbackAction } from './generated/graphql.ts';

/** One stream variable to write, as `createUpdateStreamVariable` expects it. */
export type StreamVariableInput = Required<
  Pick<GeneratedStreamVariableInput, 'streamUuid' | 'key' | 'value'>
> & {
  streamToSc: boolean;
};

/** What the listener needs of a stream point: where to listen and whether it takes a microphone. */
export type StreamPointInfo = StreamPointFieldsFragment;

/** What playing a point needs: its uuid (the gateway path) and its mountpoint. */
export type PlayablePoint = Pick<StreamPointInfo, 'uuid' | 'janusOutRoom'>;

/** A point of the live-coding page, with the watch ticket it is played with. */
export type LiveCodingPoint = NonNullable<LiveCodingPointQuery['liveCodingPoint']>;

/** A public graph as listed on the start page and described on its own page. */
export type GraphMeta = GraphMetaFieldsFragment;

/** Every message of the `streamInfo` subscription. */
export type StreamInfoMessage = StreamInfoSubscription['streamInfo'];

/** The stream the listener was given, plus the instruction the graph just sent. */
export type StreamInfo = Extract<StreamInfoMessage, { __typename: 'StreamInfo' }>;

/** A question from the graph to the listener. */
export type Dialog = Extract<StreamInfoMessage, { __typename: 'Dialog' }>;

/** Content items of a dialog. */
export type DialogContent = Dialog['content'][number];

/** A checkbox; the listener's state is sent under `key`. */
export type DialogCheckbox = Extract<DialogContent, { __typename: 'Checkbox' }>;

/** A footer button of a dialog. */
export type DialogButton = Dialog['buttons'][number];
