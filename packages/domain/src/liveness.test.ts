import { describe, expect, it } from 'vitest';
import { isStreamPointLive, liveSince, STREAM_POINT_LIVE_WINDOW_MS } from './liveness.ts';

describe('isStreamPointLive', () => {
  const now = new Date('2026-01-02T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('is live within the 60 s window and offline at or after it', () => {
    expect(STREAM_POINT_LIVE_WINDOW_MS).toBe(60_000);
    expect(isStreamPointLive(ago(5_000), now)).toBe(true);
    expect(isStreamPointLive(ago(59_999), now)).toBe(true);
    expect(isStreamPointLive(ago(60_000), now)).toBe(false);
    expect(isStreamPointLive(ago(120_000), now)).toBe(false);
  });

  it('regression: a point silent for 1 day + 10 s is offline (the original compared .seconds)', () => {
    expect(isStreamPointLive(ago(86_400_000 + 10_000), now)).toBe(false);
  });

  it('is offline without any beacon and honours a custom window', () => {
    expect(isStreamPointLive(null, now)).toBe(false);
    expect(isStreamPointLive(undefined, now)).toBe(false);
    expect(isStreamPointLive(ago(5_000), now, 1_000)).toBe(false);
    expect(liveSince(now, 1_000).toISOString()).toBe('2026-01-02T11:59:59.000Z');
  });
});
