// JavaScript evaluated inside each QuickJS context before a run: the capability API and the
// dialog factories (inventory §5). It only sees `__host` (one bridge function, removed again here)
// and `__varsJson`; the QuickJS realm has no fs, network, process or host objects at all.

/** Source of the QuickJS prelude; defines globals and `__drive(kind, fn)` for the worker. */
export const jsPrelude = String.raw`
'use strict';
(() => {
  const host = globalThis.__host;
  const varsIn = JSON.parse(globalThis.__varsJson);
  delete globalThis.__host;
  delete globalThis.__varsJson;
  const vars = { ...varsIn };
  const call = async (method, ...args) => {
    const reply = await host(method, JSON.stringify(args));
    return reply === undefined ? undefined : JSON.parse(reply);
  };
  const pick = (o, camel, snake, fallback) => (o[camel] ?? o[snake] ?? fallback);
  const ButtonType = Object.freeze({ DEFAULT: 'default', PRIMARY: 'primary', SUCCESS: 'success', WARNING: 'warning', INFO: 'info', DANGER: 'danger' });
  const CallbackAction = Object.freeze({ ACTIVATE_GPS_STREAMING: 'activate_gps_streaming', SEND_VARIABLES: 'send_variables', SEND_VARIABLE: 'send_variable' });
  function Text(o = {}) { return { type: 'text', text: String(typeof o === 'string' ? o : (o.text ?? '')) }; }
  function Input(o = {}) { return { type: 'input', key: String(o.key ?? 'input'), label: String(o.label ?? 'input'), placeholder: String(o.placeholder ?? 'Please input') }; }
  function Checkbox(o = {}) {
    return { type: 'checkbox', key: String(o.key ?? 'checkbox'), label: String(o.label ?? ''), checked: o.checked === true, callbackActions: [...pick(o, 'callbackActions', 'callback_actions', [])] };
  }
  Checkbox.gps = (o = {}) => Checkbox({ key: 'gps', label: 'Is it OK to access your GPS?', ...o, callbackActions: [CallbackAction.ACTIVATE_GPS_STREAMING] });
  function Button(o = {}) {
    return { text: String(o.text ?? ''), value: String(o.value ?? ''), key: String(o.key ?? 'button'), buttonType: pick(o, 'buttonType', 'button_type', ButtonType.DEFAULT), callbackActions: [...pick(o, 'callbackActions', 'callback_actions', [CallbackAction.SEND_VARIABLE])] };
  }
  Button.ok = (o = {}) => Button({ text: 'OK', value: 'ok', buttonType: ButtonType.PRIMARY, callbackActions: [CallbackAction.SEND_VARIABLE, CallbackAction.SEND_VARIABLES], ...o });
  Button.cancel = (o = {}) => Button({ text: 'Cancel', value: 'cancel', buttonType: ButtonType.WARNING, callbackActions: [CallbackAction.SEND_VARIABLE], ...o });
  function Dialog(o = {}) { return { type: 'dialog', title: String(o.title ?? ''), content: [...(o.content ?? [])], buttons: [...(o.buttons ?? [])] }; }
  Dialog.gps = (o = {}) => Dialog({ title: 'GPS', content: [Checkbox.gps()], buttons: [], ...o });
  const emit = (dialog) => call('emitDialog', dialog);
  const waitForVariable = async (name, timeoutSeconds = 100) => {
    const value = await call('waitForVariable', String(name), Number(timeoutSeconds));
    vars[name] = value;
    varsIn[name] = value;
    return value;
  };
  const sleep = (seconds) => call('sleep', Number(seconds));
  const getStreamVariables = () => call('getVariables');
  const log = (message, level = 'info') => { host('log', JSON.stringify([String(level), String(message)])); };
  const show = (args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  const console = Object.freeze({ log: (...a) => log(show(a)), info: (...a) => log(show(a)), warn: (...a) => log(show(a), 'warning'), error: (...a) => log(show(a), 'error') });
  const api = { vars, emit, waitForVariable, sleep, getStreamVariables, log, console, Dialog, Text, Input, Checkbox, Button, ButtonType, CallbackAction };
  for (const [name, value] of Object.entries(api)) Object.defineProperty(globalThis, name, { value, enumerable: false });
  const stringify = (value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  const report = (error, value) => {
    const changed = {};
    const deleted = [];
    for (const key of Object.keys(vars)) {
      const text = stringify(vars[key]);
      if (varsIn[key] !== text) changed[key] = text;
    }
    for (const key of Object.keys(varsIn)) if (!(key in vars)) deleted.push(key);
    const failure = error === undefined ? undefined : { message: String(error && error.name ? error.name + ': ' + error.message : error), stack: String((error && error.stack) || '') };
    return JSON.stringify({ changed, deleted, value, error: failure });
  };
  Object.defineProperty(globalThis, '__drive', {
    value: async (kind, fn) => {
      try {
        if (kind === 'cell') {
          for await (const item of fn(vars)) if (item) await emit(item);
          return report(undefined, null);
        }
        const value = await fn(vars);
        if (kind === 'condition') return report(undefined, value);
        return report(undefined, value === undefined || value === null ? '' : stringify(value));
      } catch (error) {
        return report(error, null);
      }
    },
  });
})();
`;

/** Prefix put on the first line of a cell so that `yield` and `await` work at top level. */
export const jsCellPrefix = '(async function* (vars) {';
/** Prefix put on the first line of a condition or expression. */
export const jsExpressionPrefix = '(async function (vars) { return (';

/** Wraps user code without moving its lines (only line 1's columns shift by the prefix). */
export function wrapJs(mode: 'cell' | 'condition' | 'expression', code: string): string {
  return mode === 'cell' ? `${jsCellPrefix}${code}\n})` : `${jsExpressionPrefix}${code}\n); })`;
}
