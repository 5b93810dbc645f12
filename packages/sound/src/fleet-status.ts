import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPidAlive } from './process-tools.ts';
import type { JanusMountHealth } from './janus-service.ts';
import type { PointProcessStatus, StreamPointStatus } from './stream-point.ts';

/** A stream point in the fleet status, with the age of the last RTP packet Janus received. */
export interface FleetPointStatus extends StreamPointStatus {
  /** Janus `age_ms` of the point's mountpoint; small = audio arriving, null = unknown. */
  rtpAgeMs: number | null;
}

/** What `<runDir>/status.json` holds (written every second by the launcher). */
export interface FleetStatus {
  fleetId: string;
  /** PID of the launcher process. */
  pid: number;
  state: 'starting' | 'running' | 'stopping' | 'stopped';
  startedAt: string;
  updatedAt: string;
  janus: {
    url: string;
    httpPort: number;
    rtpPortRange: { min: number; max: number };
    process: PointProcessStatus;
    /** The periodic mountpoint/room check (missing ones are re-created); absent in old files. */
    mounts?: JanusMountHealth;
  };
  points: FleetPointStatus[];
  /** Set by {@link readFleetStatus}: the launcher is gone or stopped writing. */
  stale?: boolean;
}

/** File name of the status inside the run dir. */
export const FLEET_STATUS_FILE = 'status.json';

/** Writes the status atomically (temp file + rename), so readers never see half a file. */
export function writeFleetStatus(runDir: string, status: FleetStatus): void {
  const file = join(runDir, FLEET_STATUS_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(status, null, 2));
  renameSync(`${file}.tmp`, file);
}

/**
 * Reads `<runDir>/status.json` as written by a running (or finished) launcher; `stale` is set when
 * the launcher PID is gone or the file was not refreshed for 5 s. Throws if there is no status file.
 */
export function readFleetStatus(runDir: string, now: number = Date.now()): FleetStatus {
  const status = JSON.parse(readFileSync(join(runDir, FLEET_STATUS_FILE), 'utf8')) as FleetStatus;
  const age = now - Date.parse(status.updatedAt);
  status.stale = status.state !== 'stopped' && (age > 5000 || !isPidAlive(status.pid));
  return status;
}

/**
 * Renders the status as a plain-text table for `gencaster sound status`: one block per point with
 * its level (peak/RMS dBFS, SILENT/CLIPPING flags, RTP age) and one row per process.
 */
export function formatFleetStatus(status: FleetStatus): string {
  const lines: string[] = [];
  const staleNote = status.stale ? '  (STALE: launcher not running)' : '';
  lines.push(
    `fleet ${status.fleetId}  ${status.state}  launcher pid ${status.pid}  updated ${status.updatedAt}${staleNote}`,
  );
  lines.push(
    `janus ${status.janus.url}  rtp ${status.janus.rtpPortRange.min}-${status.janus.rtpPortRange.max}`,
  );
  const mounts = status.janus.mounts;
  if (mounts) {
    const state = mounts.error
      ? `CHECK FAILED: ${mounts.error}`
      : mounts.missing.length > 0
        ? `MISSING ${mounts.missing.join(',')} (re-created)`
        : 'all present';
    lines.push(
      `mountpoints ${state}  re-created ${mounts.recreated}  checked ${mounts.checkedAt ?? '-'}`,
    );
  }
  const header = ['process', 'pid', 'state', 'uptime', 'restarts', 'cpu'];
  const rows: string[][] = [processRow(status.janus.process)];
  const blocks: Array<{ title: string; rows: string[][] }> = [{ title: '', rows }];
  for (const point of status.points) {
    const l = point.level;
    const flags =
      [l.silent ? 'SILENT' : '', l.clipping ? 'CLIPPING' : ''].filter(Boolean).join(' ') || 'ok';
    const title =
      `point ${point.index}  room ${point.room}  ${point.scName}@${point.jackServer}  lang ${point.ports.lang} synth ${point.ports.synth} rtp ${point.ports.rtpOut}` +
      `  level peak ${db(l.peakDb)} rms ${db(l.rmsDb)} [${flags}]  rtp age ${point.rtpAgeMs === null ? '-' : `${point.rtpAgeMs} ms`}`;
    blocks.push({ title, rows: point.processes.map(processRow) });
  }
  const all = [header, ...blocks.flatMap((b) => b.rows)];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const render = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  lines.push(render(header));
  for (const block of blocks) {
    if (block.title) lines.push(block.title);
    for (const row of block.rows) lines.push(render(row));
  }
  return lines.join('\n');
}

function processRow(p: PointProcessStatus): string[] {
  return [
    p.name,
    p.pid === null ? '-' : String(p.pid),
    p.state,
    formatDuration(p.uptimeMs),
    String(p.restarts),
    p.cpuPercent === null ? '-' : `${p.cpuPercent.toFixed(1)}%`,
  ];
}

function db(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(1)} dBFS`;
}

/** `93000` → `1m33s`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
