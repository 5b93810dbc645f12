import { janusInfo, withJanusPlugin, type JanusPluginHandle } from './janus-api.ts';
import { writeJanusConfig } from './janus-config.ts';
import { janusMountCredentials, type JanusSecrets } from './janus-secrets.ts';
import { waitUntil } from './process-tools.ts';
import type { SoundLogger } from './sound-logger.ts';
import {
  createSupervisedProcess,
  type SupervisedProcess,
  type SupervisedProcessOptions,
} from './supervised-process.ts';

/** One stream point as Janus sees it: a streaming mountpoint and, with input, an audiobridge room. */
export interface JanusMount {
  /** Mountpoint id and room number. */
  room: number;
  /** UDP port the mountpoint receives the point's RTP on (bound to 127.0.0.1). */
  rtpOut: number;
  /** With input: port the room's RTP forwarder sends the mixed microphone audio to; 0 otherwise. */
  rtpIn: number;
}

/** A mountpoint as listed by Janus. */
export interface JanusMountpointInfo {
  id: number;
  description: string;
  /** Milliseconds since the last RTP packet (small = live), null if Janus did not say. */
  ageMs: number | null;
}

/** What the periodic mount check found: shown in the fleet status and `gencaster sound status`. */
export interface JanusMountHealth {
  /** ISO time of the last completed check, null before the first. */
  checkedAt: string | null;
  /** Mountpoint/room numbers missing at the last check (re-created unless the re-create failed). */
  missing: number[];
  /** Mountpoints and rooms re-created since the launcher started (after Janus restarts too). */
  recreated: number;
  /** Error of the last check, if it failed. */
  error: string | null;
}

/** Options of {@link createJanusService}. */
export interface JanusServiceOptions {
  configDir: string;
  httpPort: number;
  httpBind?: string;
  rtpPortRange: { min: number; max: number };
  publicIp?: string;
  secrets: JanusSecrets;
  mounts: readonly JanusMount[];
  /** Let plain-RTP participants (gateways, tests) join the audiobridge rooms (default false). */
  allowRtpParticipants?: boolean;
  /** `nat.ice_enforce_list`: the only interfaces/addresses ICE candidates are gathered on. */
  iceInterfaces?: readonly string[];
  /** How often the mountpoints and rooms are checked and re-created when missing (default 5000). */
  checkIntervalMs?: number;
  /** Who runs Janus, its environment and pid file (the fleet's sound user). */
  supervision?: Pick<SupervisedProcessOptions, 'user' | 'pidFiles' | 'env'>;
  logger: SoundLogger;
}

/** The fleet's Janus: one supervised process plus the mountpoints/rooms it must always have. */
export interface JanusService {
  /** HTTP API base, e.g. `http://127.0.0.1:28088/janus`. */
  readonly url: string;
  readonly process: SupervisedProcess;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Checks that every mountpoint and room exists and re-creates the missing ones (someone destroyed
   * them, or Janus lost them); also run every `checkIntervalMs` while Janus runs.
   */
  ensureMounts(): Promise<JanusMountHealth>;
  /** Result of the last mount check. */
  mountHealth(): JanusMountHealth;
  /** Every mountpoint Janus has (private ones included), with `age_ms`. */
  listMountpoints(): Promise<JanusMountpointInfo[]>;
  /** Milliseconds since the mountpoint last received RTP (`age_ms`), null if unknown. */
  mountpointAges(): Promise<Map<number, number | null>>;
}

const STREAMING = 'janus.plugin.streaming';
const AUDIOBRIDGE = 'janus.plugin.audiobridge';

/**
 * Creates the Janus service. Mountpoints (stereo Opus 48 kHz, pt 111, private, not permanent) and,
 * with input, audiobridge rooms with an always-on RTP forwarder are created through the HTTP API after
 * every (re)start, so a crashed Janus comes back with the same ids.
 */
export function createJanusService(o: JanusServiceOptions): JanusService {
  const bind = o.httpBind ?? '127.0.0.1';
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind;
  const url = `http://${host}:${o.httpPort}/janus`;
  const configFile = writeJanusConfig({
    dir: o.configDir,
    httpPort: o.httpPort,
    httpBind: bind,
    rtpPortRange: o.rtpPortRange,
    apiSecret: o.secrets.apiSecret,
    adminSecret: o.secrets.adminSecret,
    pluginAdminKey: o.secrets.pluginAdminKey,
    publicIp: o.publicIp,
    iceInterfaces: o.iceInterfaces,
  });
  const adminKey = o.secrets.pluginAdminKey;
  const mountKey = o.secrets.mountKey;
  const apiSecret = o.secrets.apiSecret;

  const createMountpoint = (h: JanusPluginHandle, m: JanusMount) =>
    h.request({
      request: 'create',
      admin_key: adminKey,
      type: 'rtp',
      id: m.room,
      description: `gencaster stream point ${m.room}`,
      is_private: true,
      permanent: false,
      ...janusMountCredentials(mountKey, m.room),
      media: [
        {
          type: 'audio',
          mid: 'a',
          label: 'sc',
          port: m.rtpOut,
          pt: 111,
          codec: 'opus',
          fmtp: 'stereo=1;sprop-stereo=1',
          iface: '127.0.0.1',
        },
      ],
    });
  const createRoom = async (h: JanusPluginHandle, m: JanusMount) => {
    const { secret, pin } = janusMountCredentials(mountKey, m.room);
    await h.request({
      request: 'create',
      admin_key: adminKey,
      room: m.room,
      is_private: true,
      secret,
      pin,
      sampling_rate: 48000,
      permanent: false,
      allow_rtp_participants: o.allowRtpParticipants ?? false,
    });
    await h.request({
      request: 'rtp_forward',
      admin_key: adminKey,
      secret,
      room: m.room,
      host: '127.0.0.1',
      port: m.rtpIn,
      codec: 'opus',
      ptype: 100,
      always_on: true,
    });
  };

  let firstCheckDone = false;
  let health: JanusMountHealth = { checkedAt: null, missing: [], recreated: 0, error: null };
  let checking: Promise<JanusMountHealth> | undefined;
  /** Creates the mountpoints and rooms Janus does not have (all of them after a (re)start). */
  const ensureMounts = (): Promise<JanusMountHealth> =>
    (checking ??= (async () => {
      const count = firstCheckDone;
      const missing: number[] = [];
      let created = 0;
      try {
        await withJanusPlugin(url, STREAMING, apiSecret, async (h) => {
          const listed = await h.request({ request: 'list', admin_key: adminKey });
          const have = new Set(((listed.list ?? []) as Array<{ id: number }>).map((e) => e.id));
          for (const m of o.mounts.filter((mount) => !have.has(mount.room))) {
            missing.push(m.room);
            await createMountpoint(h, m);
            created += 1;
          }
        });
        const withInput = o.mounts.filter((m) => m.rtpIn > 0);
        if (withInput.length > 0) {
          await withJanusPlugin(url, AUDIOBRIDGE, apiSecret, async (h) => {
            const listed = await h.request({ request: 'list', admin_key: adminKey });
            const have = new Set(
              ((listed.list ?? []) as Array<{ room: number }>).map((e) => e.room),
            );
            for (const m of withInput.filter((mount) => !have.has(mount.room))) {
              if (!missing.includes(m.room)) missing.push(m.room);
              await createRoom(h, m);
              created += 1;
            }
          });
        }
        health = {
          checkedAt: new Date().toISOString(),
          missing,
          recreated: health.recreated + (count ? created : 0),
          error: null,
        };
        if (created > 0)
          o.logger.info(
            { child: 'janus', rooms: missing, recreated: count },
            'janus mountpoints/rooms created',
          );
      } catch (error) {
        health = {
          ...health,
          checkedAt: new Date().toISOString(),
          missing,
          error: error instanceof Error ? error.message : String(error),
        };
        o.logger.warn({ child: 'janus', err: health.error }, 'janus mount check failed');
      }
      return health;
    })().finally(() => {
      checking = undefined;
    }));

  const createMounts = async (): Promise<void> => {
    const result = await ensureMounts();
    if (result.error !== null) throw new Error(`creating Janus mountpoints: ${result.error}`);
    firstCheckDone = true;
  };

  const listMountpoints = (): Promise<JanusMountpointInfo[]> =>
    withJanusPlugin(url, STREAMING, apiSecret, async (h) => {
      // With the admin key, `list` includes private mountpoints.
      const data = await h.request({ request: 'list', admin_key: adminKey });
      const list = (data.list ?? []) as Array<{
        id: number;
        description?: string;
        media?: Array<{ age_ms?: number }>;
      }>;
      return list.map((entry) => ({
        id: entry.id,
        description: entry.description ?? '',
        ageMs: typeof entry.media?.[0]?.age_ms === 'number' ? entry.media[0].age_ms : null,
      }));
    });

  const proc = createSupervisedProcess({
    name: 'janus',
    command: 'janus',
    args: ['-C', configFile, '-F', o.configDir, '-o'],
    ...o.supervision,
    logger: o.logger,
    graceMs: 5000,
    readiness: () =>
      waitUntil('janus HTTP API', () => janusInfo(url).then(() => true), { timeoutMs: 15_000 }),
    onReady: createMounts,
  });

  let timer: NodeJS.Timeout | undefined;
  return {
    url,
    process: proc,
    async start() {
      await proc.start();
      timer = setInterval(() => {
        if (proc.status().state === 'running' && firstCheckDone) void ensureMounts();
      }, o.checkIntervalMs ?? 5000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await proc.stop();
    },
    ensureMounts,
    mountHealth: () => health,
    listMountpoints,
    async mountpointAges() {
      const listed = await listMountpoints();
      return new Map(
        o.mounts.map((m) => [m.room, listed.find((entry) => entry.id === m.room)?.ageMs ?? null]),
      );
    },
  };
}
