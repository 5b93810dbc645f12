import { createSocket, type Socket } from 'node:dgram';
import { createRequire } from 'node:module';

interface OscArg {
  type: string;
  value: unknown;
}
interface OscMessage {
  address: string;
  args: OscArg[];
}
interface OscModule {
  readPacket(
    data: Uint8Array,
    options: { metadata: boolean },
  ): OscMessage | { packets: OscMessage[] };
  writePacket(packet: OscMessage, options: { metadata: boolean }): Uint8Array;
}

// The osc package ships no types; only the two functions used here are typed.
const osc = createRequire(import.meta.url)('osc') as OscModule;

/** A decoded message as the backend would see it: address, sender, flat key/value pairs. */
export interface ReceivedOsc {
  address: string;
  from: { address: string; port: number };
  at: number;
  args: unknown[];
  /** Pairs of a flat `[k1, v1, k2, v2…]` payload (beacons, acknowledgements). */
  fields: Record<string, unknown>;
}

/**
 * A stand-in for the backend's OSC server in tests: a real UDP socket on 127.0.0.1 that decodes
 * everything with the osc npm package and can send `/instruction` to a stream point.
 */
export interface OscTestBackend {
  readonly port: number;
  readonly received: ReceivedOsc[];
  sendInstruction(
    langPort: number,
    uuid: string,
    code: string,
    manualFinish?: boolean,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Binds the test backend on a free 127.0.0.1 UDP port. */
export async function startOscTestBackend(): Promise<OscTestBackend> {
  const socket: Socket = createSocket('udp4');
  const received: ReceivedOsc[] = [];
  socket.on('message', (data, rinfo) => {
    const packet = osc.readPacket(data, { metadata: false });
    const messages = 'packets' in packet ? packet.packets : [packet];
    for (const message of messages) {
      const args = message.args as unknown[];
      const fields: Record<string, unknown> = {};
      for (let i = 0; i + 1 < args.length; i += 2) fields[String(args[i])] = args[i + 1];
      received.push({
        address: message.address,
        from: { address: rinfo.address, port: rinfo.port },
        at: Date.now(),
        args,
        fields,
      });
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    sendInstruction(langPort, uuid, code, manualFinish = false) {
      const data = osc.writePacket(
        {
          address: '/instruction',
          args: [
            { type: 's', value: uuid },
            { type: 's', value: code },
            { type: manualFinish ? 'T' : 'F', value: manualFinish },
          ],
        },
        { metadata: true },
      );
      return new Promise((resolve, reject) =>
        socket.send(data, langPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
      );
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
