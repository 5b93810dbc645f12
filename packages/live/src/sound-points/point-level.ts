/**
 * The output level of one stream point as its sound fleet measures it (GStreamer `level` on the
 * stream sent to Janus), matched to its stream point by the sclang OSC port.
 */
export interface PointLevel {
  /** The point's sclang OSC port (StreamPoint.port). */
  port: number;
  /** Host of the point when known; absent = the backend's own machine (local fleet). */
  host?: string;
  /** Loudest channel's peak in dBFS over the last interval; null before the first measurement. */
  peakDb: number | null;
  /** Loudest channel's RMS in dBFS over the last interval. */
  rmsDb: number | null;
  silent: boolean;
  clipping: boolean;
  /** ISO time of the measurement; null if none yet. */
  updatedAt: string | null;
}
