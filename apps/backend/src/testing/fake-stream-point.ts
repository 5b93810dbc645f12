// Test support: a UDP socket standing in for a stream point's sclang — it beacons (signed with the
// backend's OSC secret) every second and acknowledges every /instruction RECEIVED and FINISHED at
// once. Enough for a backend to assign streams and run walks without a sound fleet.
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

/** Starts a fake point beaconing to the backend's OSC server at 127.0.0.1:`backendPort`. */
export async function startFakeStreamPoint(options: {
  secret: string;
  backendPort: number;
  name: string;
}): Promise<FakeStreamPoint> {
  const { secret, backendPort } = options;
  const socket = createSocket('udp4');
  const acknowledged: string[] = [];
  const send = (address: string, record: Record<string, OscValue>) =>
    socket.send(
      encodeOscMessage(address, Object.entries(signRecord(address, record, secret)).flat()),
      backendPort,
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
  const beacon = () => send('/beacon', { name: options.name, lang_port: port });
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
