import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessAckBus } from './ack-bus.ts';
import { createInstructionSender, type InstructionSender } from './instruction-sender.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import { sclangString } from './sclang-literals.ts';
import { createMemoryPorts, waitUntil } from './testing/memory-ports.ts';
import {
  startTestStreamPoint,
  streamPointUnavailableReason,
  type TestStreamPoint,
} from './testing/stream-point-process.ts';

const unavailable = streamPointUnavailableReason();
if (unavailable) console.warn(`skipping signed stream point tests: ${unavailable}`);

const SECRET = 'sh4red "secret" ä';

describe.skipIf(unavailable !== undefined)(
  'a real stream point with a shared secret (HMAC signed in sclang)',
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
      const acksBefore = server.stats().handled['/acknowledge'] ?? 0;
      await run(
        `GencasterServer.default.instVarPut(\\signer, GencasterHmac("wrong")); 1`,
        1000,
      ).catch(() => undefined);
      // the RECEIVED ack was still signed correctly; FINISHED (signed with "wrong") must be dropped
      await waitUntil(() => server.stats().dropped.UNAUTHENTICATED, 3000, 'rejected ack');
      await server.idle();
      expect((server.stats().handled['/acknowledge'] ?? 0) - acksBefore).toBe(1);
      // restore the right secret through the still-working instruction path (acks are dropped meanwhile)
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      await server.send('127.0.0.1', point.langPort, '/instruction', [
        uuid,
        `GencasterServer.default.instVarPut(\\signer, GencasterHmac(${sclangString(SECRET)})); 1`,
        false,
      ]);
      await expect(run('2')).resolves.toMatchObject({ returnValue: '2' });
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
