import {
  findInstruction,
  listSettledInstructions,
  transitionInstruction,
  type DbHandle,
} from '@gencaster/db';
import { isGencasterError } from '@gencaster/domain';
import type { InstructionLedger } from '@gencaster/osc';

/** Most instruction uuids read in one `readAcks` query. */
const READ_ACKS_CHUNK = 500;

/**
 * Instruction states live in the StreamInstruction table; illegal or late acks are 'stale'.
 * `readAcks` reads the outcome of many waiting instructions in one query, so the instruction
 * sender's fallback poll costs one query per interval, however many engines wait.
 */
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
    readAcks: (uuids) => listSettledInstructions(handle, uuids, READ_ACKS_CHUNK),
  };
}
