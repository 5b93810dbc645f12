import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatFleetStatus,
  readFleetStatus,
  writeFleetStatus,
  type FleetStatus,
} from './fleet-status.ts';

const proc = (name: string, pid: number | null, restarts = 0) => ({
  name,
  pid,
  state: pid === null ? ('stopped' as const) : ('running' as const),
  uptimeMs: pid === null ? 0 : 93_000,
  restarts,
  lastExit: null,
  cpuPercent: pid === null ? null : 1.25,
});

function sample(overrides: Partial<FleetStatus> = {}): FleetStatus {
  return {
    fleetId: 'abc',
    pid: process.pid,
    state: 'running',
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    janus: {
      url: 'http://127.0.0.1:1/janus',
      httpPort: 1,
      rtpPortRange: { min: 2, max: 3 },
      process: proc('janus', 10),
    },
    points: [1, 2].map((index) => ({
      index,
      room: index,
      scName: `SuperCollider${index}`,
      jackServer: `gencaster-abc-${index}`,
      ports: { lang: 100 + index, synth: 200 + index, rtpOut: 300 + index, rtpIn: 0 },
      input: false,
      processes: [
        proc(`point-${index}/jackd`, 20 + index, index - 1),
        proc(`point-${index}/scsynth`, null),
      ],
      level:
        index === 1
          ? { peakDb: -0.05, rmsDb: -3, silent: false, clipping: true, updatedAt: null }
          : { peakDb: -90.3, rmsDb: -96.4, silent: true, clipping: false, updatedAt: null },
      rtpAgeMs: index === 1 ? 4 : null,
    })),
    ...overrides,
  };
}

describe('fleet status file', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gencaster-status-test-'));
    dirs.push(d);
    return d;
  };

  it('round-trips through status.json and is fresh while the launcher lives', () => {
    const runDir = dir();
    writeFleetStatus(runDir, sample());
    const read = readFleetStatus(runDir);
    expect(read.stale).toBe(false);
    expect(read.points[1]?.level.silent).toBe(true);
  });

  it('marks a status of a dead launcher or an old file as stale', () => {
    const runDir = dir();
    writeFleetStatus(runDir, sample({ pid: 999_999_999 }));
    expect(readFleetStatus(runDir).stale).toBe(true);
    writeFleetStatus(runDir, sample());
    expect(readFleetStatus(runDir, Date.now() + 10_000).stale).toBe(true);
  });

  it('formats one block per point with level flags and one row per process', () => {
    const text = formatFleetStatus(sample());
    const lines = text.split('\n');
    expect(lines[0]).toContain('fleet abc  running');
    expect(text).toMatch(/point 1 .*peak -0\.1 dBFS rms -3\.0 dBFS \[CLIPPING\]\s+rtp age 4 ms/);
    expect(text).toMatch(/point 2 .*\[SILENT\]\s+rtp age -/);
    expect(text).toMatch(/point-2\/jackd\s+22\s+running\s+1m33s\s+1\s+1\.3%/);
    expect(text).toMatch(/point-1\/scsynth\s+-\s+stopped\s+-\s+0\s+-/);
  });

  it('shows the mount check: all present, or which mountpoints vanished and were re-created', () => {
    const base = sample();
    const ok = formatFleetStatus({
      ...base,
      janus: {
        ...base.janus,
        mounts: { checkedAt: 'now', missing: [], recreated: 0, error: null },
      },
    });
    expect(ok).toContain('mountpoints all present  re-created 0  checked now');
    const vanished = formatFleetStatus({
      ...base,
      janus: {
        ...base.janus,
        mounts: { checkedAt: 'now', missing: [1], recreated: 2, error: null },
      },
    });
    expect(vanished).toContain('mountpoints MISSING 1 (re-created)  re-created 2');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('-');
    expect(formatDuration(5_400)).toBe('5s');
    expect(formatDuration(93_000)).toBe('1m33s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});
