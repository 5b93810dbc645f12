import type { InstructionState } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';

/** What a beacon says about the sclang start that sent it. */
export interface StreamPointBootInput {
  host: string;
  port: number;
  /** The beacon's boot id; null (original clients) changes nothing. */
  bootId: string | null;
  /** False for a BOOTING beacon: the point is taken out of assignment (last_live = NULL). */
  ready: boolean;
}

/** An instruction this boot change failed. */
export interface AbandonedInstruction {
  uuid: string;
  state: InstructionState;
  returnValue: string;
}

/** The text stored as return value of instructions failed by a restart. */
export const STREAM_POINT_RESTARTED_MESSAGE =
  'the stream point restarted (new sclang boot id) while this instruction was open: it can never finish';

/**
 * Applies the boot part of a beacon to an existing stream point, in one transaction: a changed
 * boot id is stored and the point's open instructions (SENT, RECEIVED) become FAILURE with
 * {@link STREAM_POINT_RESTARTED_MESSAGE}; a not-ready beacon clears `last_live`, so the point is not
 * assigned until its sclang is up again. An unknown point changes nothing (its first ready beacon
 * creates it). Returns the failed instructions, so the caller can wake whoever waits for them.
 */
export async function recordStreamPointBoot(
  handle: DbHandle,
  input: StreamPointBootInput,
): Promise<AbandonedInstruction[]> {
  return withTransaction(handle, async (tx) => {
    const point = await tx.db
      .selectFrom('streamPoint')
      .select(['uuid', 'bootId'])
      .where('host', '=', input.host)
      .where('port', '=', input.port)
      .forUpdate()
      .executeTakeFirst();
    if (!point) return [];
    const changed = input.bootId !== null && point.bootId !== input.bootId;
    if (changed || !input.ready) {
      await tx.db
        .updateTable('streamPoint')
        .set({
          ...(changed ? { bootId: input.bootId } : {}),
          ...(input.ready ? {} : { lastLive: null }),
        })
        .where('uuid', '=', point.uuid)
        .execute();
    }
    // the first boot id of a point (null before) fails nothing: it may be an original client's row
    if (!changed || point.bootId === null) return [];
    return tx.db
      .updateTable('streamInstruction')
      .set({ state: 'FAILURE', returnValue: STREAM_POINT_RESTARTED_MESSAGE })
      .where('streamPointUuid', '=', point.uuid)
      .where('state', 'in', ['SENT', 'RECEIVED'])
      .returning(['uuid', 'state', 'returnValue'])
      .execute();
  });
}
