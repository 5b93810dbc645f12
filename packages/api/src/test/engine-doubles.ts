// Test doubles of the API's listener tests: a UDP socket standing in for sclang (it records the
// OSC messages it receives) and an engine factory whose engines only wait to be stopped.
import { createSocket } from 'node:dgram';
import {
  createInProcessAckBus,
  createInstructionSender,
  decodeOscPacket,
  encodeOscMessage,
} from '@gencaster/osc';
import type { EngineFactory, ListenerEngine } from '@gencaster/live';
import type { ApiServices } from '../server/services.ts';

/** An OSC message as the fake sclang received it (argument values only). */
export interface ReceivedOsc {
  address: string;
  args: unknown[];
}

/**
 * Binds a real UDP socket on 127.0.0.1 (free port) that records every OSC message, plus the
 * `sendStreamVariable` service that sends through the real instruction sender over UDP.
 */
export async function startFakeSclang() {
  const received: ReceivedOsc[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (data) => {
    for (const message of decodeOscPacket(data)) {
      const args = message.args.map((arg) => (arg as { value: unknown }).value);
      received.push({ address: message.address, args });
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
  const instructionSender = createInstructionSender({
    server: {
      send: (host, port, address, values) =>
        new Promise<void>((resolve, reject) =>
          sender.send(encodeOscMessage(address, values), port, host, (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
    },
    ledger: { markSent: () => Promise.resolve(), applyAck: () => Promise.resolve('ok' as const) },
    ackBus: createInProcessAckBus(),
  });
  const sendStreamVariable: NonNullable<ApiServices['sendStreamVariable']> = ({
    point,
    key,
    value,
  }) => instructionSender.sendVariable({ host: point.host, port: point.port, key, value });
  return {
    port: socket.address().port,
    received,
    sendStreamVariable,
    close() {
      socket.close();
      sender.close();
    },
  };
}

/** An engine factory that records the stream of every engine it builds; engines wait for stop. */
export function idleEngineFactory(built: string[]): EngineFactory {
  return ({ stream }): ListenerEngine => {
    built.push(stream.uuid);
    let stop = () => {};
    return {
      run: () => new Promise<void>((resolve) => (stop = resolve)),
      stop: () => {
        stop();
        return Promise.resolve();
      },
      releaseBlocking: () => false,
    };
  };
}

/** An engine factory whose walks reach their dead end at once (a graph that simply ends). */
export const endingEngineFactory: EngineFactory = () => ({
  run: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  releaseBlocking: () => false,
});
