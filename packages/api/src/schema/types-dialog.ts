import type { Dialog } from '@gencaster/story';
import { builder } from './builder.ts';
import { ButtonTypeEnum, CallbackActionEnum } from './enums.ts';

type CallbackAction = 'activate_gps_streaming' | 'send_variables' | 'send_variable';
type ButtonType = 'default' | 'primary' | 'success' | 'warning' | 'info' | 'danger';

/** A text paragraph in a dialog. */
export interface TextShape {
  kind: 'text';
  text: string;
}
/** A text field bound to a stream variable key. */
export interface InputShape {
  kind: 'input';
  key: string;
  label: string;
  placeholder: string;
}
/** A checkbox that runs callback actions when clicked. */
export interface CheckboxShape {
  kind: 'checkbox';
  key: string;
  label: string;
  checked: boolean;
  callbackActions: CallbackAction[];
}
/** A dialog button that sends its key/value. */
export interface ButtonShape {
  text: string;
  value: string;
  key: string;
  buttonType: ButtonType;
  callbackActions: CallbackAction[];
}
/** A dialog yielded by a script cell. */
export interface DialogShape {
  __typename: 'Dialog';
  title: string;
  content: (TextShape | InputShape | CheckboxShape)[];
  buttons: ButtonShape[];
}

/** Maps the engine's dialog (live messages carry it as is) to the GraphQL Dialog shape. */
export function toDialogShape(dialog: Dialog): DialogShape {
  return {
    __typename: 'Dialog',
    title: dialog.title,
    content: dialog.content.map((item) => {
      switch (item.type) {
        case 'text':
          return { kind: 'text' as const, text: item.text };
        case 'input':
          return {
            kind: 'input' as const,
            key: item.key,
            label: item.label,
            placeholder: item.placeholder,
          };
        case 'checkbox':
          return {
            kind: 'checkbox' as const,
            key: item.key,
            label: item.label,
            checked: item.checked,
            callbackActions: item.callbackActions,
          };
      }
    }),
    buttons: dialog.buttons.map((button) => ({ ...button })),
  };
}

const TextRef = builder.objectRef<TextShape>('Text').implement({
  fields: (t) => ({ text: t.exposeString('text') }),
});
const InputRef = builder.objectRef<InputShape>('Input').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    placeholder: t.exposeString('placeholder'),
  }),
});
const CheckboxRef = builder.objectRef<CheckboxShape>('Checkbox').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    checked: t.exposeBoolean('checked'),
    callbackActions: t.field({ type: [CallbackActionEnum], resolve: (box) => box.callbackActions }),
  }),
});
const ButtonRef = builder.objectRef<ButtonShape>('Button').implement({
  fields: (t) => ({
    text: t.exposeString('text'),
    value: t.exposeString('value'),
    key: t.exposeString('key'),
    buttonType: t.field({ type: ButtonTypeEnum, resolve: (button) => button.buttonType }),
    callbackActions: t.field({
      type: [CallbackActionEnum],
      resolve: (button) => button.callbackActions,
    }),
  }),
});
const ContentRef = builder.unionType('Content', {
  types: [TextRef, InputRef, CheckboxRef],
  resolveType: (content) => {
    switch (content.kind) {
      case 'text':
        return 'Text';
      case 'input':
        return 'Input';
      case 'checkbox':
        return 'Checkbox';
    }
  },
});

/** GraphQL type of a dialog shown to a listener. */
export const DialogRef = builder.objectRef<DialogShape>('Dialog').implement({
  fields: (t) => ({
    title: t.exposeString('title'),
    content: t.field({ type: [ContentRef], resolve: (dialog) => dialog.content }),
    buttons: t.field({ type: [ButtonRef], resolve: (dialog) => dialog.buttons }),
  }),
});
