// JavaScript evaluated once per pooled QuickJS context: the capability API and the dialog
// factories, then a lockdown that freezes every shared object so that one run can
// leave nothing behind for the next run of the same context. The script's completion value is the
// `drive(kind, fn, varsJson)` function the worker calls per run; it is never reachable from user
// code (not a global); a run ends with `__host('__done', report)`. The only host object is
// `__host`, taken into a closure and deleted here.

/** Source of the QuickJS prelude; its completion value is the per-run driver function. */
export const jsPrelude = String.raw`
'use strict';
(() => {
  const host = globalThis.__host;
  delete globalThis.__host;
  // Callbacks that could fire during a later run of this context are not offered at all, nor
  // are binary buffers: QuickJS allocates their bytes outside its memory limit and interrupt
  // checks, so a loop of them could only be stopped by killing the worker with its other runs.
  for (const name of ['FinalizationRegistry', 'WeakRef', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) delete globalThis[name];
  let run = { vars: {}, varsIn: {} };
  const call = async (method, ...args) => {
    const reply = await host(method, JSON.stringify(args));
    return reply === undefined ? undefined : JSON.parse(reply);
  };
  const pick = (o, camel, snake, fallback) => (o[camel] ?? o[snake] ?? fallback);
  const ButtonType = { DEFAULT: 'default', PRIMARY: 'primary', SUCCESS: 'success', WARNING: 'warning', INFO: 'info', DANGER: 'danger' };
  const CallbackAction = { ACTIVATE_GPS_STREAMING: 'activate_gps_streaming', SEND_VARIABLES: 'send_variables', SEND_VARIABLE: 'send_variable' };
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
    const mine = run;
    const value = await call('waitForVariable', String(name), Number(timeoutSeconds));
    mine.vars[name] = value;
    mine.varsIn[name] = value;
    return value;
  };
  const sleep = (seconds) => call('sleep', Number(seconds));
  const getStreamVariables = () => call('getVariables');
  const log = (message, level = 'info') => { host('log', JSON.stringify([String(level), String(message)])); };
  const show = (args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  const console = { log: (...a) => log(show(a)), info: (...a) => log(show(a)), warn: (...a) => log(show(a), 'warning'), error: (...a) => log(show(a), 'error') };
  // Place helpers (issue 19): the variables the engine derives from places, place_<name>_<field>.
  const placeNumber = (name, field, fallback) => {
    const value = run.vars['place_' + String(name) + '_' + field];
    const number = value === undefined ? NaN : Number(value);
    return Number.isFinite(number) ? number : fallback;
  };
  const inside = (name) => placeNumber(name, 'inside', 0) === 1;
  const distance = (name) => placeNumber(name, 'distance', Infinity);
  const bearing = (name) => placeNumber(name, 'bearing', NaN);
  const dwell = (name) => placeNumber(name, 'dwell', 0);
  const visits = (name) => placeNumber(name, 'visits', 0);
  const visited = (name) => placeNumber(name, 'visits', 0) > 0;
  const api = { emit, waitForVariable, sleep, getStreamVariables, log, console, Dialog, Text, Input, Checkbox, Button, ButtonType, CallbackAction, inside, distance, bearing, dwell, visits, visited };
  for (const [name, value] of Object.entries(api)) Object.defineProperty(globalThis, name, { value, enumerable: false });
  // The current run's variables; a getter, so the frozen global still follows the run.
  Object.defineProperty(globalThis, 'vars', { get: () => run.vars, enumerable: false });
  const stringify = (value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  const report = (mine, error, value) => {
    const changed = {};
    const deleted = [];
    for (const key of Object.keys(mine.vars)) {
      const text = stringify(mine.vars[key]);
      if (mine.varsIn[key] !== text) changed[key] = text;
    }
    for (const key of Object.keys(mine.varsIn)) if (!(key in mine.vars)) deleted.push(key);
    const failure = error === undefined ? undefined : { message: String(error && error.name ? error.name + ': ' + error.message : error), stack: String((error && error.stack) || '') };
    return JSON.stringify({ changed, deleted, value, error: failure });
  };
  const body = async (mine, kind, fn) => {
    try {
      if (kind === 'cell') {
        for await (const item of fn(mine.vars)) if (item) await emit(item);
        return report(mine, undefined, null);
      }
      const value = await fn(mine.vars);
      if (kind === 'condition') return report(mine, undefined, value);
      return report(mine, undefined, value === undefined || value === null ? '' : stringify(value));
    } catch (error) {
      return report(mine, error, null);
    }
  };
  // Ends with one call __done(report) instead of a promise the worker must subscribe to.
  const drive = async (kind, fn, varsJson) => {
    // The worker reuses compiled cell functions across runs: freeze each (and the prototype of a
    // generator function) so that no run can leave state on it, e.g. via arguments.callee.
    if (!Object.isFrozen(fn)) {
      Object.freeze(fn);
      if (fn.prototype) Object.freeze(fn.prototype);
    }
    const varsIn = JSON.parse(varsJson);
    const mine = (run = { vars: { ...varsIn }, varsIn });
    let text;
    try {
      text = await body(mine, kind, fn);
    } catch (error) {
      text = JSON.stringify({ changed: {}, deleted: [], value: null, error: { message: 'the script result could not be read', stack: '' } });
    }
    host('__done', text);
  };

  // Lockdown. Data properties that ordinary code assigns on its own objects (this.name = … in an
  // Error subclass, obj.toString = …) become accessors, so freezing the prototype does not turn
  // those assignments into errors ("override mistake"); the shared prototype itself stays fixed.
  const overridable = (proto, key) => {
    const found = Object.getOwnPropertyDescriptor(proto, key);
    if (!found || !('value' in found) || !found.configurable) return;
    const value = found.value;
    Object.defineProperty(proto, key, {
      get() { return value; },
      set(next) {
        if (this === proto) throw new TypeError('shared ' + String(key) + ' cannot be replaced');
        Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: found.enumerable,
      configurable: false,
    });
  };
  for (const key of ['toString', 'valueOf', 'toLocaleString', 'constructor']) overridable(Object.prototype, key);
  for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, globalThis.AggregateError, globalThis.InternalError]) {
    if (!E) continue;
    for (const key of ['name', 'message', 'constructor']) overridable(E.prototype, key);
  }
  const hidden = [
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(/a/[Symbol.matchAll]('')),
    Object.getOwnPropertyDescriptor(Function.prototype, 'caller')?.get,
  ];
  const seen = new Set();
  const stack = [globalThis, ...hidden];
  while (stack.length > 0) {
    const item = stack.pop();
    if ((typeof item !== 'object' && typeof item !== 'function') || item === null || seen.has(item)) continue;
    seen.add(item);
    Object.freeze(item);
    stack.push(Object.getPrototypeOf(item));
    for (const key of Reflect.ownKeys(item)) {
      const found = Object.getOwnPropertyDescriptor(item, key);
      if (!found) continue;
      if ('value' in found) stack.push(found.value);
      else stack.push(found.get, found.set);
    }
  }
  return drive;
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
