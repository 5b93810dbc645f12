import { GencasterError } from './gencaster-error.ts';
import { instructionStates, type InstructionState } from './enums.ts';

/**
 * Legal state changes of a stream instruction. The backend moves UNACKNOWLEDGED → SENT before (or
 * while) it sends the OSC message; sclang then acknowledges RECEIVED and FINISHED. Acks travel over
 * UDP and may arrive out of order, so SENT may jump straight to any acknowledgement. FINISHED,
 * SUCCESS and FAILURE are final.
 */
export const instructionTransitions: Readonly<
  Record<InstructionState, readonly InstructionState[]>
> = {
  UNACKNOWLEDGED: ['SENT', 'FAILURE'],
  SENT: ['RECEIVED', 'READY', 'SUCCESS', 'FINISHED', 'FAILURE'],
  RECEIVED: ['READY', 'SUCCESS', 'FINISHED', 'FAILURE'],
  READY: ['SUCCESS', 'FINISHED', 'FAILURE'],
  SUCCESS: [],
  FINISHED: [],
  FAILURE: [],
};

/** True when `state` is one of the final states (FINISHED, SUCCESS, FAILURE). */
export function isFinalInstructionState(state: InstructionState): boolean {
  return instructionTransitions[state].length === 0;
}

/** The states from which `to` may be reached; used for atomic `UPDATE … WHERE state IN (…)`. */
export function instructionPredecessors(to: InstructionState): InstructionState[] {
  return instructionStates.filter((from) => instructionTransitions[from].includes(to));
}

/** True when `value` is an instruction state name. */
export function isInstructionState(value: unknown): value is InstructionState {
  return typeof value === 'string' && (instructionStates as readonly string[]).includes(value);
}

/**
 * Throws unless an instruction may move from `from` to `to`: INVALID_INPUT for an unknown state
 * name, CONFLICT for a known but illegal change (including staying in the same state).
 */
export function assertInstructionTransition(from: string, to: string): void {
  if (!isInstructionState(from) || !isInstructionState(to)) {
    throw new GencasterError('INVALID_INPUT', `unknown instruction state: ${from} → ${to}`, {
      details: { from, to },
    });
  }
  if (!instructionTransitions[from].includes(to)) {
    throw new GencasterError('CONFLICT', `illegal instruction transition ${from} → ${to}`, {
      details: { from, to },
    });
  }
}
