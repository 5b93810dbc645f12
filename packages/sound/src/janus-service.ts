import { janusInfo, withJanusPlugin } from './janus-api.ts';
import { writeJanusConfig } from './janus-config.ts';
import type { JanusSecrets } from './janus-secrets.ts';
import { waitUntil } from './process-tools.ts';
import type { SoundLogger } from './sound-logger.ts';
import { createSupervisedProcess, type SupervisedProcess } from './supervised-process.ts';

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
  logger: SoundLogger;
}

/** The fleet's Janus: one supervised process plus the mountpoints/rooms it must always have. */
export interface JanusService {
  /** HTTP API base, e.g. `http://127.0.0.1:28088/janus`. */
  readonly url: string;
  readonly process: SupervisedProcess;
  start(): Promise<void>;
  stop(): Promise<void>;
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
  const apiSecret = o.secrets.apiSecret;

  const createMounts = async (): Promise<void> => {
    await withJanusPlugin(url, STREAMING, apiSecret, async (h) => {
      for (const m of o.mounts) {
        await h.request({
          request: 'create',
          admin_key: adminKey,
          type: 'rtp',
          id: m.room,
          description: `gencaster stream point ${m.room}`,
          is_private: true,
          permanent: false,
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
      }
    });
    const withInput = o.mounts.filter((m) => m.rtpIn > 0);
    if (withInput.length === 0) return;
    await withJanusPlugin(url, AUDIOBRIDGE, apiSecret, async (h) => {
      for (const m of withInput) {
        await h.request({
          request: 'create',
          admin_key: adminKey,
          room: m.room,
          is_private: true,
          sampling_rate: 48000,
          permanent: false,
          allow_rtp_participants: o.allowRtpParticipants ?? false,
        });
        await h.request({
          request: 'rtp_forward',
          admin_key: adminKey,
          room: m.room,
          host: '127.0.0.1',
          port: m.rtpIn,
          codec: 'opus',
          ptype: 100,
          always_on: true,
        });
      }
    });
    o.logger.info(
      { child: 'janus', rooms: o.mounts.map((m) => m.room) },
      'janus mountpoints created',
    );
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
    logger: o.logger,
    graceMs: 5000,
    readiness: () =>
      waitUntil('janus HTTP API', () => janusInfo(url).then(() => true), { timeoutMs: 15_000 }),
    onReady: createMounts,
  });

  return {
    url,
    process: proc,
    start: () => proc.start(),
    stop: () => proc.stop(),
    listMountpoints,
    async mountpointAges() {
      const listed = await listMountpoints();
      return new Map(
        o.mounts.map((m) => [m.room, listed.find((entry) => entry.id === m.room)?.ageMs ?? null]),
      );
    },
  };
}
