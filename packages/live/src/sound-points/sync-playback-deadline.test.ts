// The deadline a SYNC playback is sent with, at real scale: a real 400 s WAV (written by sox, read
// back from its header) against the real 300 s default. The sender records the request instead of
// waiting 400 s; sync-playback.test.ts plays a time-compressed file on a real stream point.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { maxStoredSeconds } from '@gencaster/audio';
import { createAudioFile, type Database } from '@gencaster/db';
import { openTestDatabase } from '@gencaster/db/testing';
import {
  defaultInstructionTimeoutMs,
  type InstructionRequest,
  type InstructionSender,
} from '@gencaster/osc';
import type { CachedTts, SpokenText } from '@gencaster/tts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPointActions } from './point-actions.ts';
import { syncPlaybackDeadlineMs } from './sync-playback-deadline.ts';

const soxMissing = spawnSync('sox', ['--version']).error !== undefined;
if (soxMissing) console.warn('[sync-playback-deadline] skipped: sox is not installed');

describe('syncPlaybackDeadlineMs', () => {
  it('is the duration plus 30 s + 25 % when that exceeds the usual deadline', () => {
    expect(syncPlaybackDeadlineMs({ durationSeconds: 400, baseTimeoutMs: 300_000 })).toEqual({
      timeoutMs: 530_000,
      known: true,
    });
  });

  it('keeps the usual deadline for a short file', () => {
    expect(syncPlaybackDeadlineMs({ durationSeconds: 2, baseTimeoutMs: 300_000 })).toEqual({
      timeoutMs: 300_000,
      known: true,
    });
  });

  it('waits for the longest stored file when the duration is unknown', () => {
    const { timeoutMs, known } = syncPlaybackDeadlineMs({
      durationSeconds: null,
      baseTimeoutMs: 300_000,
    });
    expect(known).toBe(false);
    expect(timeoutMs).toBeGreaterThan(maxStoredSeconds * 1000);
  });
});

describe.skipIf(soxMissing)('the deadline point actions send for SYNC playback', () => {
  let database: Database;
  let mediaRoot: string;
  let point: { uuid: string; host: string; port: number };
  beforeAll(async () => {
    mediaRoot = await mkdtemp(join(tmpdir(), 'gencaster-deadline-'));
    database = await openTestDatabase('pglite');
    const row = await database.db
      .insertInto('streamPoint')
      .values({ host: '127.0.0.1', port: 45_124, lastLive: new Date() })
      .returning('uuid')
      .executeTakeFirstOrThrow();
    point = { uuid: row.uuid, host: '127.0.0.1', port: 45_124 };
  });
  afterAll(async () => {
    await database?.close();
    if (mediaRoot) await rm(mediaRoot, { recursive: true, force: true });
  });

  /** A sender that records each request and finishes it at once. */
  function recordingSender() {
    const requests: InstructionRequest[] = [];
    const sender: InstructionSender = {
      send: (request) => {
        requests.push(request);
        return Promise.resolve({ state: 'FINISHED', returnValue: 'done' });
      },
      sendVariable: () => Promise.resolve(),
      pending: 0,
      close: () => undefined,
    };
    return { sender, requests };
  }

  /** An AudioFile row whose stored file sox writes: `seconds` of silence, 48 kHz float mono. */
  async function storedSilence(seconds: number) {
    const file = await createAudioFile(database, { name: `${seconds} s`, extension: '.wav' });
    const path = join(mediaRoot, file.file!);
    await mkdir(dirname(path), { recursive: true });
    const args = ['-n', '-r', '48000', '-c', '1', '-e', 'floating-point', '-b', '32', path];
    const sox = spawnSync('sox', [...args, 'trim', '0', String(seconds)]);
    if (sox.status !== 0) throw new Error(`sox failed: ${sox.stderr.toString()}`);
    return { uuid: file.uuid, path };
  }

  function actionsWith(sender: InstructionSender, tts: CachedTts = {} as CachedTts) {
    const warnings: unknown[][] = [];
    const actions = createPointActions({
      database,
      instructions: sender,
      tts,
      mediaRoot,
      logger: { warn: (...args: unknown[]) => warnings.push(args) },
    });
    return { actions, warnings };
  }

  it('a 400 s SYNC file is sent with a deadline past its end, not the 300 s default', async () => {
    const file = await storedSilence(400);
    const { sender, requests } = recordingSender();
    const { actions, warnings } = actionsWith(sender);
    await actions.playAudioFile(point, {
      audioFileUuid: file.uuid,
      playback: 'sync_playback',
      volume: 1,
    });
    expect(defaultInstructionTimeoutMs).toBe(300_000);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ manualFinish: true, timeoutMs: 530_000 });
    expect(requests[0]!.code).toContain('syncPlayBuffer');
    expect(warnings).toEqual([]);
  });

  it('a short SYNC file keeps the default deadline; an async playback names none', async () => {
    const file = await storedSilence(3);
    const { sender, requests } = recordingSender();
    const { actions } = actionsWith(sender);
    const audio = { audioFileUuid: file.uuid, volume: 1 };
    await actions.playAudioFile(point, { ...audio, playback: 'sync_playback' });
    await actions.playAudioFile(point, { ...audio, playback: 'async_playback' });
    expect(requests.map((request) => request.timeoutMs)).toEqual([300_000, undefined]);
  });

  it('a file whose duration is unknown waits for the longest stored file, with a log line', async () => {
    const file = await createAudioFile(database, { name: 'broken', extension: '.wav' });
    const path = join(mediaRoot, file.file!);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'RIFF....WAVE but nothing after it');
    const { sender, requests } = recordingSender();
    const { actions, warnings } = actionsWith(sender);
    await actions.playAudioFile(point, {
      audioFileUuid: file.uuid,
      playback: 'sync_playback',
      volume: 1,
    });
    expect(requests[0]!.timeoutMs).toBeGreaterThan(maxStoredSeconds * 1000);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('duration of the audio file is unknown');
  });

  it('speech of 400 s gets the same deadline from the duration the cache knows', async () => {
    const file = await storedSilence(1); // the cache's figure is used, not the header's
    const spoken: SpokenText = {
      provider: 'espeak-ng',
      text: '<speak>lang</speak>',
      voiceName: 'de',
      cached: true,
      audio: {
        storedName: 'x.wav',
        path: file.path,
        durationSeconds: 400,
        channels: 1,
        sampleRate: 48_000,
        bytes: 0,
      },
    };
    const tts = { provider: {}, speak: () => Promise.resolve(spoken) } as unknown as CachedTts;
    const { sender, requests } = recordingSender();
    const { actions } = actionsWith(sender, tts);
    await actions.speak(point, '<speak>lang</speak>');
    expect(requests[0]).toMatchObject({ manualFinish: true, timeoutMs: 530_000 });
  });
});
