import { expect } from 'vitest';
import type { ListenerLoadReport } from './load-run.ts';

/**
 * The invariants every load run must keep, whatever its size: no typed-error surprises, no point
 * with two active streams, no listener counted twice, counts equal to the sessions held, every
 * acknowledged variable write stored, and nothing left behind once everyone left.
 */
export function expectExactLoad(report: ListenerLoadReport): void {
  const f = report.listeners;
  expect(f.firstErrors).toEqual([]);
  expect(f.noStream).toBeGreaterThan(0);
  expect(f.overlappingHolds).toBe(0);
  expect(report.invariants).toMatchObject({
    pointsWithTwoActiveStreams: 0,
    listenersOnTwoStreams: 0,
    countMismatches: 0,
  });
  expect(report.lostWrites).toBe(0);
  expect(report.finalCounted).toBe(report.finalHeld);
  expect(report.finalActiveStreams).toBe(report.finalHeld);
  expect(report.leftoverActiveStreams).toBe(0);
  expect(report.leftoverListenerRows).toBe(0);
}
