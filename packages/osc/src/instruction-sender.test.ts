// Re-sending instructions whose receipt sclang did not confirm (it may have been restarting): a
// real OSC server and a real UDP socket standing in for a stream point that drops datagrams.
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessAckBus } from './ack-bus.ts';
import { createInstructionSender, type InstructionSender } from './instruction-sender.ts';
import { decodeOscPacket, encodeOscMessage } from './osc-codec.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import { createMemoryPorts } from './testing/memory-ports.ts';

/** A stream point that ignores the first `drop` datagrams, then acknowledges RECEIVED + FINISHED. */
async function flakyPoint(drop: number, ackPort: () => number) {
  const socket: Socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (data) => {
    for (const message of decodeOscPacket(data)) {
      if (message.address !== '/instruction') continue;
      const uuid = String((message.args[0] as { value: unknown }).value);
      datagrams.push(uuid);
      if (datagrams.length <= drop) continue;
      for (const status of ['RECEIVED', 'FINISHED'])
        socket.send(
          encodeOscMessage('/acknowledge', ['uuid', uuid, 'status', status, 'return_value', '42']),
          ackPort(),
          '127.0.0.1',
        );
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, datagrams, close: () => socket.close() };
}

describe('instruction re-sends', () => {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setUp(drop: number) {
    const ports = createMemoryPorts();
    const ackBus = createInProcessAckBus();
    const server: OscServer = await createOscServer({ port: 0, ...ports, ackBus });
    closers.push(() => server.close());
    const point = await flakyPoint(drop, () => server.port);
    closers.push(point.close);
    const sender: InstructionSender = createInstructionSender({
      server,
      ledger: ports.ledger,
      ackBus,
      receiptTimeoutMs: 300,
      maxResends: 2,
      defaultTimeoutMs: 20_000,
    });
    closers.push(() => sender.close());
    const uuid = randomUUID();
    ports.ledger.create(uuid);
    const result = sender.send({ host: '127.0.0.1', port: point.port, uuid, code: '6 * 7' });
    return { ports, point, uuid, result };
  }

  it('sends again when no RECEIVED came, and finishes on the second datagram', async () => {
    const { point, uuid, result, ports } = await setUp(1);
    await expect(result).resolves.toEqual({ state: 'FINISHED', returnValue: '42' });
    expect(point.datagrams).toEqual([uuid, uuid]);
    expect(ports.instructions.get(uuid)?.history.at(-1)).toBe('FINISHED');
  });

  it('does not send again once RECEIVED arrived', async () => {
    const { point, uuid, result } = await setUp(0);
    await expect(result).resolves.toMatchObject({ state: 'FINISHED' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(point.datagrams).toEqual([uuid]);
  });

  it('fails as not received after the last re-send and marks the instruction FAILURE', async () => {
    const { point, uuid, result, ports } = await setUp(99);
    const started = Date.now();
    await expect(result).rejects.toMatchObject({
      code: 'INSTRUCTION_FAILED',
      details: { uuid, sends: 3 },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(point.datagrams).toEqual([uuid, uuid, uuid]);
    expect(ports.instructions.get(uuid)?.history.at(-1)).toBe('FAILURE');
  });
});

describe('closing the sender', () => {
  it('rejects an instruction whose SENT mark still awaits the database, without an unhandled rejection', async () => {
    const ports = createMemoryPorts();
    const ackBus = createInProcessAckBus();
    const server = await createOscServer({ port: 0, ...ports, ackBus });
    let releaseMark: () => void = () => undefined;
    const slowLedger = {
      ...ports.ledger,
      markSent: (uuid: string) =>
        new Promise<void>((resolve) => {
          releaseMark = () => resolve(ports.ledger.markSent(uuid));
        }),
    };
    const sender = createInstructionSender({ server, ledger: slowLedger, ackBus });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      const result = sender.send({ host: '127.0.0.1', port: 9, uuid, code: '1' });
      sender.close(); // the backend stops while the database is slow
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseMark();
      await expect(result).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    }
  });
});
