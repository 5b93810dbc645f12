import {
  appendStreamLog,
  recordStreamPointBoot,
  upsertStreamPointFromBeacon,
  type DbHandle,
} from '@gencaster/db';
import type { LogSink, StreamPointRegistry } from '@gencaster/osc';

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

/** The database ledger lives in @gencaster/api (batched `readAcks` for the fallback poll). */
export { createDatabaseInstructionLedger } from '@gencaster/api';

/** `/log` lines from sclang become StreamLog rows of the sending stream point, announced live. */
export function createDatabaseLogSink(
  handle: DbHandle,
  onWritten: (log: {
    uuid: string;
    streamUuid: string | null;
    streamPointUuid: string | null;
  }) => Promise<void>,
): LogSink {
  return {
    async append(entry) {
      const point = await handle.db
        .selectFrom('streamPoint')
        .select('uuid')
        .where('host', '=', entry.streamPointHost)
        .where('port', '=', entry.streamPointPort)
        .executeTakeFirst();
      const row = await appendStreamLog(handle, {
        origin: entry.origin,
        level: entry.level,
        message: entry.message,
        name: entry.name,
        streamPointUuid: point?.uuid ?? null,
        streamUuid: null,
      });
      await onWritten({
        uuid: row.uuid,
        streamUuid: row.streamUuid,
        streamPointUuid: row.streamPointUuid,
      });
    },
  };
}
