// Shapes of the listener's GraphQL results (inventory §4.6 and §5). They mirror the selections in
// operations.ts; the GraphQL Code Generator output replaces them once the schema is committed.

/** One stream variable to write, as `createUpdateStreamVariable` expects it. */
export interface StreamVariableInput {
  streamUuid: string;
  key: string;
  value: string;
  streamToSc: boolean;
}

/** What the listener needs of a stream point: where to listen and whether it takes a microphone. */
export interface StreamPointInfo {
  uuid: string;
  port: number;
  useInput: boolean;
  janusInRoom: number | null;
  janusOutRoom: number | null;
  janusInPort?: number | null;
  janusOutPort?: number | null;
  lastLive?: string | null;
}

/** A public graph as listed on the start page and described on its own page. */
export interface GraphMeta {
  uuid: string;
  name: string;
  displayName: string;
  slugName: string;
  startText: string;
  aboutText: string;
  endText: string;
  publicVisible?: boolean | null;
}

/** Names of the callbacks a checkbox or button can trigger (inventory §5). */
export type CallbackAction = 'ACTIVATE_GPS_STREAMING' | 'SEND_VARIABLES' | 'SEND_VARIABLE';

/** Element Plus button types a dialog button may ask for. */
export type ButtonType = 'DEFAULT' | 'PRIMARY' | 'SUCCESS' | 'WARNING' | 'INFO' | 'DANGER';

/** Plain text inside a dialog. */
export interface DialogText {
  __typename: 'Text';
  text: string;
}
/** A text field whose value is sent under `key`. */
export interface DialogInput {
  __typename: 'Input';
  key: string;
  label: string;
  placeholder: string;
}
/** A checkbox; the listener's state is sent under `key`. */
export interface DialogCheckbox {
  __typename: 'Checkbox';
  key: string;
  label: string;
  checked: boolean;
  callbackActions: CallbackAction[];
}
/** A footer button of a dialog. */
export interface DialogButton {
  text: string;
  value: string;
  key: string;
  buttonType: ButtonType;
  callbackActions: CallbackAction[];
}
/** Content items of a dialog. */
export type DialogContent = DialogText | DialogInput | DialogCheckbox;

/** A question from the graph to the listener. */
export interface Dialog {
  __typename: 'Dialog';
  title: string;
  content: DialogContent[];
  buttons: DialogButton[];
}

/** The stream the listener was given, plus the instruction the graph just sent. */
export interface StreamInfo {
  __typename: 'StreamInfo';
  /** Session token that authorises this listener to write its own stream's variables. */
  listenerToken?: string | null;
  stream: { uuid: string; streamPoint: StreamPointInfo };
  streamInstruction: { uuid: string; instructionText: string; state: string } | null;
}

/** Every message of the `streamInfo` subscription. */
export type StreamInfoMessage =
  | StreamInfo
  | Dialog
  | { __typename: 'NoStreamAvailable'; error: string }
  | { __typename: 'GraphDeadEnd'; error: string };
