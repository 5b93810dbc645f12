import { GencasterError } from '@gencaster/domain';

/**
 * Rewrites the RIFF and data chunk sizes of a WAV held in memory to match its real length.
 * espeak-ng `--stdout` cannot seek back, so it writes placeholder sizes (~2 GiB); a corrected
 * header lets every reader (and our truncation check) trust the file.
 */
export function fixWavSizes(wav: Buffer): Buffer {
  if (
    wav.length < 44 ||
    wav.toString('latin1', 0, 4) !== 'RIFF' ||
    wav.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    throw new GencasterError('INTERNAL', 'speech engine did not produce a WAV file');
  }
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    if (id === 'data') {
      const fixed = Buffer.from(wav);
      fixed.writeUInt32LE(wav.length - offset - 8, offset + 4);
      fixed.writeUInt32LE(wav.length - 8, 4);
      return fixed;
    }
    const length = wav.readUInt32LE(offset + 4);
    offset += 8 + length + (length % 2);
  }
  throw new GencasterError('INTERNAL', 'speech engine produced a WAV file without a data chunk');
}
