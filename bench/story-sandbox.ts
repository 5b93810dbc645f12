// Benchmark of the story engine's sandbox: per-cell overhead of a warm JavaScript (QuickJS) and
// Python (Pyodide) run, each next to a baseline measured in the same run (a plain function call
// answered by a worker thread, i.e. the message round trip every sandboxed run pays at least),
// and 200 concurrent engines walking a 50-node script-only graph (steps per second, slowest walk)
// next to the same walk with comment cells only. Every run goes through the boxed sandbox host
// process (createScriptSandbox), so the figures include the IPC hop and the box. Each note also
// gives the figure before the sandbox host and pooled contexts (bench/report.md of 2026-11-26) and
// the target. Run alone with `npx tsx bench/story-sandbox.ts`.
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  createEngine,
  createGraphBuilder,
  createMemoryPorts,
  createScriptSandbox,
  createSeededRandom,
  type ScriptCapabilities,
  type ScriptLanguage,
  type ScriptSandbox,
} from '@gencaster/story';

interface Row {
  case: string;
  ms: number;
  baselineMs: number;
  ratio: number;
  note?: string;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const capabilities: ScriptCapabilities = {
  waitForVariable: () => Promise.resolve(''),
  sleep: () => Promise.resolve(),
  getVariables: () => Promise.resolve({}),
  log: () => undefined,
  emitDialog: () => Promise.resolve(),
};

/** Median round trip of a plain function call executed by a worker thread. */
async function workerCallBaseline(samples: number): Promise<number> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const cell = (vars) => ({ ...vars, n: String(Number(vars.n ?? 0) + 1) });
     parentPort.on('message', (vars) => parentPort.postMessage(cell(vars)));`,
    { eval: true },
  );
  const call = (): Promise<unknown> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage({ n: '1' });
    });
  for (let i = 0; i < 50; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  await worker.terminate();
  return median(times);
}

async function cellMedian(
  sandbox: ScriptSandbox,
  language: ScriptLanguage,
  code: string,
  mode: 'cell' | 'condition',
  samples: number,
): Promise<number> {
  const run = () =>
    sandbox.run({ language, mode, code, variables: { n: '1', a: '1' }, capabilities });
  for (let i = 0; i < 30; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const result = await run();
    times.push(performance.now() - started);
    if (!result.ok) throw new Error(`benchmark cell failed: ${JSON.stringify(result.error)}`);
  }
  return median(times);
}

async function walkMany(
  sandbox: ScriptSandbox,
  cellType: 'javascript' | 'comment',
  engines: number,
  nodes: number,
) {
  const builder = createGraphBuilder();
  for (let i = 0; i < nodes; i++) {
    builder
      .node(`n${i}`, { entry: i === 0 })
      .cell(`n${i}`, cellType, 'vars.n = String(Number(vars.n ?? 0) + 1);');
    if (i > 0) builder.edge(`n${i - 1}`, 'default', `n${i}`);
  }
  const durations: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: engines }, async (_, index) => {
      const ports = createMemoryPorts({
        graph: builder.graph,
        sandbox,
        random: createSeededRandom(index),
      });
      const engine = createEngine({ ports, options: { stepDelayMs: 0 } });
      const begin = performance.now();
      const result = await engine.run(new AbortController().signal);
      durations.push(performance.now() - begin);
      if (result.steps !== nodes) throw new Error(`walk ended early: ${JSON.stringify(result)}`);
    }),
  );
  const totalMs = performance.now() - started;
  return {
    totalMs,
    stepsPerSecond: (engines * nodes) / (totalMs / 1000),
    slowestMs: Math.max(...durations),
    medianMs: median(durations),
  };
}

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<{ name: string; results: Row[] }> {
  const sandbox = createScriptSandbox();
  try {
    await sandbox.warmUp();
    const baseline = await workerCallBaseline(500);
    const results: Row[] = [];
    const cases: Array<[string, ScriptLanguage, string, 'cell' | 'condition', string]> = [
      [
        'JavaScript cell (warm, median)',
        'javascript',
        'vars.n = String(Number(vars.n) + 1);',
        'cell',
        'before 8.218 ms, target ≤ 0.5 ms',
      ],
      [
        'Python cell (warm, median)',
        'python',
        "vars['n'] = str(int(vars['n']) + 1)",
        'cell',
        'before 2.952 ms, target ≤ 3 ms',
      ],
      [
        'JavaScript door condition (median)',
        'javascript',
        "vars.a === '1'",
        'condition',
        'before 5.725 ms, target ≤ 0.3 ms',
      ],
      [
        'Python door condition (median)',
        'python',
        "vars.get('a') == '1'",
        'condition',
        'before 2.540 ms',
      ],
    ];
    const load = (): string => `load ${loadavg()[0]?.toFixed(1)}`;
    for (const [name, language, code, mode, before] of cases) {
      const ms = await cellMedian(sandbox, language, code, mode, 300);
      results.push({
        case: name,
        ms,
        baselineMs: baseline,
        ratio: ms / baseline,
        note: `baseline: plain function call in a worker, 300 samples; ${before}; ${load()}`,
      });
    }
    const engines = 200;
    const nodes = 50;
    const plain = await walkMany(sandbox, 'comment', engines, nodes);
    const scripted = await walkMany(sandbox, 'javascript', engines, nodes);
    results.push({
      case: `${engines} engines x ${nodes}-node JS script graph (total ms)`,
      ms: scripted.totalMs,
      baselineMs: plain.totalMs,
      ratio: scripted.totalMs / plain.totalMs,
      note: `${scripted.stepsPerSecond.toFixed(0)} steps/s (comment-only: ${plain.stepsPerSecond.toFixed(0)}; before 250 steps/s, target ≥ 5000); slowest walk ${scripted.slowestMs.toFixed(0)} ms vs median ${scripted.medianMs.toFixed(0)} ms; ${load()}`,
    });
    results.push({
      case: 'slowest walk lag over median (ms)',
      ms: scripted.slowestMs - scripted.medianMs,
      baselineMs: plain.slowestMs - plain.medianMs,
      ratio:
        (scripted.slowestMs - scripted.medianMs) / Math.max(1, plain.slowestMs - plain.medianMs),
      note: 'baseline: comment-only walk',
    });
    return { name: 'Story sandbox (per-cell overhead, concurrent engines)', results };
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table((await run()).results);
}
