import { spawn } from 'node:child_process';
import { janusPost } from '../janus-api.ts';

/** A plain-RTP audiobridge participant sending a test sine into a room (listener microphone stand-in). */
export interface RtpParticipant {
  stop(): Promise<void>;
}

/**
 * Joins `room` as a plain-RTP participant (audiobridge `join` with an `rtp` object), waits for the
 * `joined` event that names Janus' receive port, then streams an Opus sine there with gst-launch.
 */
export async function joinWithSine(
  url: string,
  apiSecret: string,
  room: number,
  frequency: number,
  /** Local UDP port the sender sends from; Janus only accepts the participant's RTP from there. */
  localPort: number,
  /** The room's pin (rooms of the fleet have one: `janusMountCredentials(mountKey, room).pin`). */
  pin?: string,
): Promise<RtpParticipant> {
  const session = await janusPost(url, { janus: 'create' }, apiSecret);
  const sessionUrl = `${url}/${session.data?.id}`;
  const handle = await janusPost(
    sessionUrl,
    { janus: 'attach', plugin: 'janus.plugin.audiobridge' },
    apiSecret,
  );
  await janusPost(
    `${sessionUrl}/${handle.data?.id}`,
    {
      janus: 'message',
      body: {
        request: 'join',
        room,
        display: 'test-mic',
        ...(pin ? { pin } : {}),
        rtp: { ip: '127.0.0.1', port: localPort, payload_type: 111 },
      },
    },
    apiSecret,
  );
  let target: { ip: string; port: number } | undefined;
  const deadline = Date.now() + 10_000;
  while (!target && Date.now() < deadline) {
    const response = await fetch(
      `${sessionUrl}?maxev=5&apisecret=${encodeURIComponent(apiSecret)}`,
      { signal: AbortSignal.timeout(15_000) },
    );
    const events = [await response.json()].flat() as Array<{
      plugindata?: {
        data?: { audiobridge?: string; error?: string; rtp?: { ip: string; port: number } };
      };
    }>;
    for (const event of events) {
      const data = event.plugindata?.data;
      if (data?.error) throw new Error(`audiobridge join: ${data.error}`);
      if (data?.audiobridge === 'joined' && data.rtp) target = data.rtp;
    }
  }
  if (!target) throw new Error('audiobridge did not confirm the RTP participant');
  const sender = spawn(
    'gst-launch-1.0',
    [
      'audiotestsrc',
      'is-live=true',
      'wave=sine',
      `freq=${frequency}`,
      'volume=0.5',
      '!',
      'audio/x-raw,rate=48000,channels=1',
      '!',
      'audioconvert',
      '!',
      'opusenc',
      '!',
      'rtpopuspay',
      'pt=111',
      '!',
      'udpsink',
      `bind-port=${localPort}`,
      'bind-address=127.0.0.1',
      `host=${target.ip === '0.0.0.0' ? '127.0.0.1' : target.ip}`,
      `port=${target.port}`,
    ],
    { stdio: 'ignore' },
  );
  const keepalive = setInterval(
    () => void janusPost(sessionUrl, { janus: 'keepalive' }, apiSecret).catch(() => undefined),
    20_000,
  );
  return {
    async stop() {
      clearInterval(keepalive);
      if (sender.exitCode === null) {
        const exited = new Promise((resolve) => sender.once('exit', resolve));
        sender.kill('SIGINT');
        setTimeout(() => sender.kill('SIGKILL'), 3000).unref();
        await exited;
      }
      await janusPost(sessionUrl, { janus: 'destroy' }, apiSecret).catch(() => undefined);
    },
  };
}
