// Durations read from real files' headers, for deadlines of SYNC playback: a 400 s file as the
// import stores it (48 kHz float WAV), the accepted compressed formats, and files that say nothing.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioDuration } from './read-audio-duration.ts';
import { missingCommands } from './testing/audio-fixtures.ts';

const missing = missingCommands('ffmpeg', 'ffprobe', 'sox');
if (missing.length) console.warn(`[audio] skipping duration tests: missing ${missing.join(', ')}`);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gencaster-duration-test-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0)('readAudioDuration', () => {
  it('reads 400 s from a stored 48 kHz stereo float WAV (154 MB, written by sox)', async () => {
    const path = join(root, 'stored.wav');
    run('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '2',
      '-e',
      'floating-point',
      '-b',
      '32',
      path,
      'trim',
      '0',
      '400',
    ]);
    expect(await readAudioDuration(path)).toBe(400);
  });

  it.each([
    ['FLAC', 'long.flac', 'flac'],
    ['Ogg Vorbis', 'long.ogg', 'libvorbis'],
    ['MP3', 'long.mp3', 'libmp3lame'],
  ])('reads about 400 s from a %s file', async (_label, name, codec) => {
    const path = join(root, name);
    run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=8000:cl=mono',
      '-t',
      '400',
      '-c:a',
      codec,
      path,
    ]);
    const seconds = await readAudioDuration(path);
    expect(seconds).toBeGreaterThanOrEqual(400);
    expect(seconds).toBeLessThan(401); // MP3 adds encoder padding
  });

  it('is null for a missing file, a text file and a WAV without a data chunk', async () => {
    expect(await readAudioDuration(join(root, 'nothing-here.wav'))).toBeNull();
    const text = join(root, 'notes.wav');
    await writeFile(text, 'not audio at all');
    expect(await readAudioDuration(text)).toBeNull();
    const headless = join(root, 'headless.wav');
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0, 'latin1');
    riff.writeUInt32LE(4, 4);
    riff.write('WAVE', 8, 'latin1');
    await writeFile(headless, riff);
    expect(await readAudioDuration(headless)).toBeNull();
  });
});
