// The cross-run attacks of issue 14 item 3 as graphs: an attacker (listener A) walks node after
// node of attacks on other runs (read, write, dialog injection, persistent hooks, killing another
// run) while two victims wait in the same interpreters (B in Python, C in JavaScript); a later,
// unrelated listener D runs ordinary code that any hook left behind would change. Each attack is
// its own node, so a refusal of one does not hide the next.
import type { ArchiveNodeSpec } from './escape-backend.ts';

/** One attack of the attacker graph: its node name is `id`. */
export interface CrossRunAttack {
  id: string;
  kind: 'read' | 'write' | 'dialog' | 'hook' | 'kill';
  language: 'python' | 'javascript';
  label: string;
  code: string;
  /**
   * JavaScript writes to frozen shared objects are silently ignored in sloppy mode (no error):
   * such an attack writes `vars.effect_<id>`, which must show that nothing changed.
   */
  effect?: { expected: string };
}

/** Values the victims store; no other run may read or change them. */
export const victimValues = {
  bGps: '47.3769,8.5417-B-PRIVATE',
  bName: 'Bettina-B-PRIVATE',
  cGps: '52.5200,13.4050-C-PRIVATE',
  cName: 'Carlos-C-PRIVATE',
  dSecret: 'Doris-D-PRIVATE',
};

const hogCount = 60;
/** A context manager made with type() whose __exit__ returns True, around tick-free work. */
const swallowingHog =
  "Swallow = type('Swallow', (), {'__enter__': lambda self: self, '__exit__': lambda self, *exc: True})\n" +
  Array.from(
    { length: hogCount },
    () => 'with Swallow():\n    [0 for a in range(10**7) for b in range(10**7)]\n',
  ).join('') +
  "vars['survived_kill_hog_swallowing_exit'] = 'yes'\n";

/** The attacks, in walk order (the spy reader and the kills come last, see the suite). */
export const crossRunAttacks: CrossRunAttack[] = [
  // Read another run's variables or capability.
  {
    id: 'read-prelude-globals',
    kind: 'read',
    language: 'python',
    label: 'wait_for_stream_variable.__globals__',
    code: "vars['stolen'] = str(wait_for_stream_variable.__globals__)",
  },
  {
    id: 'read-run-table',
    kind: 'read',
    language: 'python',
    label: 'the prelude run table _tasks',
    code: "vars['stolen'] = str(_tasks)",
  },
  {
    id: 'read-closure',
    kind: 'read',
    language: 'python',
    label: "getattr(wait_for_stream_variable, '__closure__')",
    code: "vars['stolen'] = str(getattr(wait_for_stream_variable, '__clo' + 'sure__'))",
  },
  {
    id: 'read-frames',
    kind: 'read',
    language: 'python',
    label: 'generator gi_frame.f_back',
    code: "def g():\n    yield 1\nvars['stolen'] = str(g().gi_frame.f_back.f_globals)",
  },
  {
    id: 'read-traceback',
    kind: 'read',
    language: 'python',
    label: 'exception __traceback__.tb_frame',
    code: "try:\n    1 / 0\nexcept Exception as error:\n    vars['stolen'] = str(error.__traceback__.tb_frame.f_back.f_locals)",
  },
  {
    id: 'read-gc',
    kind: 'read',
    language: 'python',
    label: 'gc.get_objects()',
    code: "import gc\nvars['stolen'] = str([o for o in gc.get_objects() if isinstance(o, dict) and 'gps' in o])",
  },
  {
    id: 'read-sys-modules',
    kind: 'read',
    language: 'python',
    label: "sys.modules['__main__']",
    code: "import sys\nvars['stolen'] = str(sys.modules['__main__'])",
  },
  {
    id: 'read-token',
    kind: 'read',
    language: 'python',
    label: "the run token getattr(get_stream_variables(), '_token')",
    code: "vars['stolen'] = getattr(get_stream_variables(), '_token')",
  },
  {
    id: 'read-js-host',
    kind: 'read',
    language: 'javascript',
    label: 'the host function __host',
    code: 'vars.stolen = String(__host);',
  },
  {
    id: 'read-js-caller',
    kind: 'read',
    language: 'javascript',
    label: "the prelude's driver through Function.caller",
    code: 'function probe() { return probe.caller; }\nvars.stolen = String(probe().name);',
  },
  // Write another run's variables.
  {
    id: 'write-host-module',
    kind: 'write',
    language: 'python',
    label: 'import _gencaster_host (the host call module)',
    code: "import _gencaster_host\n_gencaster_host.call('x', 'getVariables', '[]')",
  },
  {
    id: 'write-host-call',
    kind: 'write',
    language: 'python',
    label: "the prelude's _host_call",
    code: "vars['stolen'] = str(_host_call)",
  },
  {
    id: 'write-token',
    kind: 'write',
    language: 'python',
    label: "setattr(get_stream_variables(), '_token', …)",
    code: "setattr(get_stream_variables(), '_token', 'forged')",
  },
  {
    id: 'write-js-setter',
    kind: 'write',
    language: 'javascript',
    label: 'Object.prototype setter for gps',
    code: "Object.defineProperty(Object.prototype, 'gps', { get() { return 'HOOKED'; }, set(value) {} });",
  },
  // Dialogs for another listener.
  {
    id: 'dialog-patch-class',
    kind: 'dialog',
    language: 'python',
    label: 'Dialog.gps = … (patch the shared class)',
    code: "Dialog.gps = lambda *args, **kwargs: Dialog(title='INJECTED-BY-A')",
  },
  {
    id: 'dialog-dataclass',
    kind: 'dialog',
    language: 'python',
    label: 'dataclasses.dataclass(frozen=True)(Dialog)',
    code: 'import dataclasses\ndataclasses.dataclass(frozen=True)(Dialog)',
  },
  {
    id: 'dialog-js-patch',
    kind: 'dialog',
    language: 'javascript',
    label: 'Dialog.gps = … (JavaScript)',
    code: "Dialog.gps = () => ({ type: 'dialog', title: 'INJECTED-BY-A' });\nvars.effect_dialog_js_patch = String(Dialog.gps().title);",
    effect: { expected: 'GPS' },
  },
  // Hooks that would stay for later runs.
  {
    id: 'hook-dataclass-stdlib',
    kind: 'hook',
    language: 'python',
    label: 'dataclasses.dataclass(fractions.Fraction) (a shared stdlib class)',
    code: 'import dataclasses, fractions\ndataclasses.dataclass(fractions.Fraction)',
  },
  {
    id: 'hook-json-dumps',
    kind: 'hook',
    language: 'python',
    label: 'json.dumps = …',
    code: "import json\njson.dumps = lambda *args, **kwargs: 'HOOKED'",
  },
  {
    id: 'hook-builtins',
    kind: 'hook',
    language: 'python',
    label: 'import builtins; builtins.len = …',
    code: 'import builtins\nbuiltins.len = lambda value: 0',
  },
  {
    id: 'hook-builtins-dict',
    kind: 'hook',
    language: 'python',
    label: "__builtins__['len'] = …",
    code: "__builtins__['len'] = lambda value: 0",
  },
  {
    id: 'hook-wraps-json',
    kind: 'hook',
    language: 'python',
    label: 'functools.wraps(spy)(json): replace json.dumps in the shared facade',
    code: "import functools, json\nclass Spy:\n    pass\nspy = Spy()\nspy.dumps = lambda *args, **kwargs: 'HOOKED'\nfunctools.wraps(spy)(json)",
  },
  {
    id: 'hook-js-push',
    kind: 'hook',
    language: 'javascript',
    label: 'Array.prototype.push = …',
    code: 'Array.prototype.push = function hooked() { return -1; };\nvars.effect_hook_js_push = Array.prototype.push.name;',
    effect: { expected: 'push' },
  },
  {
    id: 'hook-js-json',
    kind: 'hook',
    language: 'javascript',
    label: 'JSON.parse = …',
    code: "JSON.parse = () => 'HOOKED';\nvars.effect_hook_js_json = String(JSON.parse('1'));",
    effect: { expected: '1' },
  },
  {
    id: 'hook-js-global',
    kind: 'hook',
    language: 'javascript',
    label: 'globalThis.hookedByA = …',
    code: "globalThis.hookedByA = 'A';\nvars.effect_hook_js_global = String(globalThis.hookedByA);",
    effect: { expected: 'undefined' },
  },
];

/** The spy: a hook that would read and change the variables of later runs while A waits. */
export const spyAttack: CrossRunAttack = {
  id: 'spy',
  kind: 'hook',
  language: 'python',
  label: 'functools.wraps(spy)(json) spy: read and rewrite later runs’ json.dumps arguments',
  code: [
    'import functools, json',
    'class Spy:',
    '    pass',
    'seen = []',
    'def spy_dumps(obj, *args, **kwargs):',
    '    seen.append(repr(obj))',
    '    if isinstance(obj, dict):',
    "        obj['gps'] = 'FORGED-BY-A'",
    "    return 'HOOKED'",
    'spy = Spy()',
    'spy.dumps = spy_dumps',
    'functools.wraps(spy)(json)',
    "await wait_for_stream_variable('a_go', 150)",
    "vars['stolen_spy'] = '|'.join(seen)",
  ].join('\n'),
};

/**
 * Attempts to stop other runs; victims B (Python) and C (JavaScript) wait meanwhile. A hog whose
 * last line runs (`survived_<id>`) swallowed the stops meant for it.
 */
export const killAttacks: CrossRunAttack[] = [
  {
    id: 'kill-asyncio-tasks',
    kind: 'kill',
    language: 'python',
    label: 'asyncio.all_tasks() → cancel()',
    code: 'import asyncio\nfor task in asyncio.all_tasks():\n    task.cancel()',
  },
  {
    id: 'kill-hog-keyboardinterrupt',
    kind: 'kill',
    language: 'python',
    label: 'CPU hog catching KeyboardInterrupt',
    code: 'while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass',
  },
  {
    id: 'kill-hog-baseexception',
    kind: 'kill',
    language: 'python',
    label: 'CPU hog catching BaseException',
    code: 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass',
  },
  {
    id: 'kill-hog-finally',
    kind: 'kill',
    language: 'python',
    label: 'CPU hog looping on in finally',
    code: 'try:\n    while True:\n        pass\nfinally:\n    while True:\n        pass',
  },
  {
    id: 'kill-js-hog-catch',
    kind: 'kill',
    language: 'javascript',
    label: 'JavaScript CPU hog catching its interruption',
    code: 'for (;;) { try { for (;;) {} } catch (error) {} }',
  },
  {
    id: 'kill-js-hog-finally',
    kind: 'kill',
    language: 'javascript',
    label: 'JavaScript CPU hog looping on in finally',
    code: 'try { for (;;) {} } finally { for (;;) {} }',
  },
  {
    id: 'kill-hog-swallowing-exit',
    kind: 'kill',
    language: 'python',
    label: 'CPU hog in a type()-made context manager whose __exit__ swallows the stop',
    code: swallowingHog,
  },
  {
    id: 'kill-hog-generator-finalizer',
    kind: 'kill',
    language: 'python',
    label:
      'CPU hog in the finally of generators closed by the garbage collector (the stop is "ignored")',
    code: [
      'def g():',
      '    try:',
      '        yield 1',
      '    finally:',
      '        while True:',
      '            pass',
      '[next(g()) for a in range(10**7) for b in range(10**7)]',
      "vars['survived_kill_hog_generator_finalizer'] = 'yes'",
    ].join('\n'),
  },
  {
    id: 'kill-hog-finalizer-map',
    kind: 'kill',
    language: 'python',
    label:
      'CPU hog in the finally of generators closed by the garbage collector, driven by map(lambda) (no tick in lambdas)',
    code: [
      'def g():',
      '    try:',
      '        yield 1',
      '    finally:',
      '        sum(range(10**7))',
      'list(map(lambda a: next(g()), range(10**7)))',
      "vars['survived_kill_hog_finalizer_map'] = 'yes'",
    ].join('\n'),
  },
  {
    id: 'kill-hog-del',
    kind: 'kill',
    language: 'python',
    label: 'CPU hog in a type()-made __del__ (the stop is "ignored")',
    code: [
      "D = type('D', (), {'__del__': lambda self: [0 for a in range(10**7) for b in range(10**7)]})",
      '[D() for a in range(10**7)]',
      "vars['survived_kill_hog_del'] = 'yes'",
    ].join('\n'),
  },
];

const cell = (language: 'python' | 'javascript', code: string) => ({ type: language, code });

/** The attacker's graph: every attack its own node, then the spy (waits for a_go), the kills, the end. */
export function attackerGraph(): ArchiveNodeSpec[] {
  const attacks = [...crossRunAttacks, spyAttack, ...killAttacks];
  return [
    {
      name: 'start',
      cells: [cell('javascript', "vars.a_phase = 'attacks';")],
      next: attacks[0]!.id,
    },
    ...attacks.map((attack, index) => ({
      name: attack.id,
      cells: [
        ...(attack === spyAttack ? [cell('javascript', "vars.a_phase = 'spy';")] : []),
        ...(attack.id === 'dialog-dataclass'
          ? [cell('python', "await emit(Dialog(title='A-OWN-DIALOG'))")]
          : []),
        cell(attack.language, attack.code),
      ],
      next: attacks[index + 1]?.id ?? 'end',
    })),
    { name: 'end', cells: [cell('javascript', "vars.a_end = 'reached';")] },
  ];
}

/** Checks of ordinary code that a hook left by another run would change; keys and expected values. */
export const laterRunChecks: {
  key: string;
  language: 'python' | 'javascript';
  code: string;
  expected: string;
}[] = [
  {
    key: 'json',
    language: 'python',
    code: "import json\nvars['KEY'] = json.dumps({'k': 1})",
    expected: '{"k": 1}',
  },
  {
    key: 'vars_json',
    language: 'python',
    code: "import json\nvars['KEY'] = str(json.dumps(vars) != 'HOOKED')",
    expected: 'True',
  },
  {
    key: 'dialog',
    language: 'python',
    code: "d = Dialog(title='mine', buttons=[Button(text='ok', value='ok', key='answer')])\nvars['KEY'] = d.title + '/' + d.buttons[0].key",
    expected: 'mine/answer',
  },
  {
    key: 'gps_dialog',
    language: 'python',
    code: "vars['KEY'] = Dialog.gps().title",
    expected: 'GPS',
  },
  {
    key: 'fraction',
    language: 'python',
    code: "import fractions\nvars['KEY'] = str(fractions.Fraction(1, 3) + fractions.Fraction(1, 6))",
    expected: '1/2',
  },
  {
    key: 'builtins',
    language: 'python',
    code: "vars['KEY'] = str(len('abc')) + str(sorted([2, 1]))",
    expected: '3[1, 2]',
  },
  {
    key: 'js',
    language: 'javascript',
    code: "const a = [];\na.push(1);\nvars.KEY = [JSON.stringify(JSON.parse('{\"a\":1}')), a.length, Array.prototype.push.name, typeof globalThis.hookedByA, String(({}).gps), Dialog.gps().title].join('|');",
    expected: '{"a":1}|1|push|undefined|undefined|GPS',
  },
];

/** Cells running {@link laterRunChecks}, each writing `<prefix>_<key>`. */
export function checkCells(prefix: string) {
  return laterRunChecks.map((check) => {
    const key = `${prefix}_${check.key}`;
    return cell(check.language, check.code.replace(/KEY/g, key));
  });
}

/** A victim's graph: store private values, wait for `go`, run the later-run checks, end. */
export function victimGraph(options: {
  prefix: 'b' | 'c';
  waitLanguage: 'python' | 'javascript';
  gps: string;
  name: string;
}): ArchiveNodeSpec[] {
  const { prefix, gps, name } = options;
  const wait =
    options.waitLanguage === 'python'
      ? `vars['${prefix}_got'] = await wait_for_stream_variable('${prefix}_go', 150)`
      : `vars.${prefix}_got = await waitForVariable('${prefix}_go', 150);`;
  return [
    {
      name: 'private',
      cells: [cell('javascript', `vars.gps = '${gps}';\nvars.name = '${name}';`)],
      next: 'wait',
    },
    { name: 'wait', cells: [cell(options.waitLanguage, wait)], next: 'checks' },
    { name: 'checks', cells: checkCells(prefix), next: 'end' },
    { name: 'end', cells: [cell('javascript', `vars.${prefix}_end = 'reached';`)] },
  ];
}

/** The later, unrelated listener's graph: the checks, then the end. */
export function laterGraph(): ArchiveNodeSpec[] {
  return [
    {
      name: 'private',
      cells: [cell('javascript', `vars.d_secret = '${victimValues.dSecret}';`)],
      next: 'checks',
    },
    { name: 'checks', cells: checkCells('d'), next: 'end' },
    { name: 'end', cells: [cell('javascript', "vars.d_end = 'reached';")] },
  ];
}
