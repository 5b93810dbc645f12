// Fixture for the CmdPeriod test of supercollider-instruction-receiver.test.ts: a real sclang (no scsynth,
// no JACK) running our GencasterServer class, with a real UDP socket standing in for the backend.
// The osc package does not import @gencaster/sound (it sits below it); it spawns the binary itself.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOscPacket, encodeOscMessage } from '../osc-codec.ts';
import { installSuperColliderExtension } from '../supercollider-extension.ts';
import { freeUdpPort } from './stream-point-process.ts';

/** Why a real sclang cannot run here, or undefined when it can. */
export function sclangUnavailableReason(): string | undefined {
  return spawnSync('which', ['sclang']).status === 0 ? undefined : 'sclang is not installed';
}

/** An OSC message the fake backend received, as a key/value record plus its address. */
export interface BackendMessage {
  address: string;
  record: Record<string, unknown>;
}

/** Bounded polling for a condition (50 ms steps). */
async function waitFor(
  check: () => boolean,
  timeoutMs: number,
  what: string,
  output: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Spawns sclang headless with a startup file that only builds `GencasterServer.fromEnvironment`
 * (receivers and the CmdPeriod hook, no scsynth) and logs "ready" to our UDP socket. `run` sends
 * an `/instruction` and resolves with its final ack; `acks(uuid)` lists every ack of it.
 * Always `stop()` it: sclang is ended by its PID (quit message first, then SIGKILL).
 */
export async function startBareSclang() {
  await installSuperColliderExtension();
  const received: BackendMessage[] = [];
  const backend = createSocket('udp4');
  backend.on('message', (data) => {
    for (const message of decodeOscPacket(data)) {
      const values = message.args.map((arg) => (arg as { value: unknown }).value);
      const record: Record<string, unknown> = {};
      for (let i = 0; i + 1 < values.length; i += 2) record[String(values[i])] = values[i + 1];
      received.push({ address: message.address, record });
    }
  });
  await new Promise<void>((resolve) => backend.bind(0, '127.0.0.1', () => resolve()));
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-sclang-'));
  const startup = join(dir, 'bare-point.scd');
  writeFileSync(startup, 'g = GencasterServer.fromEnvironment;\ng.log(20, "ready");\n');
  const xdg = join(tmpdir(), `gencaster-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(xdg, { recursive: true, mode: 0o700 });
  const langPort = await freeUdpPort();
  const sclang = spawn('sclang', ['-D', '-u', String(langPort), startup], {
    env: {
      ...process.env,
      QT_QPA_PLATFORM: 'offscreen',
      QTWEBENGINE_DISABLE_SANDBOX: '1',
      XDG_RUNTIME_DIR: xdg,
      SC_NAME: `gcsec${process.pid}`,
      BACKEND_OSC_HOST: '127.0.0.1',
      BACKEND_OSC_PORT: String(backend.address().port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  sclang.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  sclang.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => sclang.once('exit', () => resolve()));
  const send = (address: string, values: (string | boolean)[]) =>
    new Promise<void>((resolve, reject) =>
      backend.send(encodeOscMessage(address, values), langPort, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  const acks = (uuid: string) =>
    received
      .filter((m) => m.address === '/acknowledge' && m.record.uuid === uuid)
      .map((m) => ({ status: m.record.status, returnValue: m.record.return_value }));
  const final = (uuid: string) =>
    acks(uuid).find((ack) => ack.status === 'FINISHED' || ack.status === 'FAILURE');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (sclang.exitCode === null && sclang.signalCode === null) {
      await send('/gencaster/quit', []).catch(() => undefined);
      const timer = setTimeout(() => sclang.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // generous: compiling the class library can take 10-20 s on a loaded machine
    await waitFor(
      () => received.some((m) => m.address === '/log' && m.record.message === 'ready'),
      90_000,
      'the "ready" log of sclang',
      () => output.slice(-2000),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    acks,
    /** Sends code as an `/instruction` and waits for its FINISHED or FAILURE ack. */
    async run(code: string) {
      const uuid = randomUUID();
      await send('/instruction', [uuid, code, false]);
      await waitFor(
        () => final(uuid) !== undefined,
        20_000,
        `the ack of ${uuid}`,
        () => output,
      );
      return { uuid, ...final(uuid)! };
    },
    stop,
  };
}
