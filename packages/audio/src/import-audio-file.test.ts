import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { importAudioFile, type ImportAudioFileOptions } from './import-audio-file.ts';
import { inspectAudio } from './inspect-audio.ts';
import {
  ffmpegTone,
  missingCommands,
  pngImage,
  soxTone,
  writeFirstHalf,
} from './testing/audio-fixtures.ts';

const missing = missingCommands('ffmpeg', 'ffprobe', 'sox');
if (missing.length) console.warn(`[audio] skipping import tests: missing ${missing.join(', ')}`);

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gencaster-audio-test-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh storage dir and temp dir for one import, so leftovers can be checked exactly. */
async function folders(): Promise<{ storageDir: string; tempDir: string }> {
  const base = await mkdtemp(join(root, 'case-'));
  const storageDir = join(base, 'audio_files');
  const tempDir = join(base, 'tmp');
  await Promise.all([mkdir(storageDir), mkdir(tempDir)]);
  return { storageDir, tempDir };
}

async function importInto(
  input: ImportAudioFileOptions['input'],
  originalName: string,
  extra: Partial<ImportAudioFileOptions> = {},
) {
  const dirs = await folders();
  const result = importAudioFile({
    input,
    originalName,
    maxBytes: 50 * 2 ** 20,
    ...dirs,
    ...extra,
  });
  return { dirs, result };
}

async function leftovers(dirs: { storageDir: string; tempDir: string }): Promise<string[]> {
  const lists = await Promise.all(
    [dirs.storageDir, dirs.tempDir].map((dir) => readdir(dir).catch(() => [])),
  );
  return lists.flat();
}

async function expectRejected(
  promise: Promise<unknown>,
  dirs: { storageDir: string; tempDir: string },
  message: RegExp,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isGencasterError(error, 'INVALID_INPUT'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect(await leftovers(dirs)).toEqual([]);
}

/** A canonical 44-byte PCM WAV header announcing zero samples. */
function wavHeaderOnly(): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(0, 40);
  return header;
}

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
      const { dirs, result } = await importInto(await readFile(source), 'Mein Lied.wav');
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
    const fromPath = await (await importInto(source, 'long.flac')).result;
    expect(fromPath.inputBytes).toBe(audio.inputBytes);
  });

  it('rejects an empty buffer and an empty stream', async () => {
    const a = await importInto(Buffer.alloc(0), 'empty.wav');
    await expectRejected(a.result, a.dirs, /empty/);
    const b = await importInto(Readable.from([]), 'empty.wav');
    await expectRejected(b.result, b.dirs, /empty/);
  });

  it('rejects a text file and a PNG renamed to .wav', async () => {
    const text = await importInto(Buffer.from('RIFF? no, just a note\nsecond line\n'), 'notes.wav');
    await expectRejected(text.result, text.dirs, /not a supported audio file/);
    const png = await importInto(await readFile(pngImage(root, 'pic.wav')), 'pic.wav');
    await expectRejected(png.result, png.dirs, /not a supported audio file/);
  });

  const truncated = [
    // each format is caught by a different check: ffmpeg decoding errors, the declared length, Ogg pages
    {
      label: 'WAV',
      reason: /corrupt or truncated/,
      make: () => soxTone({ dir: root, name: 't.wav', seconds: 2, rate: 44_100, channels: 2 }),
    },
    {
      label: 'FLAC',
      reason: /corrupt or truncated/,
      make: () => soxTone({ dir: root, name: 't.flac', seconds: 2, rate: 44_100, channels: 1 }),
    },
    {
      label: 'MP3',
      reason: /truncated: it declares/,
      make: () =>
        ffmpegTone({
          dir: root,
          name: 't.mp3',
          seconds: 2,
          rate: 44_100,
          channels: 2,
          codec: 'libmp3lame',
        }),
    },
    {
      label: 'OGG/Opus',
      reason: /truncated: its last page is cut off/,
      make: () =>
        ffmpegTone({
          dir: root,
          name: 't.ogg',
          seconds: 2,
          rate: 48_000,
          channels: 2,
          codec: 'libopus',
        }),
    },
  ];
  for (const sample of truncated) {
    it(`rejects a ${sample.label} file cut in half`, async () => {
      const half = await writeFirstHalf(
        await readFile(sample.make()),
        join(root, `half-${sample.label.replace('/', '-')}`),
      );
      const { dirs, result } = await importInto(half, 'cut');
      await expectRejected(result, dirs, sample.reason);
    });
  }

  it('rejects a WAV cut exactly at a sample frame boundary', async () => {
    const wav = await readFile(
      soxTone({ dir: root, name: 'frames.wav', seconds: 2, rate: 48_000, channels: 2 }),
    );
    const cut = join(root, 'frames-cut.wav');
    const dataStart = wav.indexOf('data', 12, 'latin1') + 8;
    await writeFile(cut, wav.subarray(0, dataStart + 4 * 48_000)); // header + 1 s of 16-bit stereo frames
    const { dirs, result } = await importInto(cut, 'frames.wav');
    await expectRejected(result, dirs, /truncated/);
  });

  it('rejects a WAV without samples (zero duration)', async () => {
    const { dirs, result } = await importInto(wavHeaderOnly(), 'zero.wav');
    await expectRejected(result, dirs, /zero duration|no audio samples|not a supported/);
  });

  it('rejects over-size input: a buffer, and a 2 GB stream read only up to the limit', async () => {
    const wav = await readFile(
      soxTone({ dir: root, name: 'big.wav', seconds: 1, rate: 48_000, channels: 1 }),
    );
    const buffer = await importInto(wav, 'big.wav', { maxBytes: wav.length - 1 });
    await expectRejected(buffer.result, buffer.dirs, /larger than the limit/);

    let produced = 0;
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const endless = Readable.from(
      (function* () {
        for (let index = 0; index < 2048; index += 1) {
          produced += chunk.length;
          yield chunk;
        }
      })(),
    );
    const stream = await importInto(endless, 'huge.wav', { maxBytes: 4 * 2 ** 20 });
    await expectRejected(stream.result, stream.dirs, /larger than the limit/);
    expect(produced).toBeLessThanOrEqual(8 * 2 ** 20);
  });

  it('rejects audio longer than the duration limit', async () => {
    const wav = soxTone({ dir: root, name: 'three.wav', seconds: 3, rate: 48_000, channels: 1 });
    const declared = await importInto(wav, 'three.wav', { maxDurationSeconds: 2 });
    await expectRejected(declared.result, declared.dirs, /longer than the limit of 2 seconds/);
  });

  it('names the Debian package when ffprobe/ffmpeg are missing (UNAVAILABLE), leaving nothing behind', async () => {
    const wav = await readFile(
      soxTone({ dir: root, name: 'nopath.wav', seconds: 0.2, rate: 48_000, channels: 1 }),
    );
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const { dirs, result } = await importInto(wav, 'nopath.wav');
      const error = await result.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isGencasterError(error, 'UNAVAILABLE'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/Debian package ffmpeg/);
      expect(await leftovers(dirs)).toEqual([]);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('rejects audio-less content in an accepted container (video-only file)', async () => {
    const path = join(root, 'video.mkv');
    const { spawnSync } = await import('node:child_process');
    spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=blue:s=16x16:d=1',
      '-c:v',
      'ffv1',
      path,
    ]);
    const { dirs, result } = await importInto(path, 'video.mkv');
    await expectRejected(result, dirs, /no audio stream/);
  });
});
