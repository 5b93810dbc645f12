import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessAckBus } from './ack-bus.ts';
import { createInstructionSender, type InstructionSender } from './instruction-sender.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import {
  playBufferInstruction,
  setStreamVariableInstruction,
  sclangString,
  stopPlaybackInstruction,
  syncPlayBufferInstruction,
} from './sclang-literals.ts';
import { createMemoryPorts, waitUntil } from './testing/memory-ports.ts';
import {
  startTestStreamPoint,
  streamPointUnavailableReason,
  type TestStreamPoint,
} from './testing/stream-point-process.ts';

const unavailable = streamPointUnavailableReason();
if (unavailable) console.warn(`skipping real stream point tests: ${unavailable}`);

// retry: a real sclang process answers over UDP on a loaded 2-core CI machine, where it can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(unavailable !== undefined)(
  'a real stream point (sclang + scsynth on a dummy JACK server)',
  { retry: 1 },
  () => {
    const ports = createMemoryPorts();
    const ackBus = createInProcessAckBus();
    const work = mkdtempSync(join(tmpdir(), 'gencaster-osc-'));
    const wav = join(work, 'one-second.wav');
    let server: OscServer;
    let sender: InstructionSender;
    let point: TestStreamPoint;
    let beaconAfterMs = 0;

    beforeAll(async () => {
      const sox = spawnSync('sox', [
        '-n',
        '-r',
        '48000',
        '-c',
        '1',
        wav,
        'synth',
        '1',
        'sine',
        '440',
      ]);
      if (sox.status !== 0) throw new Error(`sox failed: ${sox.stderr.toString()}`);
      server = await createOscServer({ port: 0, ...ports, ackBus });
      sender = createInstructionSender({
        server,
        ledger: ports.ledger,
        ackBus,
        defaultTimeoutMs: 10_000,
      });
      point = await startTestStreamPoint({
        backendPort: server.port,
        env: { JANUS_OUT_ROOM: '7' },
      });
      await waitUntil(
        () => ports.points.get(`127.0.0.1:${point.langPort}`),
        80_000,
        'first beacon',
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nsclang output:\n${point.output()}`);
      });
      beaconAfterMs = Date.now() - point.startedAt;
    }, 150_000);

    afterAll(async () => {
      sender?.close();
      await point?.stop();
      await server?.close();
      rmSync(work, { recursive: true, force: true });
    });

    async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
      try {
        await promise;
      } catch (error) {
        return error as { code: string; message: string };
      }
      throw new Error('expected the instruction to fail');
    }

    function run(code: string, options: { manualFinish?: boolean; timeoutMs?: number } = {}) {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      const result = sender.send({
        host: '127.0.0.1',
        port: point.langPort,
        uuid,
        code,
        ...options,
      });
      return { uuid, result };
    }

    it('registers from its first beacon with the configured keys', () => {
      // sclang start-up is ~3-5 s on an idle 2-core machine; the bound is loose for loaded CI
      console.info(`first beacon ${beaconAfterMs} ms after starting sclang`);
      expect(beaconAfterMs).toBeLessThan(30_000);
      expect(ports.points.get(`127.0.0.1:${point.langPort}`)).toMatchObject({
        name: point.name,
        synthPort: point.synthPort,
        janusOutRoom: 7,
        janusInRoom: null,
        useInput: false,
      });
    });

    it('beacons again within 6 s, every 5 s', { timeout: 20_000 }, async () => {
      const key = `127.0.0.1:${point.langPort}`;
      const count = ports.points.get(key)!.beacons;
      await waitUntil(() => ports.points.get(key)!.beacons > count, 6000, 'next beacon');
      const first = Date.now();
      await waitUntil(() => ports.points.get(key)!.beacons > count + 1, 6000, 'beacon after that');
      const interval = Date.now() - first;
      console.info(`beacon interval ${interval} ms`);
      expect(interval).toBeGreaterThan(4000);
    });

    it('runs 1 + 1 → FINISHED "2" and records the states', async () => {
      const { uuid, result } = run('1 + 1');
      await expect(result).resolves.toEqual({ state: 'FINISHED', returnValue: '2' });
      await server.idle();
      expect(ports.instructions.get(uuid)?.history).toEqual([
        'UNACKNOWLEDGED',
        'SENT',
        'RECEIVED',
        'FINISHED',
      ]);
    });

    it('fails with the compile error for code that does not compile', async () => {
      const { uuid, result } = run('1 +');
      const error = await failure(result);
      expect(error.code).toBe('INSTRUCTION_FAILED');
      expect(error.message).toContain('compile error');
      expect(ports.instructions.get(uuid)?.state).toBe('FAILURE');
    });

    it('fails with the error text for a runtime error inside the Routine, and logs it via /log', async () => {
      const { uuid, result } = run('0.05.wait; nil.fooBar');
      const error = await failure(result);
      expect(error.code).toBe('INSTRUCTION_FAILED');
      expect(error.message).toContain("'fooBar' not understood");
      await waitUntil(
        () => ports.logs.find((l) => l.level === 40 && l.message.includes(uuid)),
        3000,
        '/log line',
      );
    });

    it('forwards errors nobody caught (e.g. in a scheduled function) via /log', async () => {
      await run('SystemClock.sched(0.01, { nil.uncaughtFooBar }); 1').result;
      const line = await waitUntil(
        () => ports.logs.find((l) => l.message.includes('uncaughtFooBar')),
        3000,
        'forwarded error',
      );
      expect(line).toMatchObject({
        origin: 'supercollider',
        level: 40,
        streamPointPort: point.langPort,
      });
      await expect(run('2 * 21').result).resolves.toMatchObject({ returnValue: '42' });
    });

    it('runs .wait inside a Routine, in order: "2.wait; 3" finishes after ≥ 2 s', async () => {
      const started = Date.now();
      const { result } = run('~order = List[]; ~order.add(1); 2.wait; ~order.add(2); 3');
      await expect(result).resolves.toMatchObject({ returnValue: '3' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
      await expect(run('~order').result).resolves.toMatchObject({ returnValue: 'List[ 1, 2 ]' });
    });

    it('finishes a manual-finish buffer playback only at the end of the 1 s file', async () => {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      const { code, manualFinish } = syncPlayBufferInstruction({ path: wav, uuid, volume: 0.3 });
      const started = Date.now();
      const result = await sender.send({
        host: '127.0.0.1',
        port: point.langPort,
        uuid,
        code,
        manualFinish,
      });
      const elapsed = Date.now() - started;
      console.info(`sync playback of a 1 s WAV finished after ${elapsed} ms`);
      expect(result.returnValue).toContain('finished playing');
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2500);
    });

    it('fails a sync playback of a missing file', async () => {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      const { code } = syncPlayBufferInstruction({
        path: join(work, 'missing.wav'),
        uuid,
        volume: 1,
      });
      const to = { host: '127.0.0.1', port: point.langPort };
      const error = await failure(sender.send({ ...to, uuid, code, manualFinish: true }));
      expect(error.code).toBe('INSTRUCTION_FAILED');
      expect(error.message).toContain('cannot read sound file');
    });

    it('plays async with the given volume and stops by playback id', async () => {
      const { code } = playBufferInstruction({ path: wav, volume: 0.5 });
      const { returnValue: id } = await run(code).result;
      expect(id).toMatch(/^\d+$/);
      const node = `GencasterServer.default.playbacks[${id}][\\node]`;
      const amp = await run(
        `var c = Condition.new, v; 0.2.wait; ${node}.get(\\amp, { |x| v = x; c.unhang }); c.hang; v`,
      ).result;
      expect(Number(amp.returnValue)).toBeCloseTo(0.5, 5);
      const stop = stopPlaybackInstruction(Number(id)).code;
      await expect(run(stop).result).resolves.toMatchObject({ returnValue: 'true' });
      await expect(run(stop).result).resolves.toMatchObject({ returnValue: 'false' });
    });

    it('times out a manual-finish instruction that never finishes and marks it FAILURE', async () => {
      const { uuid, result } = run('1', { manualFinish: true, timeoutMs: 500 });
      await expect(result).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(ports.instructions.get(uuid)?.state).toBe('FAILURE');
    });

    it('keeps hostile stream variable values as plain strings: nothing executes', async () => {
      const marker = join(work, 'PWNED');
      const hostile = `"); "touch ${marker}".unixCmd; ("`;
      await run(setStreamVariableInstruction('viaCode', hostile).code).result;
      const to = { host: '127.0.0.1', port: point.langPort };
      await sender.sendVariable({ ...to, key: 'viaOsc', value: hostile });
      await sender.sendVariable({ ...to, key: 'level', value: '0.25' });
      const vars = 'GencasterServer.default.variables';
      const literal = sclangString(hostile);
      const check = await run(
        `[${vars}["viaCode"] == ${literal}, ${vars}["viaOsc"] == ${literal}, ${vars}["level"]]`,
      ).result;
      // The Ndef a numeric variable drives (\var_level, with scsynth up) is checked in
      // packages/api/src/test/variable-ndef-prefix.test.ts.
      expect(check.returnValue).toBe('[ true, true, "0.25" ]');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(existsSync(marker)).toBe(false);
    });

    it('runs a re-sent instruction id once (the second datagram is only acknowledged)', async () => {
      await run('~resent = 0').result;
      const { uuid, result } = run('~resent = ~resent + 1');
      await server.send('127.0.0.1', point.langPort, '/instruction', [
        uuid,
        '~resent = ~resent + 1',
        false,
      ]);
      await expect(result).resolves.toMatchObject({ returnValue: '1' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(run('~resent').result).resolves.toMatchObject({ returnValue: '1' });
    });

    it('executes an instruction exactly once after CmdPeriod', async () => {
      await run('CmdPeriod.run; ~count = 0').result;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = server.stats().handled['/acknowledge'] ?? 0;
      await expect(run('~count = ~count + 1').result).resolves.toMatchObject({ returnValue: '1' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.idle();
      expect((server.stats().handled['/acknowledge'] ?? 0) - before).toBe(2);
      await expect(run('~count').result).resolves.toMatchObject({ returnValue: '1' });
    });

    it(
      "cleanup hands the point over clean: the last story's loops, sounds, data and instructions end; the point goes on",
      { timeout: 40_000 },
      async () => {
        const key = `127.0.0.1:${point.langPort}`;
        // a point is handed over only once it is up (BOOTING points are never assigned)
        for (let tries = 0; tries < 600; tries += 1) {
          if ((await run('GencasterServer.default.ready').result).returnValue === 'true') break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // What story A leaves behind: loops on every clock, a sounding Ndef, a buffer, data.
        const counter = (name: string) =>
          `Library.put(\\handover, \\${name}, (Library.at(\\handover, \\${name}) ? 0) + 1)`;
        await run(
          [
            `Tdef(\\storyLoop, { loop { ${counter('tdef')}; 0.05.wait } }).play(quant: 0)`,
            `fork { loop { ${counter('fork')}; 0.05.wait } }`,
            `SystemClock.sched(0.05, { ${counter('system')}; 0.05 })`,
            `AppClock.sched(0.05, { ${counter('app')}; 0.05 })`,
            'Ndef(\\storyTone, { SinOsc.ar(440) * 0.1 }).play',
            'Pdef(\\storyPattern, Pbind(\\dur, 0.1, \\amp, 0)).play',
            '~storyBuffer = Buffer.alloc(Server.default, 4800)',
            'x = 42',
            '~storyKey = 1',
            'true',
          ].join('; '),
        ).result;
        await sender.sendVariable({
          host: '127.0.0.1',
          port: point.langPort,
          key: 'name',
          value: 'A',
        });
        const inFlight = run('30.wait; "A is still here"', { timeoutMs: 35_000 });
        inFlight.result.catch(() => undefined); // awaited below; a failed attempt must not leak it
        await new Promise((resolve) => setTimeout(resolve, 400));
        const counts =
          '[\\tdef, \\fork, \\system, \\app].collect { |k| Library.at(\\handover, k) ? 0 }';
        const before = JSON.parse((await run(counts).result).returnValue) as number[];
        expect(
          before.every((count) => count > 0),
          String(before),
        ).toBe(true);

        await expect(run('GencasterServer.default.cleanup').result).resolves.toMatchObject({
          state: 'FINISHED',
          returnValue: 'true',
        });
        // the instruction A left running is failed at once, with the reason
        const cut = await failure(inFlight.result);
        expect(cut.message).toMatch(/reset for a new stream/);

        const settled = JSON.parse((await run(counts).result).returnValue) as number[];
        await new Promise((resolve) => setTimeout(resolve, 500));
        const later = JSON.parse((await run(counts).result).returnValue) as number[];
        expect(later, 'no loop of story A runs on after the reset').toEqual(settled);
        // scsynth's own count of synths (status reply), after the server's status poll caught up
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const state = await run(
          '[Ndef.all.collect { |space| space.envir.size }.sum, Tdef.all.size, Pdef.all.size, ~storyKey, ~storyBuffer, x, GencasterServer.default.variables.size, Server.default.numSynths, Server.default.bufferAllocator.blocks.size]',
        ).result;
        expect(state.returnValue).toBe('[ 0, 0, 0, nil, nil, nil, 0, 0, 0 ]');

        // the point goes on: it beacons, runs the next stream's code and its variables
        const beacons = ports.points.get(key)!.beacons;
        await waitUntil(
          () => ports.points.get(key)!.beacons > beacons,
          7000,
          'beacon after reset',
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}\nsclang output:\n${point.output().slice(-1500)}`);
        });
        await expect(run('Ndef(\\next, { DC.ar(0) }); 1 + 1').result).resolves.toMatchObject({
          returnValue: '2',
        });
        await sender.sendVariable({
          host: '127.0.0.1',
          port: point.langPort,
          key: 'name',
          value: 'B',
        });
        await expect(
          run('GencasterServer.default.variables["name"]').result,
        ).resolves.toMatchObject({ returnValue: '"B"' });
      },
    );

    it(
      'measures the instruction round trip (200 trivial instructions)',
      { timeout: 60_000 },
      async () => {
        const times: number[] = [];
        for (let i = 0; i < 200; i += 1) {
          const { result } = run(String(i));
          const started = performance.now();
          await result;
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const p50 = times[Math.floor(times.length * 0.5)]!;
        const p99 = times[Math.floor(times.length * 0.99)]!;
        console.info(
          `instruction round trip over 200: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
        );
        expect(p50).toBeLessThan(50);
      },
    );

    it('stops beaconing once stopped (turns offline)', { timeout: 20_000 }, async () => {
      await point.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const beacons = ports.points.get(`127.0.0.1:${point.langPort}`)!.beacons;
      await new Promise((resolve) => setTimeout(resolve, 5500));
      expect(ports.points.get(`127.0.0.1:${point.langPort}`)!.beacons).toBe(beacons);
    });
  },
);
