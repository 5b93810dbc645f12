import {
  assertInstructionTransition,
  createInstructionSchema,
  GencasterError,
  instructionPredecessors,
  parseInput,
  transitionInstructionSchema,
  uuidSchema,
  type CreateInstructionInput,
  type StreamInstruction,
  type TransitionInstructionInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/** Stores a new instruction in state UNACKNOWLEDGED; NOT_FOUND for an unknown stream point. */
export async function createInstruction(
  handle: DbHandle,
  instruction: CreateInstructionInput,
): Promise<StreamInstruction> {
  const input = parseInput(createInstructionSchema, instruction);
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('streamInstruction')
      .values(input)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** The instruction with this uuid, or NOT_FOUND. */
export async function getInstruction(handle: DbHandle, uuid: string): Promise<StreamInstruction> {
  const instruction = await findInstruction(handle, uuid);
  if (!instruction) throw new GencasterError('NOT_FOUND', `instruction ${uuid} does not exist`);
  return instruction;
}

/** The instruction with this uuid, or undefined. */
export async function findInstruction(
  handle: DbHandle,
  uuid: string,
): Promise<StreamInstruction | undefined> {
  const id = parseInput(uuidSchema, uuid);
  return withDatabaseErrors(() =>
    handle.db.selectFrom('streamInstruction').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
}

/**
 * Moves an instruction to `state` if that transition is legal from its current state, atomically
 * (`UPDATE … WHERE state IN (legal predecessors)`), storing `returnValue` when given. Throws
 * NOT_FOUND for an unknown uuid, CONFLICT for an illegal transition (e.g. a late RECEIVED after
 * FINISHED), INVALID_INPUT for an unknown state.
 */
export async function transitionInstruction(
  handle: DbHandle,
  change: TransitionInstructionInput,
): Promise<StreamInstruction> {
  const input = parseInput(transitionInstructionSchema, change);
  const from = instructionPredecessors(input.state);
  const updated =
    from.length === 0
      ? undefined
      : await withDatabaseErrors(() =>
          handle.db
            .updateTable('streamInstruction')
            .set({
              state: input.state,
              ...(input.returnValue !== undefined ? { returnValue: input.returnValue } : {}),
            })
            .where('uuid', '=', input.uuid)
            .where('state', 'in', from)
            .returningAll()
            .executeTakeFirst(),
        );
  if (updated) return updated;
  const current = await getInstruction(handle, input.uuid);
  assertInstructionTransition(current.state, input.state);
  // Legal now but not at update time: the state moved concurrently; report it as a conflict.
  throw new GencasterError('CONFLICT', `instruction ${input.uuid} changed concurrently`, {
    details: { from: current.state, to: input.state },
  });
}

/** Options of {@link listInstructions}. */
export interface ListInstructionsOptions {
  streamPointUuid?: string;
  limit?: number;
}

/** Instructions, most recently modified first. */
export async function listInstructions(
  handle: DbHandle,
  options: ListInstructionsOptions = {},
): Promise<StreamInstruction[]> {
  return withDatabaseErrors(() => {
    let query = handle.db.selectFrom('streamInstruction').selectAll();
    if (options.streamPointUuid) {
      query = query.where('streamPointUuid', '=', parseInput(uuidSchema, options.streamPointUuid));
    }
    return query
      .orderBy('modifiedDate', 'desc')
      .orderBy('uuid')
      .limit(options.limit ?? 100)
      .execute();
  });
}

/**
 * The settled outcomes (FINISHED, SUCCESS, FAILURE) among these instructions, in one query per
 * `chunkSize` uuids; instructions still open are left out.
 */
export async function listSettledInstructions(
  handle: DbHandle,
  uuids: string[],
  chunkSize: number,
): Promise<Pick<StreamInstruction, 'uuid' | 'state' | 'returnValue'>[]> {
  const settled: Pick<StreamInstruction, 'uuid' | 'state' | 'returnValue'>[] = [];
  for (let i = 0; i < uuids.length; i += chunkSize) {
    const rows = await handle.db
      .selectFrom('streamInstruction')
      .select(['uuid', 'state', 'returnValue'])
      .where('uuid', 'in', uuids.slice(i, i + chunkSize))
      .where('state', 'in', ['FINISHED', 'SUCCESS', 'FAILURE'])
      .execute();
    settled.push(...rows);
  }
  return settled;
}
