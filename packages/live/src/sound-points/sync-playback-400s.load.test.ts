// Issue 18 §2 at full length (`npm run test:load`, about 7 minutes): a 400 s SYNC file on a real
// stream point with the real 300 s default deadline plays to its end and finishes with success.
// sync-playback.test.ts runs the same path time-compressed in `npm test`.
import { spawnSync } from 'node:child_process';
import { listInstructions } from '@gencaster/db';
import { defaultInstructionTimeoutMs } from '@gencaster/osc';
import { streamPointUnavailableReason } from '@gencaster/osc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPlaybackRig, type SyncPlaybackRig } from '../testing/sync-playback-rig.ts';

const unavailable =
  streamPointUnavailableReason() ??
  (spawnSync('sox', ['--version']).error ? 'sox is not installed' : undefined);
if (unavailable) console.warn(`skipping the 400 s SYNC playback run: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a 400 s SYNC file, uncompressed', () => {
  let rig: SyncPlaybackRig;

  beforeAll(async () => {
    rig = await startSyncPlaybackRig({ defaultTimeoutMs: defaultInstructionTimeoutMs });
  }, 150_000);

  afterAll(async () => {
    await rig?.[Symbol.asyncDispose]();
  });

  it('plays to its end past the 300 s default deadline', { timeout: 600_000 }, async () => {
    const file = await rig.addAudioFile(400);
    const sent: string[] = [];
    const started = Date.now();
    await rig.actions.playAudioFile(
      rig.point,
      { audioFileUuid: file.uuid, playback: 'sync_playback', volume: 0.2 },
      { onInstruction: (instruction) => sent.push(instruction.uuid) },
    );
    const elapsed = Date.now() - started;
    console.info(`400 s SYNC file finished after ${elapsed} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(400_000);
    const rows = await listInstructions(rig.database, { streamPointUuid: rig.point.uuid });
    expect(rows.find((row) => row.uuid === sent[0])?.state).toBe('FINISHED');
  });
});
