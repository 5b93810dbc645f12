import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectAudio } from './inspect-audio.ts';
import { ffmpegTone, missingCommands, soxTone } from './testing/audio-fixtures.ts';
import { importInto } from './testing/import-harness.ts';

const missing = missingCommands('ffmpeg', 'ffprobe', 'sox');
if (missing.length) console.warn(`[audio] skipping import tests: missing ${missing.join(', ')}`);

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gencaster-audio-test-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0)('importAudioFile', () => {
  const accepted = [
    {
      label: 'WAV 44.1 kHz stereo',
      make: () => soxTone({ dir: root, name: 'a.wav', seconds: 1.5, rate: 44_100, channels: 2 }),
      seconds: 1.5,
      channels: 2,
    },
    {
      label: 'FLAC 22.05 kHz mono',
      make: () => soxTone({ dir: root, name: 'b.flac', seconds: 2, rate: 22_050, channels: 1 }),
      seconds: 2,
      channels: 1,
    },
    {
      label: 'MP3 32 kHz stereo',
      make: () =>
        ffmpegTone({
          dir: root,
          name: 'c.mp3',
          seconds: 1.25,
          rate: 32_000,
          channels: 2,
          codec: 'libmp3lame',
        }),
      seconds: 1.25,
      channels: 2,
    },
    {
      label: 'OGG/Opus mono',
      make: () =>
        ffmpegTone({
          dir: root,
          name: 'd.ogg',
          seconds: 1.2,
          rate: 48_000,
          channels: 1,
          codec: 'libopus',
        }),
      seconds: 1.2,
      channels: 1,
    },
    {
      label: 'OGG/Vorbis stereo 44.1 kHz',
      make: () =>
        ffmpegTone({
          dir: root,
          name: 'e.ogg',
          seconds: 0.8,
          rate: 44_100,
          channels: 2,
          codec: 'libvorbis',
        }),
      seconds: 0.8,
      channels: 2,
    },
    {
      label: 'WAV 6 channels (downmixed)',
      make: () => soxTone({ dir: root, name: 'f.wav', seconds: 1, rate: 48_000, channels: 6 }),
      seconds: 1,
      channels: 2,
    },
  ];

  for (const sample of accepted) {
    it(`imports ${sample.label} as a 48 kHz WAV with the right duration and channels`, async () => {
      const source = sample.make();
      const { dirs, result } = await importInto(root, await readFile(source), 'Mein Lied.wav');
      const audio = await result;
      expect(audio.storedName).toMatch(/^[0-9a-f-]{36}\.wav$/);
      expect(audio.sampleRate).toBe(48_000);
      expect(audio.channels).toBe(sample.channels);
      expect(Math.abs(audio.durationSeconds - sample.seconds)).toBeLessThanOrEqual(0.02);
      expect(audio.displayName).toBe('Mein Lied.wav');
      // the stored file itself, probed independently
      const stored = await inspectAudio(audio.path);
      expect(stored).toMatchObject({
        formatName: 'wav',
        codecName: 'pcm_f32le',
        sampleRate: 48_000,
        channels: sample.channels,
      });
      expect(Math.abs((stored.durationSeconds ?? 0) - sample.seconds)).toBeLessThanOrEqual(0.02);
      expect(await readdir(dirs.storageDir)).toEqual([audio.storedName]);
      expect(await readdir(dirs.tempDir)).toEqual([]);
    });
  }

  it('reads streams and paths, and reports progress of long conversions', async () => {
    const source = soxTone({
      dir: root,
      name: 'long.flac',
      seconds: 60,
      rate: 44_100,
      channels: 2,
    });
    const seen: number[] = [];
    const { result } = await importInto(
      root,
      Readable.from([await readFile(source)]),
      '../../etc/passwd',
      {
        onProgress: (progress) => seen.push(progress.fraction ?? -1),
      },
    );
    const audio = await result;
    expect(audio.displayName).toBe('passwd');
    expect(Math.abs(audio.durationSeconds - 60)).toBeLessThanOrEqual(0.02);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBeCloseTo(1, 2);
    const fromPath = await (await importInto(root, source, 'long.flac')).result;
    expect(fromPath.inputBytes).toBe(audio.inputBytes);
  });
});
