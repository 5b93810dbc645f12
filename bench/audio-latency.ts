// Benchmark: OSC trigger → click from scsynth → JACK → GStreamer Opus/RTP → Janus → WebRTC →
// energy in Chromium's WebAudio graph, median of 20 clicks per sender setting, next to the
// classic path measured with the same clicks in the same run: GStreamer shout2send → Icecast 2 →
// <audio> element → WebAudio. Runs in a private network namespace (WebRTC cannot use loopback and
// must not touch the host's interfaces). Both timestamps are on one host clock; the page clock's
// offset is measured (shortest of 20 round trips) and subtracted.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { netnsUnavailableReason, runInNetns } from '../e2e/support/netns.ts';
import { median } from './support/click-timing.ts';
import type { LatencyMeasurement, SenderVariant } from './support/audio-latency-run.ts';
import type { BenchmarkResult } from './run.ts';
import { jitterBufferTargetMs } from '@gencaster/web';

/** The sender settings compared (the first is the fleet's default and carries the Icecast run). */
export const VARIANTS: SenderVariant[] = [
  {
    name: 'low-latency profile (default): JACK 128 realtime where granted, 2.5 ms segments, Opus 10 ms, no DTX',
    label: 'low-latency',
    profile: 'low-latency',
    // Chromium's adaptive default, then the listener profiles' targets (packages/web receiver-latency.ts)
    jitterBufferTargets: [null, jitterBufferTargetMs.INTERACTIVE, jitterBufferTargetMs.ROBUST],
    icecast: true,
  },
  {
    // Does DTX cost latency? Clicks come after 0.5-0.8 s of silence: with DTX each is a resume.
    name: 'low-latency profile with Opus DTX on (~3 packets/s in silence)',
    label: 'low-latency, DTX on',
    profile: 'low-latency',
    gst: { dtx: true },
    jitterBufferTargets: [jitterBufferTargetMs.INTERACTIVE],
  },
  {
    name: 'standard profile: JACK 256 non-RT, 5 ms segments, Opus 20 ms DTX',
    label: 'standard',
    profile: 'standard',
    jitterBufferTargets: [jitterBufferTargetMs.INTERACTIVE],
  },
];

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ] ?? 0;

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  const reason = netnsUnavailableReason();
  if (reason) throw new Error(`skipped: ${reason}`);
  const script = resolve(import.meta.dirname, 'support', 'audio-latency-run.ts');
  const result = await runInNetns(
    process.execPath,
    ['--import', 'tsx', script, JSON.stringify(VARIANTS)],
    {
      cwd: resolve(import.meta.dirname, '..'),
      timeoutMs: 15 * 60_000,
      onLine: (line, stream) => {
        if (stream === 'stderr') console.error(line);
      },
    },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (result.code !== 0 || !line)
    throw new Error(`the measurement failed (code ${result.code}): ${result.stderr.slice(-3000)}`);
  const measurements = JSON.parse(line.slice('BENCH_JSON '.length)) as LatencyMeasurement[];
  const icecast = measurements.find((m) => m.icecastLatencies)?.icecastLatencies ?? [];
  const icecastMs = median(icecast);
  const results: BenchmarkResult['results'] = measurements.map((m) => {
    const ms = median(m.latencies);
    const s = m.stats;
    return {
      case: `WebRTC click → WebAudio, ${m.variant}, jitterBufferTarget ${m.jitterBufferTarget ?? 'default'}`,
      ms,
      baselineMs: icecastMs,
      ratio: ms / icecastMs,
      note: `${m.applied ? `applied: JACK ${String(m.applied.jackPeriod)}, realtime ${JSON.stringify(m.applied.realtime)}; ` : ''}${m.jitterBufferTarget === 0 ? `target median ≤ 40 ms / p90 ≤ 60 ms: ${ms <= 40 && percentile(m.latencies, 90) <= 60 ? 'met' : 'NOT met'}; ` : ''}median of ${m.latencies.length} (${m.missed} clicks missed, ${m.extra} extra onsets), min ${Math.min(...m.latencies).toFixed(1)}, p90 ${percentile(m.latencies, 90).toFixed(1)}, max ${Math.max(...m.latencies).toFixed(1)} ms; sender: ${m.droppedSamples} dropped samples, ${m.xruns} JACK xruns; browser: ${s.packetsLost} lost, ${s.concealedSamples} concealed samples (total), jitter buffer ${Number(s.jitterBufferMs).toFixed(1)} ms, ICE peer ${s.remoteAddress}; clock offset ${m.clock.offsetMs.toFixed(2)} ± ${m.clock.uncertaintyMs.toFixed(2)} ms; host load average ${Number(s.loadAverage).toFixed(1)}`,
    };
  });
  results.push({
    case: 'baseline: Icecast 2 (shout2send Ogg/Opus 20 ms, no burst) → <audio> → WebAudio, same clicks',
    ms: icecastMs,
    baselineMs: icecastMs,
    ratio: 1,
    note: `median of ${icecast.length}, min ${Math.min(...icecast).toFixed(0)}, max ${Math.max(...icecast).toFixed(0)} ms`,
  });
  const chosen = measurements[0];
  const interactive = measurements.find(
    (m) => m.variant === VARIANTS[0]!.name && m.jitterBufferTarget === 0,
  );
  const loads = measurements.map((m) => Number(m.stats.loadAverage));
  const summary = interactive
    ? [
        `Interactive (low-latency sender, jitterBufferTarget 0): median ${median(interactive.latencies).toFixed(1)} ms, p90 ${percentile(interactive.latencies, 90).toFixed(1)} ms against the target of ≤ 40 / ≤ 60 ms: ${median(interactive.latencies) <= 40 && percentile(interactive.latencies, 90) <= 60 ? 'met' : 'not met'}. Host load average during the run ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores${Math.max(...loads) > availableParallelism() ? ' (not a quiet machine: other test runs shared it)' : ''}. The sender side is ~15 ms (2.7 ms JACK period, 2.5 ms segments, 10 ms Opus frame, 2.5 ms Opus look-ahead); the rest is the browser's jitter buffer, which grows when delivery is bursty — here ${interactive.xruns} JACK xruns during the clicks: jackd and the sender run SCHED_FIFO, but scsynth stays non-realtime on purpose (it runs authors' code) and misses 2.7 ms deadlines when the cores are busy. A clear machine or a realtime scsynth host is what the target needs; the Icecast baseline of the same run is ${(icecastMs / 1000).toFixed(1)} s.`,
      ]
    : [];
  return {
    name: 'Audio latency: OSC trigger → energy in the browser (WebRTC vs Icecast)',
    summary,
    results,
    charts: [
      {
        file: 'audio-latency-webrtc',
        title: 'WebRTC click latency per sender setting (ms)',
        kind: 'histogram',
        xLabel: 'OSC trigger → energy in WebAudio (ms)',
        yLabel: 'clicks',
        binWidth: 10,
        series: measurements.map((m) => ({
          label: `${VARIANTS.find((v) => v.name === m.variant)?.label ?? m.variant}, jbt ${m.jitterBufferTarget ?? 'default'}`,
          values: m.latencies,
        })),
      },
      {
        file: 'audio-latency-vs-icecast',
        title: 'Click latency: our WebRTC path vs Icecast (ms)',
        kind: 'histogram',
        xLabel: 'OSC trigger → energy in WebAudio (ms)',
        yLabel: 'clicks',
        series: [
          {
            label: 'WebRTC (low-latency sender, browser default)',
            values: chosen?.latencies ?? [],
          },
          { label: 'Icecast 2', values: icecast },
        ],
      },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
