import { recordStreamPointBoot, upsertStreamPointFromBeacon, type DbHandle } from '@gencaster/db';
import type { StreamPointRegistry } from '@gencaster/osc';

/**
 * Beacons upsert the stream point keyed by (sender host, lang port); last_live = receive time. A
 * BOOTING beacon (sclang restarted, scsynth not up) only takes the point out of assignment; a
 * changed boot id fails the point's open instructions, which the OSC server then announces.
 */
export function createDatabaseStreamPointRegistry(handle: DbHandle): StreamPointRegistry {
  return {
    async upsertFromBeacon(beacon) {
      const boot = { host: beacon.host, port: beacon.langPort, bootId: beacon.bootId };
      if (!beacon.ready)
        return { abandoned: await recordStreamPointBoot(handle, { ...boot, ready: false }) };
      await upsertStreamPointFromBeacon(handle, {
        host: beacon.host,
        port: beacon.langPort,
        useInput: beacon.useInput,
        lastLive: beacon.receivedAt,
        janusInPort: beacon.janusInPort,
        janusOutPort: beacon.janusOutPort,
        janusInRoom: beacon.janusInRoom,
        janusOutRoom: beacon.janusOutRoom,
        janusPublicIp: beacon.janusPublicIp,
        janusHttpUrl: beacon.janusHttpUrl,
        scName: beacon.name,
      });
      return { abandoned: await recordStreamPointBoot(handle, { ...boot, ready: true }) };
    },
  };
}
