// Slows a walk that loops without progress, so one busy graph cannot load the backend.
import type { ProgressGuardOptions } from './engine-types.ts';

/** What the guard decided about one node visit. */
export interface VisitVerdict {
  /** The pause before the next node. */
  delayMs: number;
  /** Set when the walk was just slowed or sped up again: a line for the stream's log. */
  notice?: { level: 20 | 30; message: string };
}

/** Tracks node visits of one walk; see {@link ProgressGuardOptions}. */
export interface ProgressGuard {
  /** Records a visit of `nodeName` whose cells took `elapsedMs`; returns the next pause. */
  visited(nodeName: string, elapsedMs: number): VisitVerdict;
}

/** Creates a guard for one walk whose normal pause between nodes is `stepDelayMs`. */
export function createProgressGuard(
  stepDelayMs: number,
  options: ProgressGuardOptions = {},
): ProgressGuard {
  const idleVisits = options.idleVisits ?? 100;
  const minVisitMs = options.minVisitMs ?? 50;
  const slowStepDelayMs = Math.max(stepDelayMs, options.slowStepDelayMs ?? 1000);
  let idleInARow = 0;
  let slowed = false;

  return {
    visited(nodeName, elapsedMs) {
      if (elapsedMs >= minVisitMs) {
        idleInARow = 0;
        if (!slowed) return { delayMs: stepDelayMs };
        slowed = false;
        return {
          delayMs: stepDelayMs,
          notice: {
            level: 20,
            message: `node "${nodeName}" took time again (${Math.round(elapsedMs)} ms): the walk goes on at its normal pace`,
          },
        };
      }
      idleInARow++;
      if (slowed || idleInARow < idleVisits)
        return { delayMs: slowed ? slowStepDelayMs : stepDelayMs };
      slowed = true;
      return {
        delayMs: slowStepDelayMs,
        notice: {
          level: 30,
          message:
            `the walk makes no progress: ${idleInARow} node visits in a row (last "${nodeName}") ` +
            `had no cell that waits, plays or sleeps; it is slowed to one node every ` +
            `${slowStepDelayMs} ms until a cell takes time. Add a wait, a sleep or a SYNC playback to the loop.`,
        },
      };
    },
  };
}
