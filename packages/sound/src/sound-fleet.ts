import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { writeFleetStatus, type FleetPointStatus, type FleetStatus } from './fleet-status.ts';
import type { OutPipelineTuning } from './gst-pipelines.ts';
import { fleetChildEnv } from './child-env.ts';
import {
  grantReadOnly,
  prepareFleetDirs,
  prepareRuntimeDir,
  protectDataDir,
  unreadableFor,
  type DataDirAccess,
} from './fleet-dirs.ts';
import { createPidFileStore, endLeftovers, isSameProcess } from './fleet-pid-files.ts';
import { createJanusService, type JanusService } from './janus-service.ts';
import { loadOrCreateJanusSecrets, type JanusSecrets } from './janus-secrets.ts';
import { createPortAllocator } from './port-allocator.ts';
import { createCpuMeter } from './cpu-meter.ts';
import { missingSoundBinaries } from './sound-binaries.ts';
import type { SoundLogger } from './sound-logger.ts';
import { delay } from './process-tools.ts';
import { createStreamPoint, type StreamPoint, type StreamPointPorts } from './stream-point.ts';
import { resolveSoundUser, type SoundUser } from './sound-user.ts';
import {
  DEFAULT_SENDER_PROFILE,
  SENDER_PROFILES,
  type SenderProfileName,
} from './sender-profile.ts';
import { probeRealtime } from './realtime-scheduling.ts';

/** Options of {@link startSoundFleet}. */
export interface SoundFleetOptions {
  /** Number of stream points (≥ 1). */
  points: number;
  /** Listener microphone: an audiobridge room per point forwarding into scsynth's inputs. */
  input?: boolean;
  /** Where stream points send /beacon, /acknowledge, /log. */
  backendOsc: { host: string; port: number };
  /** Private working dir: generated configs, per-point dirs, status.json, pid files, the fleet's home. */
  runDir: string;
  /**
   * Unprivileged system user the children run as when the launcher is root (default
   * `gencaster-sound`, created by the bootstrap). A launcher that is not root runs them as itself.
   */
  user?: string;
  /**
   * The backend's data dir when the run dir lives in it: locked so that the sound user reaches
   * only the run dir and the `readable` dirs (media), never the database or the secrets.
   */
  dataDir?: DataDirAccess;
  janus?: {
    /** Fixed HTTP API port (default: a free one). */
    httpPort?: number;
    /** Address the HTTP API binds to (default 127.0.0.1). */
    httpBind?: string;
    adminSecret?: string;
    apiSecret?: string;
    /**
     * URL of the HTTP API as backends reach it, beaconed as janus_http_url (default
     * `http://<httpBind>:<httpPort>/janus`; with httpBind 0.0.0.0 set it to a routable address).
     */
    publicUrl?: string;
    /** Public IP announced to listeners and beaconed as janus_public_ip (default 127.0.0.1). */
    publicIp?: string;
    /** Size of the WebRTC rtp_port_range (default 200). */
    rtpPortCount?: number;
    /** Where janus-secrets.json lives (default: runDir). */
    dataDir?: string;
    /** Allow plain-RTP participants in the input rooms (gateways, tests; default false). */
    allowRtpParticipants?: boolean;
    /**
     * Interfaces (or addresses) Janus gathers ICE candidates on (`nat.ice_enforce_list`); default:
     * every interface but loopback (Janus never offers 127.0.0.1).
     */
    iceInterfaces?: readonly string[];
  };
  /**
   * Sender profile of every point (default `low-latency`): JACK period, realtime wish, segment and
   * Opus frame sizes (see SENDER_PROFILES). `jack` and `gst` override single values of it.
   */
  profile?: SenderProfileName;
  /**
   * JACK server of every point: `period` in frames (default: the profile's); `realtime` asks for
   * jackd and the sender pipeline SCHED_FIFO (default: the profile's wish; false = never). The
   * launcher tries it once (probeRealtime) and, where the host refuses, runs non-realtime and logs
   * one warning that says why and what to change. As root jackd and GStreamer keep CAP_SYS_NICE
   * after the drop to the sound user; sclang/scsynth never (they run user code).
   */
  jack?: { period?: number; realtime?: boolean };
  /** sclang startup file (packages/osc/supercollider/stream-point.scd). */
  superColliderStartupFile: string;
  /** Folder(s) with our SuperCollider classes (added via sclang -l includePaths). */
  extensionDir?: string | readonly string[];
  /** First mountpoint/room number (default 1): point n gets firstRoom + n - 1. */
  firstRoom?: number;
  /** Shared OSC secret handed to sclang as GENCASTER_OSC_SECRET. */
  oscSecret?: string;
  gst?: OutPipelineTuning;
  /** `rtpMonitorPorts[i]`: a 127.0.0.1 port that receives a copy of point i+1's Opus RTP (tests, recording). */
  rtpMonitorPorts?: readonly number[];
  logger: SoundLogger;
  /** Directory of cross-process port locks (default: <tmp>/gencaster-ports). */
  portLockDir?: string;
}

/** Addresses of one started point (as the backend will see them in its beacons). */
export interface SoundFleetPoint {
  index: number;
  room: number;
  scName: string;
  jackServer: string;
  ports: StreamPointPorts;
}

/** A running fleet; dispose or `stop()` it to end every child. */
export interface SoundFleet extends AsyncDisposable {
  readonly id: string;
  readonly runDir: string;
  /** Who the children run as. */
  readonly user: SoundUser;
  /** `url`: the HTTP API as this host reaches it; `publicUrl`: as beaconed to the backends. */
  readonly janus: {
    url: string;
    publicUrl: string;
    httpPort: number;
    apiSecret: string;
    /** Key of the mountpoint/room pins (`janusMountCredentials`), for the backend's gateway. */
    mountKey: string;
  };
  readonly points: readonly SoundFleetPoint[];
  /** Current status (also written to `<runDir>/status.json` every second). */
  status(): FleetStatus;
  stop(): Promise<void>;
}

/**
 * Starts Janus and N stream points, each with its own JACK server, GStreamer pipeline(s) and sclang,
 * all supervised; resolves once every scsynth is linked into its pipeline and every mountpoint exists.
 * On a failed start everything already started is stopped again.
 *
 * @example
 * await using fleet = await startSoundFleet({ points: 2, backendOsc: { host: '127.0.0.1', port: 7000 },
 *   runDir: '.data/sound', superColliderStartupFile: 'packages/osc/supercollider/stream-point.scd',
 *   extensionDir: 'packages/osc/supercollider/Gencaster', logger: createLogger('sound') });
 */
export async function startSoundFleet(options: SoundFleetOptions): Promise<SoundFleet> {
  const missing = missingSoundBinaries();
  if (missing.binaries.length > 0) {
    throw new Error(
      `sound fleet needs ${missing.binaries.join(', ')}: apt-get install -y --no-install-recommends ${missing.packages.join(' ')}`,
    );
  }
  if (!Number.isInteger(options.points) || options.points < 1)
    throw new Error('points must be a positive integer');
  const log = options.logger;
  const id = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const runDir = resolve(options.runDir);
  const user = resolveSoundUser(options.user === undefined ? {} : { user: options.user });
  if (user.switchUser) {
    log.info(
      { user: user.name, uid: user.uid },
      `sound fleet runs as ${user.name} (uid ${user.uid})`,
    );
  } else {
    log.warn(
      { user: user.name, uid: user.uid },
      `launcher is not root: the sound fleet runs as ${user.name} itself, so SuperCollider code can read whatever this user can (start as root to run it as an unprivileged sound user)`,
    );
  }
  const dirs = prepareFleetDirs(runDir, user);
  // Whatever an earlier launcher of this run dir left running ends before anything binds ports.
  const leftovers = endLeftovers(dirs.pidDir, log).ended;
  for (let i = 0; i < 40 && leftovers.some((r) => isSameProcess(r.pid, r.startTime)); i++)
    await delay(50);
  const pidFiles = createPidFileStore(dirs.pidDir);
  if (options.dataDir) protectDataDir(options.dataDir, runDir, user);
  const ports = createPortAllocator({ lockDir: options.portLockDir });
  const startedAt = new Date().toISOString();
  let state: FleetStatus['state'] = 'starting';
  let janus: JanusService | undefined;
  const points: StreamPoint[] = [];
  let timer: NodeJS.Timeout | undefined;
  const ages = new Map<number, number | null>();
  const janusCpu = createCpuMeter();

  const secrets: JanusSecrets = loadOrCreateJanusSecrets(options.janus?.dataDir ?? runDir, {
    apiSecret: options.janus?.apiSecret,
    adminSecret: options.janus?.adminSecret,
  });
  const rtpPortCount = options.janus?.rtpPortCount ?? 200;
  const httpPort = options.janus?.httpPort ?? (await ports.allocate('tcp'));
  const rtpMin = await ports.allocateRange('udp', rtpPortCount);
  const rtpPortRange = { min: rtpMin, max: rtpMin + rtpPortCount - 1 };
  const includePaths = [options.extensionDir ?? []].flat().map((dir) => resolve(dir));
  const startupFile = resolve(options.superColliderStartupFile);
  const unreadable = await unreadableFor(user, [startupFile, ...includePaths, dirs.home]);
  if (unreadable.length > 0) {
    throw new Error(
      `the sound user ${user.name} cannot read ${unreadable.join(', ')}: make these paths and their parent dirs readable for others (chmod o+rx), or put the repository elsewhere`,
    );
  }

  const profile = SENDER_PROFILES[options.profile ?? DEFAULT_SENDER_PROFILE];
  const jackPeriod = options.jack?.period ?? profile.jackPeriod;
  const gst = { ...profile.gst, ...options.gst };
  const wantRealtime = options.jack?.realtime ?? profile.realtime;
  const rt = wantRealtime ? await probeRealtime({ user }) : null;
  if (rt?.granted === false) {
    log.warn(
      {
        event: 'sound.realtime.refused',
        profile: profile.name,
        realtime: false,
        reason: rt.reason,
        rtprioLimit: rt.rtprioLimit,
        capSysNice: rt.capSysNice,
        hint: rt.hint,
      },
      `realtime scheduling refused: jackd and the sender run non-realtime (audio may be bursty under load): ${rt.reason}. ${rt.hint}`,
    );
  }
  const realtime = rt?.granted ? rt : undefined;
  log.info(
    {
      event: 'sound.sender.profile',
      profile: profile.name,
      jackPeriod,
      latencyTimeUs: gst.latencyTimeUs,
      bufferTimeUs: gst.bufferTimeUs,
      opusFrameSizeMs: gst.opusFrameSizeMs,
      dtx: gst.dtx ?? true,
      realtime: realtime
        ? { jackPriority: realtime.jackPriority, senderPriority: realtime.senderPriority }
        : false,
    },
    `sender profile ${profile.name}: JACK ${jackPeriod} frames, ${gst.latencyTimeUs / 1000} ms segments, Opus ${gst.opusFrameSizeMs} ms${gst.dtx === false ? '' : ' DTX'}, ${realtime ? `realtime (jackd FIFO ${realtime.jackPriority}, sender FIFO ${realtime.senderPriority})` : 'non-realtime'}`,
  );

  const status = (): FleetStatus => {
    const janusProcess = janus?.process.status();
    return {
      fleetId: id,
      pid: process.pid,
      state,
      startedAt,
      updatedAt: new Date().toISOString(),
      janus: {
        url: janus?.url ?? '',
        httpPort,
        rtpPortRange,
        process: janusProcess
          ? {
              ...janusProcess,
              cpuPercent: janusProcess.pid === null ? null : janusCpu.sample(janusProcess.pid),
            }
          : {
              name: 'janus',
              pid: null,
              state: 'idle',
              uptimeMs: 0,
              restarts: 0,
              lastExit: null,
              cpuPercent: null,
            },
        ...(janus ? { mounts: janus.mountHealth() } : {}),
      },
      points: points.map((point): FleetPointStatus => ({
        ...point.status(),
        rtpAgeMs: ages.get(point.options.room) ?? null,
      })),
    };
  };
  let tick = 0;
  const refresh = (): void => {
    try {
      writeFleetStatus(runDir, status());
    } catch (error) {
      log.warn({ err: String(error) }, 'could not write status.json');
    }
    if (tick++ % 2 === 0 && janus?.process.status().state === 'running') {
      janus
        .mountpointAges()
        .then((result) => result.forEach((age, room) => ages.set(room, age)))
        .catch(() => ages.clear());
    }
  };

  const stop = async (): Promise<void> => {
    if (state === 'stopped' || state === 'stopping') return;
    state = 'stopping';
    clearInterval(timer);
    refresh();
    log.info({ fleet: id }, 'stopping sound fleet');
    await Promise.all([...points].reverse().map((point) => point.stop()));
    await janus?.stop();
    ports.releaseAll();
    state = 'stopped';
    writeFleetStatus(runDir, status());
    log.info({ fleet: id }, 'sound fleet stopped');
  };

  try {
    const firstRoom = options.firstRoom ?? 1;
    const plan: Array<{ index: number; room: number; ports: StreamPointPorts }> = [];
    for (let index = 1; index <= options.points; index++) {
      plan.push({
        index,
        room: firstRoom + index - 1,
        ports: {
          lang: await ports.allocate('udp'),
          synth: await ports.allocate('both'),
          rtpOut: await ports.allocate('udp'),
          rtpIn: options.input ? await ports.allocate('udp') : 0,
        },
      });
    }
    janus = createJanusService({
      configDir: join(runDir, 'janus'),
      httpPort,
      httpBind: options.janus?.httpBind,
      rtpPortRange,
      publicIp: options.janus?.publicIp,
      secrets,
      allowRtpParticipants: options.janus?.allowRtpParticipants,
      iceInterfaces: options.janus?.iceInterfaces,
      mounts: plan.map((p) => ({ room: p.room, rtpOut: p.ports.rtpOut, rtpIn: p.ports.rtpIn })),
      supervision: { user, pidFiles, env: fleetChildEnv(dirs.home) },
      logger: log,
    });
    // Janus reads its config (with its secrets) as the sound user but can never rewrite it.
    grantReadOnly(join(runDir, 'janus'), user);
    timer = setInterval(refresh, 1000);
    timer.unref();
    await janus.start();
    for (const p of plan) {
      points.push(
        createStreamPoint({
          index: p.index,
          room: p.room,
          jackServer: `gencaster-${id}-${p.index}`,
          scName: `SuperCollider${p.index}`,
          dir: join(runDir, `point-${p.index}`),
          user,
          home: dirs.home,
          runtimeDir: prepareRuntimeDir(dirs, p.index, user),
          pidFiles,
          ports: p.ports,
          input: options.input ?? false,
          backendOsc: options.backendOsc,
          janusPublicIp: options.janus?.publicIp ?? '127.0.0.1',
          janusHttpUrl: options.janus?.publicUrl ?? janus.url,
          oscSecret: options.oscSecret,
          startupFile,
          includePaths,
          gst,
          jackPeriod,
          ...(realtime
            ? {
                realtime: {
                  jackPriority: realtime.jackPriority,
                  senderPriority: realtime.senderPriority,
                },
              }
            : {}),
          rtpMonitorPorts: [options.rtpMonitorPorts?.[p.index - 1] ?? []].flat(),
          logger: log,
        }),
      );
    }
    await Promise.all(points.map((point) => point.start()));
    state = 'running';
    refresh();
    log.info({ fleet: id, points: plan.length, janus: janus.url }, 'sound fleet running');
  } catch (error) {
    log.error({ fleet: id, err: String(error) }, 'sound fleet failed to start');
    await stop().catch(() => undefined);
    throw error;
  }

  const started = janus;
  return {
    id,
    runDir,
    user,
    janus: {
      url: started.url,
      publicUrl: options.janus?.publicUrl ?? started.url,
      httpPort,
      apiSecret: secrets.apiSecret,
      mountKey: secrets.mountKey,
    },
    points: points.map((p) => ({
      index: p.options.index,
      room: p.options.room,
      scName: p.options.scName,
      jackServer: p.options.jackServer,
      ports: p.options.ports,
    })),
    status,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Default location of our SuperCollider class and startup file inside this repository. */
export function defaultSuperColliderPaths(repoRoot: string): {
  startupFile: string;
  extensionDir: string;
} {
  const base = join(repoRoot, 'packages', 'osc', 'supercollider');
  return { startupFile: join(base, 'stream-point.scd'), extensionDir: join(base, 'Gencaster') };
}

/** Path of the test fixture that stands in for the real class (boots scsynth, beacons, plays code). */
export const FIXTURE_STARTUP_FILE = join(
  dirname(new URL(import.meta.url).pathname),
  'testing',
  'fixture-stream-point.scd',
);
