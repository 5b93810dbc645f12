// The escapes of issue 14 item 2 (and the OS-level reads and the socket), each written once as a
// script cell and once as an expression; the suite runs the expression as an OUTPUT door
// condition and as a markdown expression token. An escape that worked would store what it got in
// `vars['escaped_<id>']`, open its door, or speak it; every command it would run `touch`es the
// marker file.
import type { EscapePaths, PlantedSecrets } from './escape-backend.ts';

/** One escape attempt. */
export interface EscapeAttack {
  /** Short id: variable and door names. */
  id: string;
  language: 'python' | 'javascript';
  /** What the suite prints, e.g. "os.system". */
  label: string;
  /** A whole cell; on success it writes `escaped_<id>`. */
  cell: string;
  /** One expression (no backticks: it also goes into a markdown token). */
  expression: string;
}

/** Where the attacks aim. */
export interface AttackTargets {
  paths: EscapePaths;
  secrets: PlantedSecrets;
  /** The backend's HTTP port (a socket to it would be an escape from the network namespace). */
  httpPort: number;
}

/** The item 2 escapes, Python and JavaScript. */
export function escapeAttacks({ paths, secrets, httpPort }: AttackTargets): EscapeAttack[] {
  const touch = `touch ${paths.marker}`;
  const env = secrets.envName;
  const list: Omit<EscapeAttack, 'id'>[] = [];
  // Cells are thunks only to keep the long lines apart; VAR stands for the result variable.
  const py = (label: string, cell: () => string, expression: string) =>
    list.push({ language: 'python', label, cell: cell(), expression });
  const js = (label: string, cell: () => string, expression: string) =>
    list.push({ language: 'javascript', label, cell: cell(), expression });

  // Python: libc and JavaScript escape hatches of Pyodide.
  py(
    'os.system',
    () => `import os\nVAR = str(os.system('${touch}'))`,
    `__import__('os').system('${touch}')`,
  );
  py(
    'posix.system',
    () => `import posix\nVAR = str(posix.system('${touch}'))`,
    `__import__('posix').system('${touch}')`,
  );
  py(
    'ctypes.CDLL(None).system',
    () => `import ctypes\nVAR = str(ctypes.CDLL(None).system(b'${touch}'))`,
    `__import__('ctypes').CDLL(None).system(b'${touch}')`,
  );
  py(
    'subprocess',
    () =>
      `import subprocess\nVAR = subprocess.run(['touch', '${paths.marker}'], capture_output=True).returncode`,
    `__import__('subprocess').getoutput('${touch}')`,
  );
  py('import js', () => `import js\nVAR = str(js.process.env)`, `__import__('js').process.env`);
  py(
    'pyodide_js',
    () => `import pyodide_js\nVAR = str(pyodide_js.FS.readFile('${paths.secretFile}'))`,
    `__import__('pyodide_js').FS`,
  );
  py(
    'js.require child_process',
    () => `from js import require\nVAR = str(require('child_process').execSync('${touch}'))`,
    `__import__('js').require('child_process').execSync('${touch}')`,
  );
  py(
    'js.process',
    () => `from js import process\nVAR = str(process.env.${env})`,
    `__import__('js').process.env.${env}`,
  );
  py(
    'fs via pyodide.code.run_js',
    () =>
      `import pyodide\nVAR = str(pyodide.code.run_js("require('fs').readFileSync('${paths.secretFile}', 'utf8')"))`,
    `__import__('pyodide').code.run_js('process.env')`,
  );
  py(
    'subclass walk _wrap_close.__init__.__globals__["system"]',
    () =>
      `walk = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close']\nVAR = str(walk[0].__init__.__globals__['system']('${touch}'))`,
    `[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0].__init__.__globals__['system']('${touch}')`,
  );
  py(
    'subclass walk through getattr strings',
    () =>
      `base = getattr(getattr((), '__cla' + 'ss__'), '__ba' + 'se__')\nVAR = str(getattr(base, '__subcla' + 'sses__')())`,
    `getattr(getattr((), '__cla' + 'ss__'), '__ba' + 'se__')`,
  );
  py(
    'os.environ',
    () => `import os\nVAR = os.environ.get('${env}', 'none')`,
    `__import__('os').environ['${env}']`,
  );
  py(
    'open /proc/self/environ',
    () => `VAR = open('/proc/self/environ').read()`,
    `open('/proc/self/environ').read()`,
  );
  py(
    'read the data dir secret file',
    () => `VAR = open('${paths.secretFile}').read()`,
    `open('${paths.secretFile}').read()`,
  );
  py(
    'read the Janus secrets file',
    () => `VAR = open('${paths.janusFile}').read()`,
    `open('${paths.janusFile}').read()`,
  );
  py(
    'socket to the backend',
    () => `import socket\nVAR = str(socket.create_connection(('127.0.0.1', ${httpPort}), 2))`,
    `__import__('socket').create_connection(('127.0.0.1', ${httpPort}), 2)`,
  );

  // JavaScript: the Node and QuickJS host objects and the Function-constructor tricks.
  js('process', () => `VAR = String(process.env.${env});`, `process.env.${env}`);
  js(
    'require child_process',
    () => `VAR = String(require('child_process').execSync('${touch}'));`,
    `require('child_process').execSync('${touch}')`,
  );
  js(
    "import('fs')",
    () => `const fs = await import('fs');\nVAR = fs.readFileSync('${paths.secretFile}', 'utf8');`,
    `await import('fs').then((fs) => fs.readFileSync('${paths.secretFile}', 'utf8'))`,
  );
  js(
    "import('child_process')",
    () => `const cp = await import('child_process');\nVAR = String(cp.execSync('${touch}'));`,
    `await import('child_process').then((cp) => cp.execSync('${touch}'))`,
  );
  js(
    'Function constructor',
    () => `VAR = String(({}).constructor.constructor('return process')().env.${env});`,
    `({}).constructor.constructor('return process')().env.${env}`,
  );
  js(
    'AsyncFunction constructor',
    () =>
      `const F = Object.getPrototypeOf(async function () {}).constructor;\nVAR = String(await F('return require')()('fs').readFileSync('${paths.secretFile}', 'utf8'));`,
    `await Object.getPrototypeOf(async function () {}).constructor('return require')()('fs')`,
  );
  js('eval', () => `VAR = String(eval('process').env.${env});`, `eval('process').env.${env}`);
  js(
    'globalThis.process.mainModule',
    () =>
      `VAR = String(globalThis.process.mainModule.require('fs').readFileSync('${paths.secretFile}'));`,
    `globalThis.process.mainModule.require('fs')`,
  );
  js(
    'QuickJS std.loadFile /proc/self/environ',
    () => `VAR = String(std.loadFile('/proc/self/environ'));`,
    `std.loadFile('/proc/self/environ')`,
  );
  js(
    'QuickJS os.exec',
    () => `VAR = String(os.exec(['touch', '${paths.marker}']));`,
    `os.exec(['touch', '${paths.marker}'])`,
  );
  js(
    'import of the data dir secret file',
    () => `const m = await import('${paths.secretFile}');\nVAR = JSON.stringify(m);`,
    `await import('${paths.secretFile}')`,
  );
  js(
    'import of the Janus secrets file',
    () =>
      `const m = await import('${paths.janusFile}', { with: { type: 'json' } });\nVAR = JSON.stringify(m);`,
    `await import('${paths.janusFile}')`,
  );
  js(
    'fetch to the backend',
    () => `VAR = String(await fetch('http://127.0.0.1:${httpPort}/health'));`,
    `await fetch('http://127.0.0.1:${httpPort}/health')`,
  );
  js(
    'WebSocket to the backend',
    () => `VAR = String(new WebSocket('ws://127.0.0.1:${httpPort}/graphql'));`,
    `new WebSocket('ws://127.0.0.1:${httpPort}/graphql')`,
  );

  return list.map((attack, index) => {
    const id = `${attack.language === 'python' ? 'py' : 'js'}${index}`;
    const target = attack.language === 'python' ? `vars['escaped_${id}']` : `vars.escaped_${id}`;
    return { ...attack, id, cell: attack.cell.replace(/(^|\n)VAR = /, `$1${target} = `) };
  });
}

/** The attack as an OUTPUT door condition: true (door opens) only if the escape worked. */
export function doorCondition(attack: EscapeAttack): string {
  return attack.language === 'python'
    ? `str(${attack.expression}) != 'impossible'`
    : `// js\nString(${attack.expression}) !== 'impossible'`;
}

/** The attack as a markdown cell with one expression token. */
export function markdownToken(attack: EscapeAttack): string {
  const kind = attack.language === 'python' ? 'python' : 'js';
  return `Escape ${attack.id}: {${kind}}\`${attack.expression}\` end.`;
}
