// The event-loop metrics tell the truth: an idle loop reads near zero delay (not the sampling
// interval), a blocked loop shows its stall and its busy share, and reading never resets anything
// (two scrapers see the same window).
import { describe, expect, it } from 'vitest';
import { startEventLoopWindow } from './event-loop-window.ts';

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('event-loop window', () => {
  it('reads ~0 when idle, the stall when blocked, and the same figures for every reader', async () => {
    const loop = startEventLoopWindow({ resolutionMs: 20, windowMs: 400 });
    try {
      await pause(900); // at least one complete idle window
      const idle = loop.figures();
      // Node's histogram alone reads ≥ 19 ms here (the 20 ms interval itself).
      expect(idle.delayP50).toBeLessThan(0.015);
      expect(idle.utilization).toBeGreaterThanOrEqual(0);
      expect(idle.utilization).toBeLessThan(0.5);
      // A second scraper right after the first: the same window, nothing stolen.
      expect(loop.figures()).toEqual(idle);

      await pause(450); // into a fresh window, then block the loop for 250 ms
      const until = Date.now() + 250;
      while (Date.now() < until) {
        // busy: a long synchronous task
      }
      // The window holding the stall becomes the reported one for a whole window's time.
      let worst = { delayMax: 0, utilization: 0 };
      for (let i = 0; i < 20; i++) {
        await pause(50);
        const { delayMax, utilization } = loop.figures();
        worst = {
          delayMax: Math.max(worst.delayMax, delayMax),
          utilization: Math.max(worst.utilization, utilization),
        };
      }
      expect(worst.delayMax).toBeGreaterThan(0.15);
      expect(worst.utilization).toBeGreaterThan(0.2);
    } finally {
      loop.stop();
    }
  });
});
