// /metrics on a real backend (PGlite, real UDP OSC, a UDP socket playing sclang) and the sandbox
// kill counter on a real QuickJS sandbox.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInstruction, listStreamPoints } from '@gencaster/db';
import {
  decodeOscPacket,
  encodeOscMessage,
  loadOrCreateOscSecret,
  signRecord,
  type OscValue,
} from '@gencaster/osc';
import { createScriptSandbox } from '@gencaster/story';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startBackend, type Backend } from '../start-backend.ts';
import { createMetricsRegistry } from './metrics-registry.ts';
import { observeSandbox } from './observe-sandbox.ts';

/** Value of one series in exposition text, e.g. `gencaster_stream_points{state="online"}`. */
function sample(text: string, series: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${series} `));
  return found === undefined ? undefined : Number(found.slice(series.length + 1));
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** A backend on free ports with a fresh PGlite data dir, and a UDP socket that plays sclang. */
async function startWithFakeSclang(
  dataDir: string,
): Promise<{ backend: Backend; sclang: Socket; secret: string }> {
  const env = {
    GENCASTER_PORT: '0',
    GENCASTER_OSC_PORT: '0',
    GENCASTER_DATA_DIR: dataDir,
    GENCASTER_SOUND_POINTS: '0',
    LOG_LEVEL: 'fatal',
  };
  const backend = await startBackend(loadConfig(env, resolve(import.meta.dirname, '../../../..')));
  // every OSC sender signs, loopback included: the fake sclang uses the data dir's generated secret
  const secret = loadOrCreateOscSecret(dataDir);
  const signed = (address: string, record: Record<string, OscValue>) =>
    encodeOscMessage(address, Object.entries(signRecord(address, record, secret)).flat());
  // acknowledges every instruction: FAILURE when the code is "fail", else FINISHED with "2"
  const sclang = createSocket('udp4');
  sclang.on('message', (data) => {
    for (const message of decodeOscPacket(data)) {
      if (message.address !== '/instruction') continue;
      const [uuid, code] = message.args.map((arg) => String((arg as { value: unknown }).value));
      const failed = code === 'fail';
      sclang.send(
        signed('/acknowledge', {
          uuid: uuid ?? '',
          status: failed ? 'FAILURE' : 'FINISHED',
          return_value: failed ? 'boom' : '2',
        }),
        backend.oscPort,
        '127.0.0.1',
      );
    }
  });
  await new Promise<void>((done) => sclang.bind(0, '127.0.0.1', () => done()));
  return { backend, sclang, secret };
}

describe('backend /metrics', () => {
  it('reports points, dropped OSC packets, instruction round trips and process metrics', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gencaster-metrics-'));
    const { backend, sclang, secret } = await startWithFakeSclang(dataDir).catch(
      (error: unknown) => {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      },
    );
    const scrape = async () => {
      const response = await fetch(`${backend.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return response.text();
    };
    try {
      const before = await scrape();
      expect(sample(before, 'gencaster_stream_points{state="online"}')).toBe(0);
      expect(sample(before, 'gencaster_listeners_connected')).toBe(0);
      expect(sample(before, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
      expect(sample(before, 'process_cpu_seconds_total{mode="user"}')).toBeGreaterThan(0);

      const { port } = sclang.address();
      sclang.send(
        encodeOscMessage(
          '/beacon',
          Object.entries(
            signRecord('/beacon', { name: 'metrics', lang_port: port }, secret),
          ).flat(),
        ),
        backend.oscPort,
        '127.0.0.1',
      );
      for (let i = 0; i < 3; i += 1)
        sclang.send(new Uint8Array([1, 2, 3, i]), backend.oscPort, '127.0.0.1');
      sclang.send(encodeOscMessage('/nope', []), backend.oscPort, '127.0.0.1');
      const point = await until('the beacon', async () =>
        (await listStreamPoints(backend.database)).find((p) => p.port === port),
      );

      for (const code of ['1 + 1', 'fail']) {
        const instruction = await createInstruction(backend.database, {
          streamPointUuid: point.uuid,
          instructionText: code,
        });
        const outcome = backend.instructions.send({
          host: '127.0.0.1',
          port,
          uuid: instruction.uuid,
          code,
          timeoutMs: 20_000,
        });
        if (code === 'fail')
          await expect(outcome).rejects.toMatchObject({ code: 'INSTRUCTION_FAILED' });
        else await expect(outcome).resolves.toMatchObject({ returnValue: '2' });
      }
      await backend.database.db
        .insertInto('stream')
        .values({ streamPointUuid: point.uuid, numListeners: 2, active: true })
        .execute();

      const after = await until('dropped packets counted', async () => {
        const text = await scrape();
        return (sample(text, 'gencaster_osc_packets_dropped_total{reason="INVALID_INPUT"}') ?? 0) >=
          3
          ? text
          : undefined;
      });
      expect(sample(after, 'gencaster_osc_packets_dropped_total{reason="unknown-address"}')).toBe(
        1,
      );
      expect(sample(after, 'gencaster_osc_packets_received_total')).toBeGreaterThanOrEqual(7);
      expect(sample(after, 'gencaster_stream_points{state="online"}')).toBe(1);
      expect(sample(after, 'gencaster_streams_active')).toBe(1);
      expect(sample(after, 'gencaster_listeners_connected')).toBe(2);
      expect(
        sample(after, 'gencaster_instruction_roundtrip_seconds_count{outcome="finished"}'),
      ).toBe(1);
      expect(
        sample(after, 'gencaster_instruction_roundtrip_seconds_count{outcome="failure"}'),
      ).toBe(1);
      expect(
        sample(
          after,
          'gencaster_instruction_roundtrip_seconds_bucket{le="+Inf",outcome="finished"}',
        ),
      ).toBe(1);
      expect(
        sample(after, 'gencaster_instruction_roundtrip_seconds_bucket{le="10",outcome="finished"}'),
      ).toBe(1);
      expect(after).toContain('# TYPE gencaster_instruction_roundtrip_seconds histogram');
      expect(sample(after, 'gencaster_metrics_collect_errors_total')).toBe(0);
      // Memory by component: the backend itself (this test starts no sound fleet).
      expect(
        sample(after, 'gencaster_component_resident_memory_bytes{component="backend"}'),
      ).toBeGreaterThan(1e6);
      expect(sample(after, 'gencaster_component_processes{component="backend"}')).toBe(1);
    } finally {
      sclang.close();
      await backend.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('sandbox kill counter', () => {
  it('counts a run killed by the CPU-time limit, not a run that ends with a script error', async () => {
    const registry = createMetricsRegistry();
    const kills = registry.counter('gencaster_sandbox_kills_total', 'kills', [
      'reason',
      'language',
    ]);
    await using sandbox = observeSandbox(createScriptSandbox({ javascriptWorkers: 1 }), kills);
    const capabilities = {
      waitForVariable: () => Promise.reject(new Error('none')),
      sleep: () => Promise.resolve(),
      getVariables: () => Promise.resolve({}),
      log: () => undefined,
      emitDialog: () => Promise.resolve(),
    };
    const base = { language: 'javascript', mode: 'cell', variables: {}, capabilities } as const;
    const thrown = await sandbox.run({ ...base, code: 'throw new Error("x")' });
    expect(thrown.error?.kind).toBe('script');
    const looped = await sandbox.run({ ...base, code: 'for (;;) {}', limits: { cpuTimeMs: 200 } });
    expect(looped.error?.kind).toBe('timeout');
    expect(kills.get({ reason: 'time', language: 'javascript' })).toBe(1);
    expect(await registry.render()).toContain(
      'gencaster_sandbox_kills_total{reason="time",language="javascript"} 1',
    );
  }, 60_000);
});
