import { appendStreamLog, findStreamPointUuidAt, type DbHandle } from '@gencaster/db';
import type { LogSink } from '@gencaster/osc';
import type { StreamLogEvent } from '../live-events.ts';

/** `/log` lines from sclang become StreamLog rows of the sending stream point, announced live. */
export function createDatabaseLogSink(
  handle: DbHandle,
  onWritten: (log: StreamLogEvent) => Promise<void>,
): LogSink {
  return {
    async append(entry) {
      const pointUuid = await findStreamPointUuidAt(handle, {
        host: entry.streamPointHost,
        port: entry.streamPointPort,
      });
      const row = await appendStreamLog(handle, {
        origin: entry.origin,
        level: entry.level,
        message: entry.message,
        name: entry.name,
        streamPointUuid: pointUuid ?? null,
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
