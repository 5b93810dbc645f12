import { describe, expect, it } from 'vitest';
import { instructionStates } from './enums.ts';
import { isGencasterError } from './gencaster-error.ts';
import {
  assertInstructionTransition,
  instructionPredecessors,
  isFinalInstructionState,
} from './instruction-transitions.ts';

describe('instruction transitions', () => {
  it('allows the normal lifecycle UNACKNOWLEDGED → SENT → RECEIVED → FINISHED', () => {
    expect(() => assertInstructionTransition('UNACKNOWLEDGED', 'SENT')).not.toThrow();
    expect(() => assertInstructionTransition('SENT', 'RECEIVED')).not.toThrow();
    expect(() => assertInstructionTransition('RECEIVED', 'FINISHED')).not.toThrow();
    expect(() => assertInstructionTransition('RECEIVED', 'FAILURE')).not.toThrow();
    expect(() => assertInstructionTransition('SENT', 'FINISHED')).not.toThrow(); // acks may reorder
  });

  it('rejects going back, skipping SENT, leaving a final state and staying put with CONFLICT', () => {
    for (const [from, to] of [
      ['FINISHED', 'RECEIVED'],
      ['UNACKNOWLEDGED', 'RECEIVED'],
      ['FAILURE', 'FINISHED'],
      ['SENT', 'SENT'],
      ['RECEIVED', 'SENT'],
    ] as const) {
      let error: unknown;
      try {
        assertInstructionTransition(from, to);
      } catch (e) {
        error = e;
      }
      expect(isGencasterError(error, 'CONFLICT'), `${from} → ${to}`).toBe(true);
    }
  });

  it('rejects unknown state names with INVALID_INPUT', () => {
    expect(() => assertInstructionTransition('SENT', 'DONE')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('final states have no successors and predecessors match the table', () => {
    expect(instructionStates.filter(isFinalInstructionState).sort()).toEqual([
      'FAILURE',
      'FINISHED',
      'SUCCESS',
    ]);
    expect(instructionPredecessors('SENT')).toEqual(['UNACKNOWLEDGED']);
    expect(instructionPredecessors('UNACKNOWLEDGED')).toEqual([]);
    expect(instructionPredecessors('FINISHED').sort()).toEqual(['READY', 'RECEIVED', 'SENT']);
  });
});
