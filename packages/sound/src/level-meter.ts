/** Audio level of one stream point as measured by GStreamer's `level` element. */
export interface AudioLevel {
  /** Loudest channel's peak in dBFS over the last interval (null before the first message). */
  peakDb: number | null;
  /** Loudest channel's RMS in dBFS over the last interval. */
  rmsDb: number | null;
  /** Below `silenceDb` for at least `silentAfterMs`. */
  silent: boolean;
  /** A peak at or above `clipDb` within the last `clipHoldMs`. */
  clipping: boolean;
  /** ISO time of the last level message, null if none yet. */
  updatedAt: string | null;
}

/** Options of {@link createLevelMeter}. */
export interface LevelMeterOptions {
  silenceDb?: number;
  silentAfterMs?: number;
  clipDb?: number;
  clipHoldMs?: number;
  now?: () => number;
}

/**
 * Tracks peak/RMS from `gst-launch-1.0 -m` output lines and flags silence (peak below −60 dBFS for
 * 3 s) and clipping (peak ≥ −0.1 dBFS within 2 s). Feed every output line; non-level lines are ignored.
 */
export interface LevelMeter {
  /** Returns true if the line was a level message. */
  feed(line: string): boolean;
  level(): AudioLevel;
  /** Forget everything (e.g. after the pipeline restarted). */
  reset(): void;
}

/** Parses one `level` element message line; `null` if the line is something else. */
export function parseLevelLine(line: string): { peakDb: number; rmsDb: number } | null {
  if (!line.includes('(element): level,')) return null;
  const peak = readArray(line, 'peak');
  const rms = readArray(line, 'rms');
  if (!peak || !rms) return null;
  return { peakDb: Math.max(...peak), rmsDb: Math.max(...rms) };
}

function readArray(line: string, field: string): number[] | null {
  const match = new RegExp(`[ ,]${field}=\\(GValueArray\\)<([^>]*)>`).exec(line);
  if (!match?.[1]) return null;
  const values = match[1]
    .split(',')
    .map((v) => Number(v.trim()))
    .map((v) => (Number.isFinite(v) ? v : -200));
  return values.length > 0 ? values : null;
}

/** Creates a {@link LevelMeter}. */
export function createLevelMeter(options: LevelMeterOptions = {}): LevelMeter {
  const silenceDb = options.silenceDb ?? -60;
  const silentAfterMs = options.silentAfterMs ?? 3000;
  const clipDb = options.clipDb ?? -0.1;
  const clipHoldMs = options.clipHoldMs ?? 2000;
  const now = options.now ?? Date.now;
  let peakDb: number | null = null;
  let rmsDb: number | null = null;
  let updatedAt: number | null = null;
  let quietSince: number | null = null;
  let lastClipAt: number | null = null;

  return {
    feed(line) {
      const parsed = parseLevelLine(line);
      if (!parsed) return false;
      const t = now();
      peakDb = parsed.peakDb;
      rmsDb = parsed.rmsDb;
      updatedAt = t;
      if (parsed.peakDb < silenceDb) quietSince ??= t;
      else quietSince = null;
      if (parsed.peakDb >= clipDb) lastClipAt = t;
      return true;
    },
    level() {
      const t = now();
      const stale = updatedAt === null || t - updatedAt > silentAfterMs;
      return {
        peakDb,
        rmsDb,
        // No level messages for a while also means nobody hears anything.
        silent: stale || (quietSince !== null && t - quietSince >= silentAfterMs),
        clipping: lastClipAt !== null && t - lastClipAt <= clipHoldMs,
        updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
      };
    },
    reset() {
      peakDb = rmsDb = updatedAt = quietSince = lastClipAt = null;
    },
  };
}
