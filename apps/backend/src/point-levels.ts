import type { PointLevel } from '@gencaster/live';
import { readFleetStatus } from '@gencaster/sound';

/**
 * Output levels of the stream points of the sound fleet on this machine, read from its
 * `status.json` (written every second by the launcher, whether it runs inside the backend or as
 * `gencaster sound`). Empty when there is no fleet or its status is stale, so the editor shows no
 * meter rather than an old one. Points of other machines have no level here.
 */
export function readPointLevels(runDir: string): PointLevel[] {
  let status;
  try {
    status = readFleetStatus(runDir);
  } catch {
    return [];
  }
  if (status.stale || status.state !== 'running') return [];
  return status.points.map((point) => ({
    port: point.ports.lang,
    peakDb: point.level.peakDb,
    rmsDb: point.level.rmsDb,
    silent: point.level.silent,
    clipping: point.level.clipping,
    updatedAt: point.level.updatedAt,
  }));
}
