import type { Database } from '@gencaster/db';
import { expect } from 'vitest';
import { waitUntil } from './child-process.ts';
import type { FaultListenerPage } from './sound-faults-browser.ts';
import {
  instructionStatesSince,
  listJanusMountpoints,
  pointByRoom,
  strandedInstructions,
  type FleetRestart,
} from './sound-faults-fleet.ts';
import type { LoadRecorder } from './load-recorder.ts';

/** What a recovery check needs to see: the cluster's database and fleet, the load, the page. */
export interface RecoveryContext {
  database: Database;
  /** The backend data dir holding the fleet's status.json and Janus secrets. */
  dataDir: string;
  /** Mountpoint id of the point that was hit. */
  room: number;
  recorder: LoadRecorder;
  /** The browser listener on the other point, which must not notice anything. */
  bystander: FaultListenerPage;
}

/** Figures of one recovery, all in ms from the kill. */
export interface RecoveryFigures {
  restartMs: number;
  beaconAfterMs: number;
  finishedAgainMs: number;
  instructionsSinceRecovery: Record<string, number>;
  bystanderHearingShare: number;
  bystanderMaxPacketGapMs: number;
  /** Instructions sent around the fault that never got an outcome (see the report). */
  stranded: Array<{ afterKillMs: number; state: string }>;
}

/**
 * Checks what users of a loaded point expect after one of its processes was killed and restarted:
 * the point beacons again (online in the database), Janus receives its RTP again, new instructions
 * on it are acknowledged FINISHED, the simulated listeners' dialogs keep coming, and the browser
 * listener on the other point heard its tone throughout, never leaving "connected".
 */
export async function expectLoadPointRecovered(
  ctx: RecoveryContext,
  name: string,
  restart: FleetRestart,
): Promise<RecoveryFigures> {
  const { database, room } = ctx;
  const point = await pointByRoom(database, room);
  const whole = Date.now();
  const beacon = await waitUntil(
    `${name}: the point beacons again`,
    async () => {
      const row = await pointByRoom(database, room);
      return row.lastLive && row.lastLive.getTime() > restart.killedAt ? row.lastLive : undefined;
    },
    30_000,
  );
  await waitUntil(
    `${name}: Janus receives the point's RTP again`,
    async () => {
      const mount = (await listJanusMountpoints(ctx.dataDir)).find((m) => m.id === room);
      return mount?.ageMs !== null && mount?.ageMs !== undefined && mount.ageMs < 1000
        ? true
        : undefined;
    },
    20_000,
  );
  const dialogs = ctx.recorder.figures().dialogs;
  const states = await waitUntil(
    `${name}: new instructions on the point are acknowledged FINISHED`,
    async () => {
      const found = await instructionStatesSince(database, point.uuid, whole);
      return (found.FINISHED ?? 0) >= 2 ? found : undefined;
    },
    60_000,
  );
  await waitUntil(
    `${name}: dialogs keep coming`,
    () => Promise.resolve(ctx.recorder.figures().dialogs >= dialogs + 3 ? true : undefined),
    30_000,
  );
  const finishedAgainMs = Date.now() - restart.killedAt;
  const stranded = await strandedInstructions(database, point.uuid, restart.killedAt, whole);
  // An instruction sent into the crash is sent again or fails as not received (5 s per send, 3
  // sends): none may still wait for its receipt, as it did for the 300 s deadline before.
  await waitUntil(
    `${name}: every instruction sent into the fault was received or failed`,
    async () => {
      const left = await strandedInstructions(database, point.uuid, restart.killedAt, whole);
      return left.some((row) => row.state === 'SENT') ? undefined : true;
    },
    40_000,
  );
  // The other point was not touched: its listener's RTP kept arriving and it heard the tone (low
  // samples are allowed for Chromium's own playout glitches on a loaded machine, but a stopped
  // stream shows as a gap in the packets).
  const heard = ctx.bystander.seenSince(restart.killedAt);
  expect(heard.samples).toBeGreaterThan(5);
  expect(heard.maxPacketGapMs, `bystander RTP gap during the ${name} fault`).toBeLessThan(2000);
  expect(heard.hearingShare, `bystander hearing during the ${name} fault`).toBeGreaterThan(0.5);
  expect(heard.states).toEqual(['connected']);
  return {
    restartMs: restart.restartMs,
    beaconAfterMs: beacon.getTime() - restart.killedAt,
    finishedAgainMs,
    instructionsSinceRecovery: states,
    bystanderHearingShare: Number(heard.hearingShare.toFixed(2)),
    bystanderMaxPacketGapMs: heard.maxPacketGapMs,
    stranded,
  };
}
