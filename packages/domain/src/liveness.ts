/** A stream point counts as live while its last beacon is younger than this (as in the original). */
export const STREAM_POINT_LIVE_WINDOW_MS = 60_000;

/**
 * True when a stream point whose last beacon arrived at `lastLive` is still live at `now`.
 *
 * Uses the real elapsed milliseconds; the original compared `timedelta.seconds`, which wraps at one
 * day, so a point silent for 1 day + 10 s looked online. Beacons from the future (clock skew between
 * hosts) count as live.
 */
export function isStreamPointLive(
  lastLive: Date | null | undefined,
  now: Date,
  windowMs: number = STREAM_POINT_LIVE_WINDOW_MS,
): boolean {
  if (!lastLive) return false;
  return now.getTime() - lastLive.getTime() < windowMs;
}

/** The oldest beacon time that still counts as live at `now` (exclusive bound for queries). */
export function liveSince(now: Date, windowMs: number = STREAM_POINT_LIVE_WINDOW_MS): Date {
  return new Date(now.getTime() - windowMs);
}
