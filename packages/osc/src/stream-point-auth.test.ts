import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessAckBus } from './ack-bus.ts';
import { createInstructionSender, type InstructionSender } from './instruction-sender.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import { sclangString } from './sclang-literals.ts';
import { createMemoryPorts, waitUntil } from './testing/memory-ports.ts';
import { encodeOscMessage } from './osc-codec.ts';
import { signatureTrailer } from './message-auth.ts';
import type { OutgoingOscValue } from './osc-values.ts';
import {
  startTestStreamPoint,
  streamPointUnavailableReason,
  type TestStreamPoint,
} from './testing/stream-point-process.ts';

const unavailable = streamPointUnavailableReason();
if (unavailable) console.warn(`skipping signed stream point tests: ${unavailable}`);

const SECRET = 'sh4red "secret" ä';

// retry: a real sclang process answers over UDP on a loaded 2-core CI machine, where it can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(unavailable !== undefined)(
  'a real stream point with a shared secret (HMAC signed in sclang)',
  { retry: 1 },
  () => {
    const ports = createMemoryPorts();
    const ackBus = createInProcessAckBus();
    let server: OscServer;
    let sender: InstructionSender;
    let point: TestStreamPoint;

    beforeAll(async () => {
      server = await createOscServer({
        port: 0,
        ...ports,
        ackBus,
        secret: SECRET,
        remoteActionPassword: 'helloSC',
      });
      sender = createInstructionSender({
        server,
        ledger: ports.ledger,
        ackBus,
        defaultTimeoutMs: 10_000,
        secret: SECRET,
      });
      point = await startTestStreamPoint({
        backendPort: server.port,
        env: { GENCASTER_OSC_SECRET: SECRET, JANUS_OUT_ROOM: '4', SUPERCOLLIDER_USE_INPUT: 'true' },
      });
      await waitUntil(
        () => ports.points.get(`127.0.0.1:${point.langPort}`),
        80_000,
        'first signed beacon',
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nsclang output:\n${point.output()}`);
      });
    }, 150_000);

    afterAll(async () => {
      sender?.close();
      await point?.stop();
      await server?.close();
    });

    async function run(code: string, timeoutMs?: number) {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      return sender.send({ host: '127.0.0.1', port: point.langPort, uuid, code, timeoutMs });
    }

    it('registers signed beacons and accepts signed acks (sclang HMAC = Node HMAC)', async () => {
      expect(ports.points.get(`127.0.0.1:${point.langPort}`)).toMatchObject({
        janusOutRoom: 4,
        useInput: true,
      });
      await expect(run('"ä \\"quoted\\" \\\\ value"')).resolves.toMatchObject({
        returnValue: '"ä \\"quoted\\" \\\\ value"',
      });
      expect(server.stats().dropped.UNAUTHENTICATED ?? 0).toBe(0);
    });

    it('runs a 28 kB instruction and keeps 20 kB values intact (blobs, joined literals)', async () => {
      const value = 'ab"\\c'.repeat(4000);
      const literal = sclangString(value);
      await expect(run(`${literal}.size`)).resolves.toMatchObject({ returnValue: '20000' });
      await expect(run(`${literal} == ${literal}.copy`)).resolves.toMatchObject({
        returnValue: 'true',
      });
      const to = { host: '127.0.0.1', port: point.langPort };
      await sender.sendVariable({ ...to, key: 'big', value: `ä${value}` });
      const big = sclangString(`ä${value}`);
      await expect(
        run(`GencasterServer.default.variables["big"] == ${big}`),
      ).resolves.toMatchObject({
        returnValue: 'true',
      });
    });

    it('rejects messages signed with a wrong secret', async () => {
      const logsBefore = ports.logs.length;
      const droppedBefore = server.stats().dropped.UNAUTHENTICATED ?? 0;
      // one log line signed with a wrong secret, then the right signer again, in one instruction
      await expect(
        run(
          `var g = GencasterServer.default, right = g.signer; g.instVarPut(\\signer, GencasterHmac("wrong")); g.log(20, "signed wrong"); g.instVarPut(\\signer, right); g.log(20, "signed right"); 1`,
        ),
      ).resolves.toMatchObject({ returnValue: '1' });
      await waitUntil(
        () => ports.logs.slice(logsBefore).some((l) => l.message === 'signed right'),
        3000,
        'the rightly signed line',
      );
      await server.idle();
      expect(ports.logs.slice(logsBefore).map((l) => l.message)).not.toContain('signed wrong');
      expect((server.stats().dropped.UNAUTHENTICATED ?? 0) - droppedBefore).toBe(1);
    });

    /** A datagram to the point's sclang from a separate loopback socket (a local attacker). */
    async function sendToSclang(address: string, values: OutgoingOscValue[]): Promise<void> {
      const { createSocket } = await import('node:dgram');
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) =>
        socket.send(encodeOscMessage(address, values), point.langPort, '127.0.0.1', (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      socket.close();
    }
    const refusals = async () =>
      Number((await run('GencasterServer.default.refusals')).returnValue);
    const variable = async (key: string) =>
      (await run(`GencasterServer.default.variables[${sclangString(key)}] ? "nil"`)).returnValue;

    it('sclang refuses unsigned /instruction, /variable and /gencaster/quit from loopback', async () => {
      const before = await refusals();
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      await sendToSclang('/instruction', [
        uuid,
        'GencasterServer.default.variables.put("pwned", "code ran"); 1',
        false,
      ]);
      await sendToSclang('/variable', ['pwned2', 'set']);
      await sendToSclang('/gencaster/quit', []);
      // signed with a wrong secret
      const fields = ['pwned3', 'set'];
      await sendToSclang('/variable', [
        ...fields,
        ...signatureTrailer('/variable', fields, 'nope'),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await variable('pwned')).toBe('"nil"');
      expect(await variable('pwned2')).toBe('"nil"');
      expect(await variable('pwned3')).toBe('"nil"');
      expect(ports.instructions.get(uuid)?.state).toBe('UNACKNOWLEDGED'); // never even RECEIVED
      expect((await refusals()) - before).toBe(4);
      // sclang is still up after the unsigned quit, and the backend's signed messages still work
      await sender.sendVariable({ host: '127.0.0.1', port: point.langPort, key: 'ok', value: 'v' });
      expect(await variable('ok')).toBe('"v"');
    });

    it('sclang refuses a replayed and a stale signed message', async () => {
      const before = await refusals();
      const fields = ['replayed', 'first'];
      const captured = [...fields, ...signatureTrailer('/variable', fields, SECRET)];
      await sendToSclang('/variable', captured);
      expect(await variable('replayed')).toBe('"first"');
      await sender.sendVariable({
        host: '127.0.0.1',
        port: point.langPort,
        key: 'replayed',
        value: 'second',
      });
      await sendToSclang('/variable', captured); // played again
      const stale = ['replayed', 'stale'];
      await sendToSclang('/variable', [
        ...stale,
        ...signatureTrailer('/variable', stale, SECRET, Date.now() - 120_000),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await variable('replayed')).toBe('"second"');
      expect((await refusals()) - before).toBe(2);
    });

    it('beacons a boot id and says it is ready', () => {
      const beacon = ports.points.get(`127.0.0.1:${point.langPort}`);
      expect(beacon?.bootId).toMatch(/^\d+-\d+-\d+-\d+$/);
      expect(beacon?.ready).toBe(true);
    });

    it('lets a performer send a signed remote action from sclang (GencasterLiveClient), by room and name', async () => {
      await run(
        `var c = GencasterLiveClient("127.0.0.1", ${server.port}, secret: ${sclangString(SECRET)}); c.send("Ndef(\\\\x).clear", 4); c.speak("Hallo", "pointA"); c.send("1")`,
      );
      const actions = await waitUntil(
        () => (ports.actions.length >= 3 ? ports.actions : undefined),
        3000,
        'remote actions',
      );
      expect(actions.map((a) => [a.action, a.cmd, a.target, a.signed])).toEqual([
        ['code', 'Ndef(\\x).clear', { kind: 'room', room: 4 }, true],
        ['speak', 'Hallo', { kind: 'name', name: 'pointA' }, true],
        ['code', '1', { kind: 'all' }, true],
      ]);
    });

    it('rejects a live client with a wrong secret or a wrong password', async () => {
      const before = ports.actions.length;
      const dropped = server.stats().dropped;
      await run(
        `GencasterLiveClient("127.0.0.1", ${server.port}, secret: "nope").send("1"); GencasterLiveClient("127.0.0.1", ${server.port}, password: "wrong").send("1"); GencasterLiveClient("127.0.0.1", ${server.port}, password: "helloSC").send("ok")`,
      );
      await waitUntil(() => ports.actions.length > before, 3000, 'password action');
      await server.idle();
      const after = server.stats().dropped;
      expect((after.UNAUTHENTICATED ?? 0) - (dropped.UNAUTHENTICATED ?? 0)).toBe(1);
      expect((after.FORBIDDEN ?? 0) - (dropped.FORBIDDEN ?? 0)).toBe(1);
      expect(ports.actions.slice(before).map((a) => [a.cmd, a.signed])).toEqual([['ok', false]]);
    });
  },
);
