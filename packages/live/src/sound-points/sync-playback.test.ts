// Issue 18 §2: SYNC audio longer than the instruction deadline plays to its end. A 400 s file
// against the 300 s default deadline takes 400 s to hear, so this test compresses time by the
// same factor on both sides (÷ 66.7): a 6 s file against a 4.5 s default deadline, on the real
// path (point actions → OSC → sclang syncPlayBuffer on scsynth → FINISHED when the buffer ends).
// The control sends the same instruction with the default deadline: it times out mid-file, so
// the pass is the duration-following deadline's doing. The uncompressed 400 s run is
// sync-playback-400s.load.test.ts (`npm run test:load`).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { importAudioFile } from '@gencaster/audio';
import { createInstruction, listInstructions } from '@gencaster/db';
import { syncPlayBufferInstruction } from '@gencaster/osc';
import { streamPointUnavailableReason } from '@gencaster/osc/testing';
import {
  createCachedTts,
  createEspeakProvider,
  createMemoryTtsCacheStore,
  type CachedTts,
} from '@gencaster/tts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPlaybackRig, type SyncPlaybackRig } from '../testing/sync-playback-rig.ts';

const unavailable =
  streamPointUnavailableReason() ??
  (spawnSync('sox', ['--version']).error ? 'sox is not installed' : undefined) ??
  (spawnSync('espeak-ng', ['--version']).error ? 'espeak-ng is not installed' : undefined);
if (unavailable) console.warn(`skipping the SYNC playback deadline test: ${unavailable}`);

/** 300 s default : 400 s file, compressed: 4.5 s : 6 s. */
const defaultTimeoutMs = 4500;
const fileSeconds = 6;

describe.skipIf(unavailable !== undefined)('SYNC playback longer than the default deadline', () => {
  let rig: SyncPlaybackRig;
  let tts: CachedTts;
  const warnings: unknown[] = [];

  beforeAll(async () => {
    const late: { rig?: SyncPlaybackRig } = {};
    tts = createCachedTts({
      provider: createEspeakProvider(),
      store: createMemoryTtsCacheStore(),
      importAudio: ({ audio, originalName }) =>
        importAudioFile({
          input: audio,
          originalName,
          storageDir: join(late.rig?.mediaRoot ?? '/nonexistent', 'speech'),
          maxBytes: 64 * 2 ** 20,
        }),
    });
    rig = await startSyncPlaybackRig({ defaultTimeoutMs, tts, warnings });
    late.rig = rig;
  }, 150_000);

  afterAll(async () => {
    await rig?.[Symbol.asyncDispose]();
  });

  async function stateOf(uuid: string) {
    const rows = await listInstructions(rig.database, { streamPointUuid: rig.point.uuid });
    return rows.find((row) => row.uuid === uuid)?.state;
  }

  it(
    'a 400 s SYNC file plays to its end (time-compressed: 6 s file, 4.5 s default deadline)',
    { timeout: 60_000 },
    async () => {
      const file = await rig.addAudioFile(fileSeconds);
      const sent: { uuid: string; timeoutMs?: number }[] = [];
      const started = Date.now();
      await rig.actions.playAudioFile(
        rig.point,
        { audioFileUuid: file.uuid, playback: 'sync_playback', volume: 0.2 },
        { onInstruction: (instruction) => sent.push({ uuid: instruction.uuid }) },
      );
      const elapsed = Date.now() - started;
      console.info(`6 s SYNC file finished after ${elapsed} ms (default deadline 4500 ms)`);
      expect(elapsed).toBeGreaterThanOrEqual(fileSeconds * 1000);
      expect(elapsed).toBeGreaterThan(defaultTimeoutMs);
      expect(sent).toHaveLength(1);
      expect(await stateOf(sent[0]!.uuid)).toBe('FINISHED');
      expect(warnings).toEqual([]);
    },
  );

  it(
    'control: the same instruction with the default deadline is cut off mid-file (TIMEOUT)',
    { timeout: 60_000 },
    async () => {
      const file = await rig.addAudioFile(fileSeconds);
      const uuid = randomUUID();
      const { code, manualFinish } = syncPlayBufferInstruction({
        path: file.path,
        uuid,
        volume: 0,
      });
      await createInstruction(rig.database, {
        uuid,
        streamPointUuid: rig.point.uuid,
        instructionText: code,
      });
      const started = Date.now();
      const outcome = await rig.sender
        .send({ host: rig.point.host, port: rig.point.port, uuid, code, manualFinish })
        .then(
          () => 'finished',
          (error: unknown) => (error as { code?: string }).code,
        );
      const elapsed = Date.now() - started;
      expect(outcome).toBe('TIMEOUT');
      expect(elapsed).toBeLessThan(fileSeconds * 1000);
      expect(await stateOf(uuid)).toBe('FAILURE');
      // let the buffer end before the next test starts its own playback
      await new Promise((done) => setTimeout(done, fileSeconds * 1000 - elapsed + 500));
    },
  );

  it(
    'speech longer than the default deadline is spoken to its end',
    { timeout: 60_000 },
    async () => {
      const ssml =
        '<speak>Dies ist ein langer Satz, der deutlich länger dauert als die verkürzte Frist ' +
        'einer Anweisung, damit man hört, dass er bis zum Ende gesprochen wird.</speak>';
      const spoken = await tts.speak({ ssml });
      const speechMs = spoken.audio.durationSeconds * 1000;
      expect(speechMs).toBeGreaterThan(defaultTimeoutMs); // precondition of this test
      const sent: string[] = [];
      const started = Date.now();
      await rig.actions.speak(rig.point, ssml, {
        onInstruction: (instruction) => sent.push(instruction.uuid),
      });
      const elapsed = Date.now() - started;
      console.info(`${Math.round(speechMs)} ms of speech finished after ${elapsed} ms`);
      expect(elapsed).toBeGreaterThanOrEqual(Math.floor(speechMs));
      expect(await stateOf(sent[0]!)).toBe('FINISHED');
    },
  );
});
