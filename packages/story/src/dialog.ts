// Dialog model yielded by script cells to the listener. Values are the original
// lower-case enum values; the GraphQL layer exposes the upper-case names.

/** Element Plus button styles a dialog button can take. */
export const buttonTypes = ['default', 'primary', 'success', 'warning', 'info', 'danger'] as const;
export type ButtonType = (typeof buttonTypes)[number];

/** What the listener front end does when a button or checkbox is used. */
export const callbackActions = [
  'activate_gps_streaming',
  'send_variables',
  'send_variable',
] as const;
export type CallbackAction = (typeof callbackActions)[number];

/** A paragraph of text inside a dialog. */
export interface DialogText {
  type: 'text';
  text: string;
}

/** A text input whose value is sent as stream variable `key`. */
export interface DialogInput {
  type: 'input';
  key: string;
  label: string;
  placeholder: string;
}

/** A checkbox whose state is sent as stream variable `key`. */
export interface DialogCheckbox {
  type: 'checkbox';
  key: string;
  label: string;
  checked: boolean;
  callbackActions: CallbackAction[];
}

/** A dialog button; pressing it sends `key = value` (and the form fields with SEND_VARIABLES). */
export interface DialogButton {
  text: string;
  value: string;
  key: string;
  buttonType: ButtonType;
  callbackActions: CallbackAction[];
}

/** One dialog shown to the listener. */
export interface Dialog {
  title: string;
  content: Array<DialogText | DialogInput | DialogCheckbox>;
  buttons: DialogButton[];
}

const limit = 10_000;

function text(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value.slice(0, limit);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function actions(value: unknown, fallback: CallbackAction[]): CallbackAction[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((item): item is CallbackAction =>
    callbackActions.includes(item as CallbackAction),
  );
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Turns whatever a sandboxed script yielded into a well-formed {@link Dialog}, applying the original
 * defaults. Returns null when the value is not a dialog at all (the engine logs and ignores it).
 * Script output is untrusted data: strings are truncated and enum values checked.
 */
export function normalizeDialog(raw: unknown): Dialog | null {
  const input = record(raw);
  if (input.type !== 'dialog') return null;
  const content = (Array.isArray(input.content) ? (input.content as unknown[]) : [])
    .slice(0, 100)
    .flatMap((item): Dialog['content'] => {
      const part = record(item);
      switch (part.type) {
        case 'text':
          return [{ type: 'text' as const, text: text(part.text, '') }];
        case 'input':
          return [
            {
              type: 'input' as const,
              key: text(part.key, 'input'),
              label: text(part.label, 'input'),
              placeholder: text(part.placeholder, 'Please input'),
            },
          ];
        case 'checkbox':
          return [
            {
              type: 'checkbox' as const,
              key: text(part.key, 'checkbox'),
              label: text(part.label, ''),
              checked: part.checked === true,
              callbackActions: actions(part.callbackActions, []),
            },
          ];
        default:
          return [];
      }
    });
  const buttons = (Array.isArray(input.buttons) ? input.buttons : []).slice(0, 20).map((item) => {
    const button = record(item);
    return {
      text: text(button.text, ''),
      value: text(button.value, ''),
      key: text(button.key, 'button'),
      buttonType: oneOf(buttonTypes, button.buttonType, 'default'),
      callbackActions: actions(button.callbackActions, ['send_variable']),
    };
  });
  return { title: text(input.title, ''), content, buttons };
}
