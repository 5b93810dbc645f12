import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/** A cell language of the script sandbox. */
export type ScriptLanguage = 'javascript' | 'python';

/** A name reachable after a dot, e.g. `Button.ok` or `ButtonType.PRIMARY`. */
export interface ScriptApiMember {
  label: string;
  detail: string;
  info: string;
}

/** One name scripts can use, described for the completions and the help panel. */
export interface ScriptApiEntry {
  label: string;
  type: 'function' | 'class' | 'variable' | 'constant' | 'namespace';
  /** The signature as the prelude defines it (parameter names and defaults). */
  detail: string;
  info: string;
  language: ScriptLanguage;
  members?: readonly ScriptApiMember[];
}

const buttonTypes = ['DEFAULT', 'PRIMARY', 'SUCCESS', 'WARNING', 'INFO', 'DANGER'];
const callbackActions = ['ACTIVATE_GPS_STREAMING', 'SEND_VARIABLES', 'SEND_VARIABLE'];
const valuesOf = (owner: string, names: string[]): ScriptApiMember[] =>
  names.map((name) => ({
    label: name,
    detail: `${owner}.${name}`,
    info: `"${name.toLowerCase()}"`,
  }));

/**
 * The globals of a JavaScript cell, exactly those the sandbox's prelude defines
 * (packages/story/src/sandbox/js-prelude.ts; e2e/editor-script-api.test.ts runs the prelude and
 * compares). A cell body runs as an async generator: `await` and `yield dialog` work at top level.
 */
const javascriptApi: ScriptApiEntry[] = [
  {
    label: 'vars',
    type: 'variable',
    detail: 'Record<string, string>',
    info: "The stream's variables. Assign to change one; values are stored as strings when the cell ends.",
  },
  {
    label: 'emit',
    type: 'function',
    detail: '(dialog) => Promise<void>',
    info: 'Shows a dialog to the listener; the same as `yield dialog`.',
  },
  {
    label: 'waitForVariable',
    type: 'function',
    detail: '(name, timeoutSeconds = 100) => Promise<string>',
    info: 'Waits until the stream variable exists and returns its value (also sets vars[name]).',
  },
  {
    label: 'sleep',
    type: 'function',
    detail: '(seconds) => Promise<void>',
    info: "Pauses this listener's walk without blocking anybody else.",
  },
  {
    label: 'inside',
    type: 'function',
    detail: '(name) => boolean',
    info: 'True while the listener is inside the place (reads vars.place_<name>_inside).',
  },
  {
    label: 'distance',
    type: 'function',
    detail: '(name) => number',
    info: 'Metres to the place: 0 inside, else to its edge; Infinity before any position.',
  },
  {
    label: 'bearing',
    type: 'function',
    detail: '(name) => number',
    info: "Degrees from north to the place's centre; NaN before any position.",
  },
  {
    label: 'dwell',
    type: 'function',
    detail: '(name) => number',
    info: 'Seconds inside the place during the current visit; 0 outside.',
  },
  {
    label: 'visits',
    type: 'function',
    detail: '(name) => number',
    info: 'How often the listener entered the place.',
  },
  {
    label: 'visited',
    type: 'function',
    detail: '(name) => boolean',
    info: 'True once the listener has been inside the place.',
  },
  {
    label: 'getStreamVariables',
    type: 'function',
    detail: '() => Promise<Record<string, string>>',
    info: "A fresh read of the stream's variables (vars is the copy this cell started with).",
  },
  {
    label: 'log',
    type: 'function',
    detail: "(message, level = 'info') => void",
    info: 'Writes a line to the stream log (levels: debug, info, warning, error).',
  },
  {
    label: 'console',
    type: 'namespace',
    detail: 'console',
    info: 'log/info go to the stream log as info, warn as warning, error as error.',
    members: ['log', 'info', 'warn', 'error'].map((name) => ({
      label: name,
      detail: `console.${name}(...values)`,
      info: 'Writes to the stream log.',
    })),
  },
  {
    label: 'Dialog',
    type: 'function',
    detail: '({ title, content, buttons })',
    info: 'A dialog for the listener: content is a list of Text, Input and Checkbox; buttons a list of Button.',
    members: [{ label: 'gps', detail: 'Dialog.gps(options)', info: 'Asks for GPS access.' }],
  },
  {
    label: 'Text',
    type: 'function',
    detail: "({ text }) or ('text')",
    info: 'A paragraph inside a dialog.',
  },
  {
    label: 'Input',
    type: 'function',
    detail: "({ key = 'input', label = 'input', placeholder = 'Please input' })",
    info: 'A text field; its value is stored as the stream variable `key`.',
  },
  {
    label: 'Checkbox',
    type: 'function',
    detail: "({ key = 'checkbox', label, checked = false, callbackActions })",
    info: 'A checkbox; its state is stored as the stream variable `key`.',
    members: [
      { label: 'gps', detail: 'Checkbox.gps(options)', info: 'A checkbox that turns on GPS.' },
    ],
  },
  {
    label: 'Button',
    type: 'function',
    detail: "({ text, value, key = 'button', buttonType, callbackActions })",
    info: 'A dialog button; pressing it stores `value` as the stream variable `key`.',
    members: [
      { label: 'ok', detail: 'Button.ok(options)', info: 'OK (primary), value "ok".' },
      {
        label: 'cancel',
        detail: 'Button.cancel(options)',
        info: 'Cancel (warning), value "cancel".',
      },
    ],
  },
  {
    label: 'ButtonType',
    type: 'constant',
    detail: 'ButtonType',
    info: 'Button colours.',
    members: valuesOf('ButtonType', buttonTypes),
  },
  {
    label: 'CallbackAction',
    type: 'constant',
    detail: 'CallbackAction',
    info: 'What the listener page does when the element is used.',
    members: valuesOf('CallbackAction', callbackActions),
  },
].map((entry) => ({ ...entry, language: 'javascript' }) as ScriptApiEntry);

/**
 * The names of a Python cell, exactly those of the sandbox's per-run namespace
 * (packages/story/src/sandbox/python-prelude.ts `_namespace`, plus `print`). A cell body runs as
 * an async generator: `await` and `yield Dialog(...)` work at top level.
 */
const pythonApi: ScriptApiEntry[] = [
  {
    label: 'vars',
    type: 'variable',
    detail: 'dict[str, str]',
    info: "The stream's variables. Assign to change one; values are stored as strings when the cell ends.",
  },
  {
    label: 'emit',
    type: 'function',
    detail: 'async emit(dialog)',
    info: 'Shows a dialog to the listener (`await emit(d)`); the same as `yield d`.',
  },
  {
    label: 'wait_for_stream_variable',
    type: 'function',
    detail: 'async wait_for_stream_variable(name, timeout=100.0, update_speed=None)',
    info: 'Waits until the stream variable exists and returns it (`await`); also sets vars[name].',
  },
  {
    label: 'sleep',
    type: 'function',
    detail: 'async sleep(seconds)',
    info: "Pauses this listener's walk (`await sleep(2)`).",
  },
  {
    label: 'inside',
    type: 'function',
    detail: 'inside(name)',
    info: 'True while the listener is inside the place (reads vars["place_<name>_inside"]).',
  },
  {
    label: 'distance',
    type: 'function',
    detail: 'distance(name)',
    info: "Metres to the place: 0 inside, else to its edge; float('inf') before any position.",
  },
  {
    label: 'bearing',
    type: 'function',
    detail: 'bearing(name)',
    info: "Degrees from north to the place's centre; nan before any position.",
  },
  {
    label: 'dwell',
    type: 'function',
    detail: 'dwell(name)',
    info: 'Seconds inside the place during the current visit; 0 outside.',
  },
  {
    label: 'visits',
    type: 'function',
    detail: 'visits(name)',
    info: 'How often the listener entered the place.',
  },
  {
    label: 'visited',
    type: 'function',
    detail: 'visited(name)',
    info: 'True once the listener has been inside the place.',
  },
  {
    label: 'get_stream_variables',
    type: 'function',
    detail: 'get_stream_variables()',
    info: 'The variables as a dict; `await get_stream_variables()` reads them fresh.',
  },
  {
    label: 'log',
    type: 'function',
    detail: "log(message, level='info')",
    info: 'Writes a line to the stream log.',
  },
  { label: 'print', type: 'function', detail: 'print(*values)', info: 'Writes to the stream log.' },
  { label: 'asyncio', type: 'namespace', detail: 'module', info: 'asyncio (sleep, gather, …).' },
  { label: 'random', type: 'namespace', detail: 'module', info: 'random, seeded per run.' },
  { label: 'time', type: 'namespace', detail: 'module', info: 'time.' },
  { label: 'datetime', type: 'class', detail: 'datetime.datetime', info: 'The datetime class.' },
  { label: 'timedelta', type: 'class', detail: 'datetime.timedelta', info: 'The timedelta class.' },
  {
    label: 'Dialog',
    type: 'class',
    detail: "Dialog(title='', content=None, buttons=None)",
    info: 'A dialog for the listener: content is a list of Text, Input and Checkbox; buttons a list of Button.',
    members: [{ label: 'gps', detail: "Dialog.gps(title='GPS')", info: 'Asks for GPS access.' }],
  },
  { label: 'Text', type: 'class', detail: "Text(text='')", info: 'A paragraph inside a dialog.' },
  {
    label: 'Input',
    type: 'class',
    detail: "Input(key='input', label='input', placeholder='Please input')",
    info: 'A text field; its value is stored as the stream variable `key`.',
  },
  {
    label: 'Checkbox',
    type: 'class',
    detail: "Checkbox(key='checkbox', label='', checked=False, callback_actions=None)",
    info: 'A checkbox; its state is stored as the stream variable `key`.',
    members: [
      {
        label: 'gps',
        detail: "Checkbox.gps(label=…, key='gps')",
        info: 'A checkbox that turns on GPS.',
      },
    ],
  },
  {
    label: 'Button',
    type: 'class',
    detail:
      "Button(text='', value='', key='button', button_type=ButtonType.DEFAULT, callback_actions=None)",
    info: 'A dialog button; pressing it stores `value` as the stream variable `key`.',
    members: [
      { label: 'ok', detail: 'Button.ok(…)', info: 'OK (primary), value "ok".' },
      { label: 'cancel', detail: 'Button.cancel(…)', info: 'Cancel (warning), value "cancel".' },
    ],
  },
  {
    label: 'ButtonType',
    type: 'constant',
    detail: 'ButtonType',
    info: 'Button colours.',
    members: valuesOf('ButtonType', buttonTypes),
  },
  {
    label: 'CallbackAction',
    type: 'constant',
    detail: 'CallbackAction',
    info: 'What the listener page does when the element is used.',
    members: valuesOf('CallbackAction', callbackActions),
  },
  {
    label: 'ScriptCellTimeout',
    type: 'class',
    detail: 'ScriptCellTimeout',
    info: 'Raised when wait_for_stream_variable times out (catch it to go on).',
  },
].map((entry) => ({ ...entry, language: 'python' }) as ScriptApiEntry);

/** Every script API entry of both languages. */
export const scriptApi: readonly ScriptApiEntry[] = [...javascriptApi, ...pythonApi];

/** The entries of one language. */
export function scriptApiOf(language: ScriptLanguage): ScriptApiEntry[] {
  return scriptApi.filter((entry) => entry.language === language);
}

/**
 * A CodeMirror completion source for one cell language: top-level names while typing a word, the
 * members of `Button.`, `ButtonType.`, … after a dot (and nothing after an unknown dot).
 */
export function scriptCompletions(language: ScriptLanguage) {
  const entries = scriptApiOf(language);
  const options: Completion[] = entries.map((entry) => ({
    label: entry.label,
    type: entry.type === 'namespace' ? 'namespace' : entry.type,
    detail: entry.detail,
    info: entry.info,
  }));
  const members = new Map(entries.map((entry) => [entry.label, entry.members ?? []]));
  return (context: CompletionContext): CompletionResult | null => {
    const dotted = context.matchBefore(/[\w$]+\.[\w$]*/);
    if (dotted) {
      const [owner = '', typed = ''] = dotted.text.split('.');
      const known = members.get(owner);
      if (!known || known.length === 0) return null;
      return {
        from: dotted.to - typed.length,
        options: known.map((member) => ({
          label: member.label,
          type: 'property',
          detail: member.detail,
          info: member.info,
        })),
        validFor: /^[\w$]*$/,
      };
    }
    const word = context.matchBefore(/[\w$]+/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w$]*$/ };
  };
}
