import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/** One name scripts can use, described for the editor's autocompletion. */
export interface ScriptApiEntry {
  label: string;
  type: 'function' | 'class' | 'variable' | 'constant' | 'method';
  detail: string;
  info: string;
  /** Which cell languages know the name (Python spells multi-word names with underscores). */
  languages: ReadonlyArray<'javascript' | 'python'>;
}

/**
 * The script API of the sandbox (design §5), one entry per name. Kept in one list so both
 * languages' completions come from the same definition.
 */
export const scriptApi: readonly ScriptApiEntry[] = [
  {
    label: 'vars',
    type: 'variable',
    detail: 'Record<string, string>',
    info: 'Stream variables of this listener (values are strings).',
    languages: ['javascript', 'python'],
  },
  {
    label: 'waitForVariable',
    type: 'function',
    detail: '(key, {timeout?, update?}) => Promise<string>',
    info: 'Waits until the stream variable exists (or changes with update: true).',
    languages: ['javascript'],
  },
  {
    label: 'wait_for_stream_variable',
    type: 'function',
    detail: '(key, timeout=100.0, update=False)',
    info: 'Waits until the stream variable exists (Python cells: `await`).',
    languages: ['python'],
  },
  {
    label: 'sleep',
    type: 'function',
    detail: '(seconds) => Promise<void>',
    info: 'Pauses this listener without blocking others.',
    languages: ['javascript'],
  },
  {
    label: 'Dialog',
    type: 'class',
    detail: 'Dialog({title, content, buttons})',
    info: 'A dialog shown to the listener; yield it (Python) or pass it to showDialog (JavaScript).',
    languages: ['javascript', 'python'],
  },
  {
    label: 'showDialog',
    type: 'function',
    detail: '(dialog) => Promise<void>',
    info: 'Shows a dialog to the listener.',
    languages: ['javascript'],
  },
  {
    label: 'Text',
    type: 'class',
    detail: 'Text({text})',
    info: 'A paragraph inside a dialog.',
    languages: ['javascript', 'python'],
  },
  {
    label: 'Input',
    type: 'class',
    detail: 'Input({key, label, placeholder})',
    info: 'A text field; its value is stored under key.',
    languages: ['javascript', 'python'],
  },
  {
    label: 'Checkbox',
    type: 'class',
    detail: 'Checkbox({key, label, checked})',
    info: 'A checkbox; its state is stored under key.',
    languages: ['javascript', 'python'],
  },
  {
    label: 'Button',
    type: 'class',
    detail: 'Button({text, value, key, buttonType})',
    info: 'A dialog button; Button.ok() and Button.cancel() are ready-made.',
    languages: ['javascript', 'python'],
  },
  {
    label: 'log',
    type: 'function',
    detail: '(message) => void',
    info: 'Writes a line to the stream log.',
    languages: ['javascript'],
  },
  {
    label: 'random',
    type: 'constant',
    detail: 'module',
    info: 'Random numbers (Python random module).',
    languages: ['python'],
  },
  {
    label: 'Math',
    type: 'constant',
    detail: 'Math',
    info: 'JavaScript Math (random, floor, …).',
    languages: ['javascript'],
  },
];

/** A CodeMirror completion source for one cell language, built from {@link scriptApi}. */
export function scriptCompletions(language: 'javascript' | 'python') {
  const options: Completion[] = scriptApi
    .filter((entry) => entry.languages.includes(language))
    .map((entry) => ({
      label: entry.label,
      type: entry.type,
      detail: entry.detail,
      info: entry.info,
    }));
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[\w$]+/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w$]*$/ };
  };
}
