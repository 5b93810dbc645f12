import { open } from 'node:fs/promises';
import { inspectAudio } from './inspect-audio.ts';
import { readWavLayout } from './read-wav-layout.ts';

/**
 * Seconds of audio in a stored file, read from its header; null when it cannot be told (missing,
 * unreadable or not audio). Stored files are the WAVs the import wrote, so the RIFF chunk headers
 * are read directly (no process, exact frame count); anything else (FLAC, Ogg, MP3 …) is asked
 * of ffprobe, whose figure comes from the container (STREAMINFO, last granule, Xing frames …).
 * Never rejects: callers use the answer to size a deadline and choose their own fallback.
 *
 * @example
 * const seconds = await readAudioDuration('/data/media/audio_files/3f2c….wav'); // 412.5
 */
export async function readAudioDuration(path: string): Promise<number | null> {
  try {
    if (await isRiffWave(path)) {
      const layout = await readWavLayout(path);
      return layout.sampleRate > 0 ? layout.frames / layout.sampleRate : null;
    }
    return (await inspectAudio(path)).durationSeconds;
  } catch {
    return null;
  }
}

async function isRiffWave(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await file.read(head, 0, 12, 0);
    return (
      bytesRead === 12 &&
      head.toString('latin1', 0, 4) === 'RIFF' &&
      head.toString('latin1', 8, 12) === 'WAVE'
    );
  } finally {
    await file.close();
  }
}
