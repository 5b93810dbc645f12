import {
  appendStreamLog,
  findInstruction,
  transitionInstruction,
  upsertStreamPointFromBeacon,
  type DbHandle,
} from '@gencaster/db';
import { isGencasterError } from '@gencaster/domain';
import type { InstructionLedger, LogSink, StreamPointRegistry } from '@gencaster/osc';

/** Beacons upsert the stream point keyed by (sender host, lang port); last_live = receive time. */
export function createDatabaseStreamPointRegistry(handle: DbHandle): StreamPointRegistry {
  return {
    async upsertFromBeacon(beacon) {
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
    },
  };
}

/** Instruction states live in the StreamInstruction table; illegal or late acks are 'stale'. */
export function createDatabaseInstructionLedger(handle: DbHandle): InstructionLedger {
  return {
    async markSent(uuid) {
      await transitionInstruction(handle, { uuid, state: 'SENT' });
    },
    async applyAck(uuid, state, returnValue) {
      try {
        await transitionInstruction(handle, { uuid, state, returnValue });
        return 'ok';
      } catch (error) {
        if (isGencasterError(error, 'NOT_FOUND') || isGencasterError(error, 'INVALID_INPUT'))
          return 'unknown';
        if (isGencasterError(error, 'CONFLICT')) return 'stale';
        throw error;
      }
    },
    async readAck(uuid) {
      const row = await findInstruction(handle, uuid);
      return row && { uuid: row.uuid, state: row.state, returnValue: row.returnValue };
    },
  };
}

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
