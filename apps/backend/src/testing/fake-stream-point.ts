// Test support: a UDP socket standing in for a stream point's sclang — it acknowledges every
// /instruction RECEIVED and FINISHED at once (signed with the backend's OSC secret) and, unless a
// test stores the point's row itself, beacons every second. Enough for a backend to assign streams
// and run walks without a sound fleet.
import { createSocket } from 'node:dgram';
import { decodeOscPacket, encodeOscMessage, signRecord, type OscValue } from '@gencaster/osc';

/** A running {@link startFakeStreamPoint}. */
export interface FakeStreamPoint {
  /** Its UDP port (the point's `lang_port`). */
  port: number;
  /** Instruction uuids it acknowledged. */
  acknowledged: string[];
  close(): void;
}

/**
 * Starts a fake point answering the backend's OSC server at 127.0.0.1:`backendPort` (a function
 * when the port is known only once the backend runs).
 */
export async function startFakeStreamPoint(options: {
  secret: string;
  backendPort: number | (() => number);
  /** The beacon's name; without it the point sends no beacons. */
  name?: string;
}): Promise<FakeStreamPoint> {
  const { secret, name } = options;
  const backendPort = () =>
    typeof options.backendPort === 'number' ? options.backendPort : options.backendPort();
  const socket = createSocket('udp4');
  const acknowledged: string[] = [];
  const send = (address: string, record: Record<string, OscValue>) =>
    socket.send(
      encodeOscMessage(address, Object.entries(signRecord(address, record, secret)).flat()),
      backendPort(),
      '127.0.0.1',
    );
  socket.on('message', (data) => {
    let messages;
    try {
      messages = decodeOscPacket(data);
    } catch {
      return;
    }
    for (const message of messages) {
      if (message.address !== '/instruction') continue;
      const uuid = String((message.args[0] as { value: unknown }).value);
      acknowledged.push(uuid);
      for (const status of ['RECEIVED', 'FINISHED'])
        send('/acknowledge', { uuid, status, return_value: '' });
    }
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()));
  const port = socket.address().port;
  const beacon = () => {
    if (name !== undefined) send('/beacon', { name, lang_port: port });
  };
  beacon();
  const timer = setInterval(beacon, 1_000);
  return {
    port,
    acknowledged,
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}
