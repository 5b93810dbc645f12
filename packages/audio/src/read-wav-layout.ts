import { open } from 'node:fs/promises';
import { GencasterError } from '@gencaster/domain';

/** Sample layout and exact length of a RIFF/WAVE file. */
export interface WavLayout {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Sample frames in the data chunk (clamped to the bytes actually present). */
  frames: number;
}

/**
 * Reads the chunk headers of a WAV file we wrote ourselves and counts its sample frames. ffprobe
 * rounds an empty data chunk up to one sample, so the stored duration comes from here instead.
 */
export async function readWavLayout(path: string): Promise<WavLayout> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
      throw new GencasterError('INTERNAL', 'converted file is not a RIFF/WAVE file');
    }
    const chunk = Buffer.alloc(8);
    const format = Buffer.alloc(16);
    let offset = 12;
    let layout: Omit<WavLayout, 'frames'> | undefined;
    while (offset + 8 <= size) {
      await file.read(chunk, 0, 8, offset);
      const id = chunk.toString('latin1', 0, 4);
      const length = chunk.readUInt32LE(4);
      if (id === 'fmt ') {
        await file.read(format, 0, 16, offset + 8);
        layout = {
          channels: format.readUInt16LE(2),
          sampleRate: format.readUInt32LE(4),
          bitsPerSample: format.readUInt16LE(14),
        };
      } else if (id === 'data') {
        if (!layout) break;
        const bytes = Math.min(length, size - offset - 8);
        const frameBytes = layout.channels * (layout.bitsPerSample / 8);
        return { ...layout, frames: frameBytes > 0 ? Math.floor(bytes / frameBytes) : 0 };
      }
      offset += 8 + length + (length % 2);
    }
    throw new GencasterError('INTERNAL', 'converted WAV file has no fmt/data chunk');
  } finally {
    await file.close();
  }
}
