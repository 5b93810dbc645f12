// Runs inside the private network namespace made by bench/audio-latency.ts: one stream point per
// sender variant, headless Chromium listening over Janus WebRTC (and, in the first variant, over
// Icecast at the same time), 20 clicks triggered by OSC straight to scsynth. Prints one
// `BENCH_JSON {...}` line with the measurements.
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIXTURE_STARTUP_FILE,
  janusMountCredentials,
  startSoundFleet,
  type OutPipelineTuning,
  type SenderProfileName,
  type SoundLogger,
} from '@gencaster/sound';
import { chromium, type Page } from 'playwright-core';
import { NETNS_INTERFACE } from '../../e2e/support/netns.ts';
import { clickGaps, hostNow, matchClicks, measureClockOffset } from './click-timing.ts';
import { startIcecastBaseline } from './icecast-baseline.ts';
import { startLatencyPage } from './latency-page.ts';
import { oscMessage } from './osc-bytes.ts';
import { headlessChromiumFlags, webRtcChromiumFlags } from '../../e2e/support/chromium-flags.ts';

/** One sender configuration and the jitter buffer targets measured with it. */
export interface SenderVariant {
  name: string;
  /** Short name for chart legends. */
  label?: string;
  /** Sender profile of the fleet (its defaults; `gst`/`jackPeriod`/`jackRealtime` override). */
  profile?: SenderProfileName;
  gst?: OutPipelineTuning;
  jackPeriod?: number;
  jackRealtime?: boolean;
  /** `null` = Chromium's adaptive default. */
  jitterBufferTargets: Array<number | null>;
  icecast?: boolean;
}

/** Measurements of one variant × jitter buffer target. */
export interface LatencyMeasurement {
  variant: string;
  jitterBufferTarget: number | null;
  latencies: number[];
  /** Clicks that never arrived / onsets that matched no click. */
  missed: number;
  extra: number;
  icecastLatencies?: number[];
  clock: { offsetMs: number; uncertaintyMs: number };
  droppedSamples: number;
  xruns: number;
  /** The fleet's `sound.sender.profile` log line: what was applied (realtime granted or not). */
  applied?: Record<string, unknown>;
  stats: Record<string, number | string | null>;
}

const CLICK_DEF = `SynthDef(\\benchClick, { Out.ar(0, (WhiteNoise.ar(0.8) * EnvGen.ar(Env.perc(0.0005, 0.03), doneAction: 2)) ! 2) }).add; Server.default.sync; 1`;
const CLICKS = 20;

/** The last `sound.sender.profile` line of the fleet: the profile as applied (realtime or not). */
let lastApplied: Record<string, unknown> | undefined;
const logger: SoundLogger = {
  debug: () => undefined,
  info: (obj) => {
    const fields = obj as Record<string, unknown>;
    if (fields.event === 'sound.sender.profile') lastApplied = fields;
  },
  warn: (obj, msg) => console.error('[sound]', msg, JSON.stringify(obj)),
  error: (obj, msg) => console.error('[sound]', msg, JSON.stringify(obj)),
};

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measureVariant(variant: SenderVariant, page: Page): Promise<LatencyMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-latency-'));
  const osc = createSocket('udp4');
  const acks: string[] = [];
  osc.on('message', (message) => acks.push(message.toString('latin1')));
  await new Promise<void>((resolve) => osc.bind(0, '127.0.0.1', resolve));
  // JACK allows 8 servers per host (one shared /dev/shm registry): on a busy machine retry a bit.
  const start = () =>
    startSoundFleet({
      points: 1,
      backendOsc: { host: '127.0.0.1', port: osc.address().port },
      runDir: dir, // a mkdtemp dir (0700): the sound user reaches only a run dir the fleet prepared
      superColliderStartupFile: FIXTURE_STARTUP_FILE,
      logger,
      profile: variant.profile,
      gst: variant.gst,
      jack: { period: variant.jackPeriod, realtime: variant.jackRealtime },
      janus: { iceInterfaces: [NETNS_INTERFACE] },
    });
  let fleet: Awaited<ReturnType<typeof start>> | undefined;
  for (let attempt = 1; !fleet; attempt++) {
    try {
      fleet = await start();
    } catch (error) {
      if (attempt >= 4 || !String(error).includes('Too many servers')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
  }
  const icecastDir = mkdtempSync(join(tmpdir(), 'gencaster-icecast-'));
  const icecast = variant.icecast
    ? await startIcecastBaseline({
        dir: icecastDir,
        jackServer: fleet.points[0]!.jackServer,
        jackUser: fleet.user,
        jackPorts: [`${fleet.points[0]!.scName}:out_1`, `${fleet.points[0]!.scName}:out_2`],
      })
    : undefined;
  const page_ = await startLatencyPage({ janus: fleet.janus.httpPort, icecast: icecast?.port });
  const out: LatencyMeasurement[] = [];
  try {
    const point = fleet.points[0]!;
    const uuid = randomUUID();
    osc.send(oscMessage('/instruction', uuid, CLICK_DEF), point.ports.lang, '127.0.0.1');
    await until(
      'the click SynthDef',
      () => Promise.resolve(acks.some((a) => a.includes(uuid) && a.includes('FINISHED'))),
      30_000,
    );
    for (const target of variant.jitterBufferTargets) {
      await page.goto(page_.url);
      await page.evaluate(
        `window.listenWebrtc(${point.room}, ${JSON.stringify(fleet.janus.apiSecret)}, ${JSON.stringify(target)}, ${JSON.stringify(janusMountCredentials(fleet.janus.mountKey, point.room).pin)})`,
      );
      const withIcecast = icecast && target === variant.jitterBufferTargets[0];
      if (withIcecast) {
        await page.evaluate(`window.listenIcecast('/icecast${icecast.mount}')`);
        await until(
          'Icecast playback',
          () => page.evaluate<boolean>('document.querySelectorAll("audio")[1].currentTime > 2'),
          30_000,
        );
      }
      await until(
        'WebRTC packets',
        async () =>
          ((await page.evaluate<{ packetsReceived?: number }>('window.webrtcStats()'))
            .packetsReceived ?? 0) > 10,
        30_000,
      );
      // A silent point sends Opus DTX (~5 packets/s): give the receiver a few seconds to settle.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const clock = await measureClockOffset(page);
      const before = fleet.status().points[0]!;
      await page.evaluate('window.onsets.webrtc.length = 0; window.onsets.icecast.length = 0');
      const triggers: number[] = [];
      const gaps = withIcecast ? clickGaps(CLICKS, 700, 1100) : clickGaps(CLICKS, 500, 800);
      const trigger = oscMessage('/s_new', 'benchClick', -1, 0, 0);
      for (const gap of gaps) {
        triggers.push(hostNow());
        osc.send(trigger, point.ports.synth, '127.0.0.1');
        await new Promise((resolve) => setTimeout(resolve, gap));
      }
      const onsets = async (kind: string) =>
        (await page.evaluate<Array<{ at: number }>>(`window.onsets.${kind}`)).map(
          (o) => o.at - clock.offsetMs,
        );
      await until(
        'WebRTC onsets',
        async () => (await onsets('webrtc')).length >= CLICKS,
        10_000,
      ).catch(() => undefined);
      if (withIcecast)
        await until(
          'Icecast onsets',
          async () => (await onsets('icecast')).length >= CLICKS,
          30_000,
        ).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = fleet.status().points[0]!;
      const webrtc = await onsets('webrtc');
      const icecastOnsets = withIcecast ? await onsets('icecast') : [];
      out.push({
        variant: variant.name,
        jitterBufferTarget: target,
        ...matchClicks(triggers, webrtc, 200),
        icecastLatencies: withIcecast
          ? matchClicks(triggers, icecastOnsets, 300).latencies
          : undefined,
        clock,
        droppedSamples: (after.droppedSamples ?? 0) - (before.droppedSamples ?? 0),
        xruns: (after.xruns ?? 0) - (before.xruns ?? 0),
        applied: lastApplied,
        stats: {
          ...(await page.evaluate<Record<string, number | string | null>>('window.webrtcStats()')),
          loadAverage: loadavg()[0]!,
        },
      });
      console.error(
        `[audio-latency] ${variant.name} jbt=${target}: ${out
          .at(-1)!
          .latencies.map((l) => l.toFixed(0))
          .join(' ')} ms; icecast ${
          out
            .at(-1)!
            .icecastLatencies?.map((l) => l.toFixed(0))
            .join(' ') ?? '-'
        }`,
      );
    }
  } finally {
    await page_.close();
    await icecast?.stop();
    await fleet.stop();
    osc.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(icecastDir, { recursive: true, force: true });
  }
  return out;
}

/** Measures every variant with one Chromium (launched inside the namespace). */
export async function measureLatencies(variants: SenderVariant[]): Promise<LatencyMeasurement[]> {
  const profile = mkdtempSync(join(tmpdir(), 'gencaster-latency-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      ...headlessChromiumFlags,
      ...webRtcChromiumFlags,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const page = await context.newPage();
    const all: LatencyMeasurement[] = [];
    for (const variant of variants) all.push(...(await measureVariant(variant, page)));
    return all;
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const variants = JSON.parse(process.argv[2] ?? '[]') as SenderVariant[];
  const measurements = await measureLatencies(variants);
  console.log(`BENCH_JSON ${JSON.stringify(measurements)}`);
  process.exit(0);
}
