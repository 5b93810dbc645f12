import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A running Icecast server with a GStreamer `shout2send` source. */
export interface IcecastBaseline {
  port: number;
  /** Mount path of the stream, e.g. `/click.ogg`. */
  mount: string;
  /** Lines the source pipeline printed (warnings, dropped samples). */
  sourceOutput(): string;
  stop(): Promise<void>;
}

/** Why the baseline cannot run (binary or GStreamer element missing), or undefined. */
export function icecastUnavailableReason(): string | undefined {
  if (!existsSync('/usr/bin/icecast2')) return 'icecast2 is missing (apt-get install icecast2)';
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts Icecast 2 (`dir` must be reachable by the `icecast2` user when running as root) on a free 127.0.0.1 port (no burst on connect: its lowest-latency setting; as
 * root it drops to the Debian `icecast2` user) and a GStreamer source that captures the same JACK
 * ports as our WebRTC pipeline and sends Ogg/Opus (20 ms frames, 64 kbit/s) with `shout2send`.
 */
export async function startIcecastBaseline(o: {
  dir: string;
  jackServer: string;
  jackPorts: readonly string[];
  /**
   * Who the JACK server runs as when the launcher dropped to the sound user: libjack puts the uid
   * into the server's socket path, so the source must run as that user to find it.
   */
  jackUser?: { uid: number; gid: number; switchUser: boolean };
}): Promise<IcecastBaseline> {
  mkdirSync(o.dir, { recursive: true });
  chmodSync(o.dir, 0o777);
  const port = await freePort();
  const mount = '/click.ogg';
  const password = 'bench-source';
  const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
  const owner =
    process.getuid?.() === 0
      ? '<changeowner><user>icecast2</user><group>icecast</group></changeowner>'
      : '';
  writeFileSync(
    join(o.dir, 'icecast.xml'),
    `<icecast>
  <limits><clients>10</clients><sources>2</sources><burst-on-connect>0</burst-on-connect><burst-size>0</burst-size></limits>
  <authentication><source-password>${password}</source-password><admin-user>admin</admin-user><admin-password>${password}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>${o.dir}</logdir><webroot>/etc/icecast2/web</webroot><adminroot>/etc/icecast2/admin</adminroot></paths>
  <logging><errorlog>-</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot>${owner}</security>
</icecast>
`,
  );
  const icecast = spawn('icecast2', ['-c', join(o.dir, 'icecast.xml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  icecast.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  icecast.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/admin/listmounts`, { headers: auth })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() - started > 15_000 || icecast.exitCode !== null) {
      await stopChild(icecast, 'SIGTERM');
      throw new Error(`icecast2 did not start in 15 s: ${output.slice(-800)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const asJackUser = o.jackUser?.switchUser
    ? ['setpriv', `--reuid=${o.jackUser.uid}`, `--regid=${o.jackUser.gid}`, '--clear-groups', '--']
    : [];
  const source = spawn(
    asJackUser[0] ?? 'gst-launch-1.0',
    [
      ...(asJackUser.length > 0 ? [...asJackUser.slice(1), 'gst-launch-1.0'] : []),
      'jackaudiosrc',
      `server=${o.jackServer}`,
      'client-name=icecast-src',
      'connect=explicit',
      `port-names=${o.jackPorts.join(',')}`,
      '!',
      'audio/x-raw,channels=2',
      '!',
      'audioconvert',
      '!',
      'audioresample',
      '!',
      'audio/x-raw,rate=48000',
      '!',
      'opusenc',
      'bitrate=64000',
      'frame-size=20',
      '!',
      'oggmux',
      '!',
      'shout2send',
      'ip=127.0.0.1',
      `port=${port}`,
      `password=${password}`,
      `mount=${mount}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JACK_NO_START_SERVER: '1' } },
  );
  source.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  source.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopChild(source, 'SIGINT');
    await stopChild(icecast, 'SIGTERM');
  };
  // Ready when Icecast lists the mount.
  for (;;) {
    const listed = await fetch(`http://127.0.0.1:${port}/admin/listmounts`, { headers: auth })
      .then((r) => r.text())
      .then((text) => text.includes(mount))
      .catch(() => false);
    if (listed) break;
    if (Date.now() - started > 20_000 || source.exitCode !== null) {
      await stop();
      throw new Error(`the shout2send source did not connect: ${output.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { port, mount, sourceOutput: () => output, stop };
}
