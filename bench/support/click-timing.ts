import type { Page } from 'playwright-core';

/** This process' clock in the page's terms: `performance.timeOrigin + performance.now()` (ms). */
export const hostNow = (): number => performance.timeOrigin + performance.now();

/** Offset of the page clock against {@link hostNow}, and how sure we are of it. */
export interface ClockOffset {
  /** page time − host time (ms). */
  offsetMs: number;
  /** Half the shortest round trip: the offset is exact within ± this. */
  uncertaintyMs: number;
}

/**
 * Measures the page clock against this process' clock with 20 round trips and keeps the one with
 * the shortest round trip (NTP style): both clocks are `timeOrigin + now()` of one host, so the
 * offset is normally below a millisecond — measured, not assumed.
 */
export async function measureClockOffset(page: Page): Promise<ClockOffset> {
  let best: ClockOffset = { offsetMs: 0, uncertaintyMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 20; i++) {
    const before = hostNow();
    const pageTime = await page.evaluate<number>('window.now()');
    const after = hostNow();
    const half = (after - before) / 2;
    if (half < best.uncertaintyMs)
      best = { offsetMs: pageTime - (before + after) / 2, uncertaintyMs: half };
  }
  return best;
}

/** Median of a list (0 for an empty list). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Latencies of the clicks that arrived, and how many did not. */
export interface ClickMatch {
  latencies: number[];
  missed: number;
  /** Onsets that matched no click (false detections). */
  extra: number;
}

/**
 * Pairs triggers with onsets (host clock, ms) under one common delay: every candidate delay
 * `onset − trigger` is tried and the one that explains the most clicks within `toleranceMs` wins,
 * so a lost or extra click cannot shift all pairs, even when the delay exceeds the click spacing
 * (Icecast). Keep `toleranceMs` below the smallest click gap.
 */
export function matchClicks(
  triggers: readonly number[],
  onsets: readonly number[],
  toleranceMs: number,
): ClickMatch {
  let best: { pairs: Array<[number, number]>; spread: number } = { pairs: [], spread: Infinity };
  for (const onset of onsets) {
    for (const trigger of triggers) {
      const delay = onset - trigger;
      if (delay < 0) continue;
      const used = new Set<number>();
      const pairs: Array<[number, number]> = [];
      for (const t of triggers) {
        const candidates = onsets
          .map((o, j) => [j, o - t - delay] as const)
          .filter(
            ([j, error]) =>
              !used.has(j) && onsets[j]! >= t && error > -toleranceMs && error < toleranceMs,
          )
          .sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]));
        const found = candidates[0];
        if (!found) continue;
        used.add(found[0]);
        pairs.push([t, onsets[found[0]]!]);
      }
      const spread = pairs.reduce((sum, [t, o]) => sum + Math.abs(o - t - delay), 0);
      if (
        pairs.length > best.pairs.length ||
        (pairs.length === best.pairs.length && spread < best.spread)
      )
        best = { pairs, spread };
    }
  }
  return {
    latencies: best.pairs.map(([t, o]) => o - t),
    missed: triggers.length - best.pairs.length,
    extra: onsets.length - best.pairs.length,
  };
}

/** Click gaps between `minMs` and `maxMs`, varied so that pairing errors cannot hide. */
export function clickGaps(count: number, minMs: number, maxMs: number): number[] {
  return Array.from({ length: count }, (_, i) => minMs + (((i * 7) % 11) / 10) * (maxMs - minMs));
}
