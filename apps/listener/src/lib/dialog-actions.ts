import type { DialogButton, DialogCheckbox, StreamVariableInput } from '../graphql/types.ts';

/** What answering a dialog element asks for: variables to send, and whether to start GPS. */
export interface DialogAnswer {
  variables: StreamVariableInput[];
  activateGps: boolean;
}

/** The element the listener used: a footer button, or a checkbox with the state they chose. */
export type AnsweredElement =
  | { kind: 'button'; button: DialogButton }
  | { kind: 'checkbox'; checkbox: DialogCheckbox; checked: boolean };

/**
 * Runs the callback actions of a dialog element as the original listener ran them.
 *
 * SEND_VARIABLE sends the element's own key: a button's value, or "true"/"false" for the state the
 * LISTENER set on a checkbox (the original sent the server's `checked`). SEND_VARIABLES sends every
 * form field. ACTIVATE_GPS_STREAMING only raises a flag. Later entries win for a repeated key.
 */
export function answerDialog(
  streamUuid: string,
  element: AnsweredElement,
  formData: Readonly<Record<string, string>>,
): DialogAnswer {
  const actions =
    element.kind === 'button' ? element.button.callbackActions : element.checkbox.callbackActions;
  const byKey = new Map<string, string>();
  let activateGps = false;
  for (const action of actions) {
    switch (action) {
      case 'SEND_VARIABLE':
        if (element.kind === 'button') byKey.set(element.button.key, element.button.value);
        else byKey.set(element.checkbox.key, element.checked ? 'true' : 'false');
        break;
      case 'SEND_VARIABLES':
        for (const [key, value] of Object.entries(formData)) byKey.set(key, value);
        break;
      case 'ACTIVATE_GPS_STREAMING':
        activateGps = true;
        break;
    }
  }
  const variables = [...byKey].map(([key, value]) => ({
    streamUuid,
    key,
    value,
    streamToSc: false,
  }));
  return { variables, activateGps };
}
