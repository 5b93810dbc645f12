// Benchmark: CPU of idle stream points. Starts the sound fleet with 1, 2 and 4 points (jackd, the
// GStreamer Opus/RTP pipeline, sclang + scsynth per point, one shared Janus), lets it settle and
// samples /proc CPU ticks of every child process for 10 s. Baseline in the same run: a bare
// `jackd` (dummy driver) + `scsynth` pair without our pipeline, class or supervision.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_STARTUP_FILE, silentSoundLogger, startSoundFleet } from '@gencaster/sound';
import { sampleChildrenCpu, type CpuSample } from './support/proc-cpu.ts';
import type { BenchmarkResult } from './run.ts';

const SAMPLE_MS = 10_000;
const SETTLE_MS = 3000;
const COUNTS = [1, 2, 4];

const describe = (s: CpuSample) =>
  Object.entries(s.byName)
    .sort((a, b) => b[1] - a[1])
    .map(([name, percent]) => `${name} ${percent.toFixed(1)}`)
    .join(', ');

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A bare jackd + scsynth (no GStreamer, no sclang, no Janus): the floor one point cannot go below. */
async function bareBaseline(): Promise<CpuSample> {
  const server = `gencaster-bare-${process.pid}`;
  const env = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1' };
  const jackd = spawn('jackd', ['-n', server, '-r', '-d', 'dummy', '-r', '48000', '-p', '256'], {
    env,
    stdio: 'ignore',
  });
  let scsynth: ChildProcess | undefined;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    scsynth = spawn(
      'scsynth',
      ['-u', String(port), '-B', '127.0.0.1', '-i', '0', '-o', '2', '-H', `${server}:bare`],
      {
        env: { ...env, JACK_DEFAULT_SERVER: server },
        stdio: 'ignore',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return await sampleChildrenCpu(SAMPLE_MS);
  } finally {
    if (scsynth) await stop(scsynth);
    await stop(jackd);
  }
}

async function fleetSample(points: number): Promise<{ sample: CpuSample; janus: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-cpu-'));
  const osc = createSocket('udp4');
  await new Promise<void>((resolve) => osc.bind(0, '127.0.0.1', resolve));
  osc.on('message', () => undefined);
  const start = () =>
    startSoundFleet({
      points,
      backendOsc: { host: '127.0.0.1', port: osc.address().port },
      runDir: dir, // a mkdtemp dir (0700): the sound user reaches only a run dir the fleet prepared
      superColliderStartupFile: FIXTURE_STARTUP_FILE,
      logger: silentSoundLogger,
    });
  try {
    let fleet: Awaited<ReturnType<typeof start>> | undefined;
    // JACK allows 8 servers per host (shared /dev/shm registry): on a busy machine retry a bit.
    for (let attempt = 1; !fleet; attempt++) {
      try {
        fleet = await start();
      } catch (error) {
        if (attempt >= 4 || !String(error).includes('Too many servers')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10_000));
      }
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      // The status refresh (jack_lsp etc.) is part of what a point costs: keep it running.
      const sample = await sampleChildrenCpu(SAMPLE_MS);
      return { sample, janus: sample.byName.janus ?? 0 };
    } finally {
      await fleet.stop();
    }
  } finally {
    osc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  const bare = await bareBaseline();
  const results: BenchmarkResult['results'] = [];
  const points: Array<[number, number]> = [];
  const perPoint: Array<[number, number]> = [];
  for (const count of COUNTS) {
    const { sample, janus } = await fleetSample(count);
    const per = (sample.totalPercent - janus) / count;
    points.push([count, sample.totalPercent]);
    perPoint.push([count, per]);
    results.push({
      case: `${count} idle stream point(s): CPU per point (% of one core, Janus excluded)`,
      ms: per,
      baselineMs: bare.totalPercent,
      ratio: per / bare.totalPercent,
      unit: '% CPU',
      note: `total ${sample.totalPercent.toFixed(1)} % incl. Janus ${janus.toFixed(1)} %; by process: ${describe(sample)}; RSS ${(sample.rssKiB / 1024).toFixed(0)} MiB (JACK shm counted per process); load average ${loadavg()[0]!.toFixed(1)}`,
    });
  }
  results.push({
    case: 'baseline: bare jackd (dummy, 256 frames) + scsynth, no pipeline/class/Janus',
    ms: bare.totalPercent,
    baselineMs: bare.totalPercent,
    ratio: 1,
    unit: '% CPU',
    note: describe(bare),
  });
  return {
    name: `CPU per idle stream point (${SAMPLE_MS / 1000} s /proc samples)`,
    results,
    charts: [
      {
        file: 'cpu-per-point',
        title: 'CPU of idle stream points (% of one core)',
        kind: 'line',
        xLabel: 'stream points',
        yLabel: '% of one core',
        series: [
          { label: 'whole fleet', points },
          { label: 'per point (Janus excluded)', points: perPoint },
          { label: 'bare jackd + scsynth', points: COUNTS.map((n) => [n, bare.totalPercent * n]) },
        ],
      },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
