import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuMeter } from './cpu-meter.ts';
import {
  inPipelineArgs,
  inPipelinePorts,
  outPipelineArgs,
  outPipelinePorts,
  type OutPipelineTuning,
} from './gst-pipelines.ts';
import { fleetChildEnv } from './child-env.ts';
import { grantReadOnly } from './fleet-dirs.ts';
import type { PidFileStore } from './fleet-pid-files.ts';
import {
  isJackConnected,
  jackConnect,
  jackdArgs,
  listJackPorts,
  type JackServerRef,
} from './jack-tools.ts';
import { createLevelMeter, type AudioLevel } from './level-meter.ts';
import { reclaimDeadJackServers } from './jack-registry.ts';
import { realtimeThreads } from './realtime-scheduling.ts';
import { delay, findChildren, isPidAlive, waitUntil } from './process-tools.ts';
import { sclangArgs, sclangEnv, sendScsynthQuit, writeSclangConfig } from './sclang-launch.ts';
import type { SoundLogger } from './sound-logger.ts';
import type { SoundUser } from './sound-user.ts';
import {
  createSupervisedProcess,
  type ProcessStatus,
  type SupervisedProcess,
} from './supervised-process.ts';

/** Max wait for a (re)started jackd or pipeline to show its JACK ports. */
const STARTUP_TIMEOUT_MS = 30_000;

/** jackd's per-cycle xrun chatter (non-realtime dummy driver on a busy host); counted, not logged. */
const XRUN = /XRun|Process error/;
/** jackaudiosrc's warning when its ring buffer overran: audio was lost before the encoder. */
const DROPPED = /Dropped (\d+) samples/;

/** Ports one stream point uses (all on 127.0.0.1). */
export interface StreamPointPorts {
  lang: number;
  synth: number;
  /** RTP from the out pipeline into the Janus mountpoint. */
  rtpOut: number;
  /** RTP from the audiobridge forwarder into the microphone pipeline (0 without input). */
  rtpIn: number;
}

/** Everything needed to run stream point n. */
export interface StreamPointOptions {
  index: number;
  /** Janus mountpoint id and audiobridge room (= n unless offset). */
  room: number;
  jackServer: string;
  scName: string;
  /** Generated configs (read-only to the sound user). */
  dir: string;
  /** Who runs the point's processes (see resolveSoundUser). */
  user: SoundUser;
  /** The fleet's home (HOME of every child, owned by the sound user). */
  home: string;
  /** This point's XDG_RUNTIME_DIR (owned by the sound user). */
  runtimeDir: string;
  /** Records of running children, ended by the next start if this launcher dies. */
  pidFiles?: PidFileStore;
  ports: StreamPointPorts;
  input: boolean;
  backendOsc: { host: string; port: number };
  janusPublicIp: string;
  /** Beaconed as janus_http_url so that backends on other hosts find this point's Janus. */
  janusHttpUrl?: string;
  oscSecret?: string;
  startupFile: string;
  includePaths: readonly string[];
  gst?: OutPipelineTuning;
  /** JACK period in frames (default 256 = 5.3 ms at 48 kHz). */
  jackPeriod?: number;
  /**
   * Realtime scheduling the host granted (see probeRealtime): jackd runs -R at `jackPriority`, the
   * sender pipeline SCHED_FIFO at `senderPriority`; absent = both non-realtime.
   */
  realtime?: { jackPriority: number; senderPriority: number };
  /** Extra 127.0.0.1 ports receiving a copy of this point's RTP. */
  rtpMonitorPorts?: readonly number[];
  logger: SoundLogger;
  /** Max wait for scsynth to link into GStreamer after (re)starting sclang (default 45 s). */
  sclangReadyTimeoutMs?: number;
}

/** One process of a point in `status()`, with CPU percent of one core. */
export interface PointProcessStatus extends ProcessStatus {
  cpuPercent: number | null;
}

/** Status of one stream point. */
export interface StreamPointStatus {
  index: number;
  room: number;
  scName: string;
  jackServer: string;
  ports: StreamPointPorts;
  input: boolean;
  processes: PointProcessStatus[];
  level: AudioLevel;
  /** JACK xruns reported by jackd since the point started. */
  xruns?: number;
  /** Samples the out pipeline dropped because it could not read JACK fast enough. */
  droppedSamples?: number;
}

/** A running stream point: jackd → gst out (+ gst in) → sclang (→ scsynth), supervised and re-linked. */
export interface StreamPoint {
  readonly options: StreamPointOptions;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): StreamPointStatus;
}

/**
 * Creates stream point n. Re-linking rules: a crashed jackd stops sclang and both pipelines, restarts
 * (backoff), then starts the pipelines and sclang again; a crashed pipeline restarts alone and is
 * re-connected with jack_connect; a crashed sclang has its orphaned scsynth quit, then restarts; a
 * vanished scsynth restarts sclang. scsynth links itself into GStreamer via SC_JACK_DEFAULT_OUTPUTS.
 */
export function createStreamPoint(o: StreamPointOptions): StreamPoint {
  const log = o.logger;
  const prefix = `point-${o.index}`;
  const outClient = `gst-out-${o.index}`;
  const inClient = `gst-in-${o.index}`;
  const outPorts = outPipelinePorts(outClient);
  const inPorts = inPipelinePorts(inClient);
  const scOut: [string, string] = [`${o.scName}:out_1`, `${o.scName}:out_2`];
  const scIn: [string, string] = [`${o.scName}:in_1`, `${o.scName}:in_2`];
  const meter = createLevelMeter();
  const cpu = createCpuMeter();
  const jackEnv = {
    ...fleetChildEnv(o.home),
    XDG_RUNTIME_DIR: o.runtimeDir,
    JACK_NO_AUDIO_RESERVATION: '1',
    JACK_NO_START_SERVER: '1',
  };
  const jack: JackServerRef = { server: o.jackServer, user: o.user };
  // Realtime JACK as the sound user: jackd and GStreamer keep CAP_SYS_NICE; sclang/scsynth (user
  // code) never get it, so scsynth's JACK thread stays non-realtime when the launcher is root.
  const launch = o.realtime ? { realtime: true } : {};
  const supervision = { user: o.user, pidFiles: o.pidFiles, launch };
  let jackRecovering = false;
  let dependantsStarted = false;
  let scsynth: { pid: number; since: number } | null = null;
  let scsynthStarts = 0;
  let stopped = false;
  let monitor: NodeJS.Timeout | undefined;
  let xruns = 0;
  let droppedSamples = 0;

  const jackReady = () =>
    waitUntil(`jackd ${o.jackServer}`, () => listJackPorts(jack).then((p) => p !== null), {
      // 8 points starting at once on a loaded 2-core host can take longer than 10 s.
      timeoutMs: STARTUP_TIMEOUT_MS,
    });
  const portsReady = (port: string) => () =>
    waitUntil(`JACK port ${port}`, async () => (await listJackPorts(jack))?.includes(port), {
      timeoutMs: STARTUP_TIMEOUT_MS,
    });
  const relink = async (pairs: Array<[string, string]>): Promise<void> => {
    for (const [from, to] of pairs) await jackConnect(jack, from, to);
  };
  const dependantMayRestart = () => !jackRecovering && jackd.status().state === 'running';

  const jackd: SupervisedProcess = createSupervisedProcess({
    name: `${prefix}/jackd`,
    command: 'jackd',
    args: jackdArgs(o.jackServer, {
      period: o.jackPeriod,
      realtime: o.realtime !== undefined,
      priority: o.realtime?.jackPriority,
    }),
    env: jackEnv,
    ...supervision,
    logger: {
      ...log,
      debug: (obj, msg) => {
        if (msg && XRUN.test(msg)) xruns++;
        else log.debug(obj, msg);
      },
    },
    graceMs: 6000,
    readiness: async (pid) => {
      await jackReady();
      if (!o.realtime) return;
      // jackd -R falls back to normal scheduling on its own when refused: say so, once per start.
      const threads = realtimeThreads(pid) + descendantRealtimeThreads(pid);
      if (threads === 0)
        log.warn(
          { child: `${prefix}/jackd`, realtime: false, requested: o.realtime.jackPriority },
          'jackd was started with -R but none of its threads runs SCHED_FIFO: it runs non-realtime (see the realtime line at fleet start)',
        );
    },
    onCrash: async () => {
      jackRecovering = true;
      await Promise.all([sclang.stop(), gstIn?.stop(), gstOut.stop()]);
      reclaimDeadJackServers(); // the dead jackd's registry slot, before it starts again
    },
    onReady: async () => {
      if (!dependantsStarted || stopped) return;
      try {
        // In parallel: sclang needs ~5 s to boot scsynth, the pipelines are up long before; whichever
        // comes second links (scsynth via SC_JACK_DEFAULT_OUTPUTS, a pipeline via its onReady).
        await Promise.all([
          gstOut.restart('jackd restarted'),
          gstIn?.restart('jackd restarted'),
          sclang.restart('jackd restarted'),
        ]);
      } finally {
        jackRecovering = false;
      }
    },
  });

  const gstOut = createSupervisedProcess({
    name: `${prefix}/gst-out`,
    // With realtime granted the whole sender (reader, encoder, UDP) runs SCHED_FIFO under the
    // JACK threads: a starved reader is what drops samples and makes delivery bursty.
    command: o.realtime ? 'chrt' : 'stdbuf',
    args: [
      ...(o.realtime ? ['--fifo', String(o.realtime.senderPriority), 'stdbuf'] : []),
      '-oL',
      'gst-launch-1.0',
      ...outPipelineArgs({
        jackServer: o.jackServer,
        clientName: outClient,
        rtpPort: o.ports.rtpOut,
        monitorPorts: o.rtpMonitorPorts,
        ...o.gst,
      }),
    ],
    env: jackEnv,
    ...supervision,
    logger: { ...log, debug: () => undefined },
    onLine: (line) => {
      const dropped = DROPPED.exec(line);
      if (dropped) droppedSamples += Number(dropped[1]);
      if (!meter.feed(line) && !line.startsWith('Got message'))
        log.debug({ child: `${prefix}/gst-out` }, line);
    },
    stopSignal: 'SIGINT',
    readiness: portsReady(outPorts[0]),
    shouldRestart: dependantMayRestart,
    onReady: async () => {
      meter.reset();
      await relink([
        [scOut[0], outPorts[0]],
        [scOut[1], outPorts[1]],
      ]);
    },
  });

  const gstIn = o.input
    ? createSupervisedProcess({
        name: `${prefix}/gst-in`,
        command: 'gst-launch-1.0',
        args: inPipelineArgs({
          jackServer: o.jackServer,
          clientName: inClient,
          rtpPort: o.ports.rtpIn,
        }),
        env: jackEnv,
        ...supervision,
        logger: log,
        stopSignal: 'SIGINT',
        readiness: portsReady(inPorts[0]),
        shouldRestart: dependantMayRestart,
        onReady: () =>
          relink([
            [inPorts[0], scIn[0]],
            [inPorts[1], scIn[1]],
          ]),
      })
    : null;

  const configFile = writeSclangConfig(
    join(o.dir, 'sclang'),
    o.includePaths,
    join(o.home, '.local', 'share'),
  );
  grantReadOnly(o.dir, o.user);
  const quitScsynth = async (): Promise<void> => {
    const tracked = scsynth;
    await sendScsynthQuit(o.ports.synth);
    if (!tracked) return;
    for (let i = 0; i < 15 && isPidAlive(tracked.pid); i++) await delay(100);
    if (isPidAlive(tracked.pid)) {
      log.warn({ child: `${prefix}/scsynth`, pid: tracked.pid }, 'scsynth ignored /quit: SIGKILL');
      try {
        process.kill(tracked.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    o.pidFiles?.remove(`${prefix}/scsynth`, tracked.pid);
    scsynth = null;
  };
  const sclang = createSupervisedProcess({
    name: `${prefix}/sclang`,
    command: 'sclang',
    args: sclangArgs(o.ports.lang, configFile, o.startupFile),
    env: sclangEnv({
      scName: o.scName,
      synthPort: o.ports.synth,
      janusOutPort: o.ports.rtpOut,
      janusInPort: o.ports.rtpIn,
      janusOutRoom: o.room,
      janusInRoom: o.room,
      janusPublicIp: o.janusPublicIp,
      janusHttpUrl: o.janusHttpUrl,
      useInput: o.input,
      backendOscHost: o.backendOsc.host,
      backendOscPort: o.backendOsc.port,
      jackServer: o.jackServer,
      jackOutputs: outPorts,
      jackInputs: o.input ? inPorts : [],
      oscSecret: o.oscSecret,
      runtimeDir: o.runtimeDir,
      baseEnv: fleetChildEnv(o.home),
    }),
    cwd: o.runtimeDir,
    logger: log,
    ...supervision,
    // As init of its PID namespace sclang never sees SIGTERM; scsynth got /quit in beforeStop.
    stopSignal: 'SIGKILL',
    // Its own PID namespace: scsynth (booted by sclang) and anything a cell starts with unixCmd
    // die with sclang, whether it crashed, was killed, or the launcher died.
    launch: { pidNamespace: true },
    graceMs: 2000,
    readiness: () =>
      waitUntil(
        `${o.scName} linked into ${outClient}`,
        () => isJackConnected(jack, scOut[0], outPorts[0]),
        {
          timeoutMs: o.sclangReadyTimeoutMs ?? 45_000,
          intervalMs: 250,
        },
      ),
    beforeStop: quitScsynth,
    onCrash: quitScsynth,
    shouldRestart: dependantMayRestart,
  });

  const watchScsynth = (): void => {
    const parent = sclang.pid();
    if (parent === null || sclang.status().state !== 'running') return;
    const current = findChildren(parent, 'scsynth')[0];
    if (current !== undefined && current !== scsynth?.pid) {
      scsynth = { pid: current, since: Date.now() };
      scsynthStarts++;
      o.pidFiles?.record(`${prefix}/scsynth`, current);
    } else if (
      current === undefined &&
      scsynth &&
      !isPidAlive(scsynth.pid) &&
      dependantMayRestart()
    ) {
      log.warn(
        { child: `${prefix}/scsynth`, pid: scsynth.pid },
        'scsynth vanished: restarting sclang',
      );
      o.pidFiles?.remove(`${prefix}/scsynth`, scsynth.pid);
      scsynth = null;
      void sclang
        .restart('scsynth exited')
        .catch((error: unknown) =>
          log.error({ child: `${prefix}/sclang`, err: String(error) }, 'restart failed'),
        );
    }
  };

  const children = (): SupervisedProcess[] => [jackd, gstOut, ...(gstIn ? [gstIn] : []), sclang];

  return {
    options: o,
    async start() {
      stopped = false;
      reclaimDeadJackServers();
      for (const child of children()) await child.start();
      dependantsStarted = true;
      watchScsynth();
      monitor = setInterval(watchScsynth, 1000);
      monitor.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(monitor);
      for (const child of children().reverse()) await child.stop();
      o.pidFiles?.remove(`${prefix}/scsynth`);
      dependantsStarted = false;
      removeJackShm(o.jackServer);
    },
    status() {
      const processes: PointProcessStatus[] = children().map((child) => {
        const s = child.status();
        return { ...s, cpuPercent: s.pid === null ? null : cpu.sample(s.pid) };
      });
      const synth = scsynth && isPidAlive(scsynth.pid) ? scsynth : null;
      processes.push({
        name: `${prefix}/scsynth`,
        pid: synth?.pid ?? null,
        state: synth ? 'running' : 'stopped',
        uptimeMs: synth ? Date.now() - synth.since : 0,
        restarts: Math.max(0, scsynthStarts - 1),
        lastExit: null,
        cpuPercent: synth ? cpu.sample(synth.pid) : null,
      });
      return {
        index: o.index,
        room: o.room,
        scName: o.scName,
        jackServer: o.jackServer,
        ports: o.ports,
        input: o.input,
        processes,
        level: meter.level(),
        xruns,
        droppedSamples,
      };
    },
  };
}

/** SCHED_FIFO threads of the children of `pid` (jackd runs under setpriv, which execs it). */
function descendantRealtimeThreads(pid: number): number {
  return findChildren(pid).reduce((sum, child) => sum + realtimeThreads(child), 0);
}

/** Removes the /dev/shm files a (killed) jackd leaves behind; the server names are unique to us. */
function removeJackShm(server: string): void {
  try {
    for (const file of readdirSync('/dev/shm')) {
      if (file.startsWith(`jack_${server}_`) || file.includes(`_${server}_`))
        rmSync(join('/dev/shm', file), { force: true });
    }
  } catch {
    // no /dev/shm: nothing to clean
  }
}
