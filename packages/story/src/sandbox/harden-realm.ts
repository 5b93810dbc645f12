// Closes the ways from a WASM guest back into the worker's own JavaScript realm. Pyodide hands
// Python proxies of JS functions; without this, `f.constructor('return process')()` would escape.

/**
 * Removes code generation from strings reachable through objects (the `constructor` of every
 * function kind), stack-trace hooks that expose call sites, global `eval`, and the Pyodide API
 * members that mount host directories or run JS. Call once, after the runtime is loaded.
 */
export function hardenRealm(api: Record<string, unknown>): void {
  const kinds = [function () {}, async function () {}, function* () {}, async function* () {}].map(
    (fn) => Object.getPrototypeOf(fn) as object,
  );
  for (const prototype of kinds) {
    Object.defineProperty(prototype, 'constructor', {
      value: undefined,
      writable: false,
      configurable: false,
    });
  }
  Object.defineProperty(Error, 'prepareStackTrace', {
    value: undefined,
    writable: false,
    configurable: false,
  });
  Object.defineProperty(globalThis, 'eval', {
    value: undefined,
    writable: false,
    configurable: false,
  });
  for (const key of [
    'mountNodeFS',
    'mountNativeFS',
    'FS',
    'PATH',
    'ERRNO_CODES',
    '_module',
    '_api',
    'runPython',
    'runPythonAsync',
    'pyimport',
    'loadPackage',
    'loadPackagesFromImports',
    'registerJsModule',
    'unregisterJsModule',
    'setStdin',
    'setStdout',
    'setStderr',
  ]) {
    try {
      Object.defineProperty(api, key, { value: undefined, writable: false, configurable: false });
    } catch {
      // A non-configurable member stays; the Python side cannot reach the API object anyway.
    }
  }
}
