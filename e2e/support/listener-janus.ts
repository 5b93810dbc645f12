import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freeTcpPort,
  freeUdpPort,
  startProcess,
  waitFor,
  type TestProcess,
} from './listener-processes.ts';

const pluginsDir = '/usr/lib/x86_64-linux-gnu/janus';

/** A Janus server started for one test, HTTP API on 127.0.0.1, media on the host's addresses. */
export interface TestJanus {
  httpUrl: string;
  httpPort: number;
  /** ICE/RTP port range Janus uses for WebRTC media (unique per instance). */
  rtpRange: [number, number];
  /** Creates a streaming mountpoint that receives Opus RTP on a UDP port; returns the port. */
  createMountpoint(id: number): Promise<number>;
  /** Creates an audiobridge room forwarding its mix as Opus RTP to `forwardPort` on 127.0.0.1. */
  createRoom(id: number, forwardPort: number): Promise<void>;
  /** Calls the plugin API (a throw-away session) and returns the plugin data. */
  pluginRequest(plugin: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** True when Janus and GStreamer are installed. */
export async function janusAvailable(): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  return existsSync('/usr/bin/janus') && existsSync('/usr/bin/gst-launch-1.0');
}

/** Starts Janus (HTTP transport, streaming and audiobridge plugins only) on free ports. */
export async function startTestJanus(): Promise<TestJanus> {
  const dir = await mkdtemp(join(tmpdir(), 'listener-janus-'));
  const httpPort = await freeTcpPort();
  const base = 20_000 + Math.floor(Math.random() * 400) * 100;
  const rtpRange: [number, number] = [base, base + 99];
  const disabledPlugins = [
    'duktape',
    'lua',
    'echotest',
    'nosip',
    'recordplay',
    'sip',
    'textroom',
    'videocall',
    'videoroom',
    'voicemail',
  ];
  await writeFile(
    join(dir, 'janus.jcfg'),
    `general: { configs_folder = "${dir}" plugins_folder = "${pluginsDir}/plugins" transports_folder = "${pluginsDir}/transports"
  events_folder = "${pluginsDir}/events" loggers_folder = "${pluginsDir}/loggers" debug_level = 4 }
certificates: { }
media: { rtp_port_range = "${rtpRange[0]}-${rtpRange[1]}" }
nat: { ignore_mdns = true }
plugins: { disable = "${disabledPlugins.map((name) => `libjanus_${name}.so`).join(',')}" }
transports: { disable = "libjanus_websockets.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so" }
loggers: { disable = "libjanus_jsonlog.so" }
events: { broadcast = false }
`,
  );
  await writeFile(
    join(dir, 'janus.transport.http.jcfg'),
    `general: { http = true port = ${httpPort} ip = "127.0.0.1" base_path = "/janus" https = false }\nadmin: { admin_http = false }\n`,
  );
  await writeFile(join(dir, 'janus.plugin.streaming.jcfg'), 'general: {\n}\n');
  await writeFile(join(dir, 'janus.plugin.audiobridge.jcfg'), 'general: {\n}\n');
  const process: TestProcess = startProcess('janus', [
    '-C',
    join(dir, 'janus.jcfg'),
    '-F',
    dir,
    '-o',
  ]);
  const httpUrl = `http://127.0.0.1:${httpPort}/janus`;

  async function call(path: string, body: Record<string, unknown>) {
    const response = await fetch(`${httpUrl}${path}`, {
      method: 'POST',
      body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
    });
    return (await response.json()) as {
      janus: string;
      data?: { id: number };
      plugindata?: { data: Record<string, unknown> };
    };
  }

  async function pluginRequest(plugin: string, body: Record<string, unknown>) {
    const session = await call('', { janus: 'create' });
    const sessionId = session.data?.id;
    const handle = await call(`/${sessionId}`, { janus: 'attach', plugin });
    const reply = await call(`/${sessionId}/${handle.data?.id}`, { janus: 'message', body });
    await call(`/${sessionId}`, { janus: 'destroy' });
    const data = reply.plugindata?.data ?? {};
    if (typeof data.error === 'string') throw new Error(`${plugin}: ${data.error}`);
    return data;
  }

  try {
    await waitFor('Janus HTTP API', async () => {
      const response = await fetch(`${httpUrl}/info`);
      return response.ok ? true : undefined;
    });
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\n${process.output()}`);
  }

  return {
    httpUrl,
    httpPort,
    rtpRange,
    pluginRequest,
    async createMountpoint(id) {
      const port = await freeUdpPort();
      await pluginRequest('janus.plugin.streaming', {
        request: 'create',
        type: 'rtp',
        id,
        description: `test-${id}`,
        permanent: false,
        media: [{ type: 'audio', mid: 'a', label: 'audio', port, pt: 111, codec: 'opus' }],
      });
      return port;
    },
    async createRoom(id, forwardPort) {
      await pluginRequest('janus.plugin.audiobridge', {
        request: 'create',
        room: id,
        sampling_rate: 48000,
        permanent: false,
      });
      await pluginRequest('janus.plugin.audiobridge', {
        request: 'rtp_forward',
        room: id,
        host: '127.0.0.1',
        port: forwardPort,
        codec: 'opus',
      });
    },
    async stop() {
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends a stereo sine as Opus RTP to a mountpoint port (a stand-in sound source). */
export function startToneSender(port: number, frequency = 440): TestProcess {
  return startProcess('gst-launch-1.0', [
    '-q',
    'audiotestsrc',
    'is-live=true',
    'wave=sine',
    `freq=${frequency}`,
    'volume=0.2',
    '!',
    'audio/x-raw,channels=2,rate=48000',
    '!',
    'opusenc',
    'bitrate=64000',
    'frame-size=20',
    '!',
    'rtpopuspay',
    'pt=111',
    '!',
    'udpsink',
    'host=127.0.0.1',
    `port=${port}`,
  ]);
}
