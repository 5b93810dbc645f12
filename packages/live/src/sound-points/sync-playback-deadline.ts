import { maxStoredSeconds } from '@gencaster/audio';

/** Options of {@link syncPlaybackDeadlineMs}. */
export interface SyncPlaybackDeadlineOptions {
  /** Length of the file from its header; null when it could not be read. */
  durationSeconds: number | null;
  /** The deadline any instruction gets (the call's own or the sender's default), ms. */
  baseTimeoutMs: number;
}

/** Fixed part of the margin: sclang reads the file into a buffer before it starts to play. */
const fixedMarginMs = 30_000;

/**
 * Proportional part of the margin: scsynth plays by its audio clock, and the dummy JACK driver of
 * a stream point falls behind the wall clock when the machine is busy (a 400 s file took 447 s on
 * a loaded 2-core test machine, +12 %); the deadline only fires when an acknowledgement is lost,
 * so twice that costs little.
 */
const proportionalMargin = 0.25;

/**
 * The deadline of a SYNC playback, which finishes only when the file has played to its end: the
 * file's duration plus a margin (30 s + 25 %), never less than `baseTimeoutMs`, so a short file
 * keeps the usual deadline and a long one is not cut off by it. A file whose duration is unknown
 * gets the longest the library stores ({@link maxStoredSeconds}, 3 h) plus its margin; `known`
 * says which of the two it was, for the caller's log line.
 *
 * @example
 * syncPlaybackDeadlineMs({ durationSeconds: 400, baseTimeoutMs: 300_000 }); // { timeoutMs: 530_000, known: true }
 */
export function syncPlaybackDeadlineMs(options: SyncPlaybackDeadlineOptions): {
  timeoutMs: number;
  known: boolean;
} {
  const known = options.durationSeconds !== null && Number.isFinite(options.durationSeconds);
  const playMs = 1000 * (known ? (options.durationSeconds ?? 0) : maxStoredSeconds);
  const withMargin = Math.ceil(playMs * (1 + proportionalMargin)) + fixedMarginMs;
  return { timeoutMs: Math.max(options.baseTimeoutMs, withMargin), known };
}
