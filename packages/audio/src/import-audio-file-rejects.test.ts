import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import {
  ffmpegTone,
  missingCommands,
  pngImage,
  soxTone,
  writeFirstHalf,
} from './testing/audio-fixtures.ts';
import { expectRejected, importInto, leftovers } from './testing/import-harness.ts';

const missing = missingCommands('ffmpeg', 'ffprobe', 'sox');
if (missing.length) console.warn(`[audio] skipping import tests: missing ${missing.join(', ')}`);

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gencaster-audio-test-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

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

describe.skipIf(missing.length > 0)('importAudioFile rejects bad input, leaving no files', () => {
  it('rejects an empty buffer and an empty stream', async () => {
    const a = await importInto(root, Buffer.alloc(0), 'empty.wav');
    await expectRejected(a.result, a.dirs, /empty/);
    const b = await importInto(root, Readable.from([]), 'empty.wav');
    await expectRejected(b.result, b.dirs, /empty/);
  });

  it('rejects a text file and a PNG renamed to .wav', async () => {
    const text = await importInto(
      root,
      Buffer.from('RIFF? no, just a note\nsecond line\n'),
      'notes.wav',
    );
    await expectRejected(text.result, text.dirs, /not a supported audio file/);
    const png = await importInto(root, await readFile(pngImage(root, 'pic.wav')), 'pic.wav');
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
      const { dirs, result } = await importInto(root, half, 'cut');
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
    const { dirs, result } = await importInto(root, cut, 'frames.wav');
    await expectRejected(result, dirs, /truncated/);
  });

  it('rejects a WAV without samples (zero duration)', async () => {
    const { dirs, result } = await importInto(root, wavHeaderOnly(), 'zero.wav');
    await expectRejected(result, dirs, /zero duration|no audio samples|not a supported/);
  });

  it('rejects over-size input: a buffer, and a 2 GB stream read only up to the limit', async () => {
    const wav = await readFile(
      soxTone({ dir: root, name: 'big.wav', seconds: 1, rate: 48_000, channels: 1 }),
    );
    const buffer = await importInto(root, wav, 'big.wav', { maxBytes: wav.length - 1 });
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
    const stream = await importInto(root, endless, 'huge.wav', { maxBytes: 4 * 2 ** 20 });
    await expectRejected(stream.result, stream.dirs, /larger than the limit/);
    expect(produced).toBeLessThanOrEqual(8 * 2 ** 20);
  });

  it('rejects audio longer than the duration limit', async () => {
    const wav = soxTone({ dir: root, name: 'three.wav', seconds: 3, rate: 48_000, channels: 1 });
    const declared = await importInto(root, wav, 'three.wav', { maxDurationSeconds: 2 });
    await expectRejected(declared.result, declared.dirs, /longer than the limit of 2 seconds/);
  });

  it('names the Debian package when ffprobe/ffmpeg are missing (UNAVAILABLE), leaving nothing behind', async () => {
    const wav = await readFile(
      soxTone({ dir: root, name: 'nopath.wav', seconds: 0.2, rate: 48_000, channels: 1 }),
    );
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const { dirs, result } = await importInto(root, wav, 'nopath.wav');
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
    const { dirs, result } = await importInto(root, path, 'video.mkv');
    await expectRejected(result, dirs, /no audio stream/);
  });
});
