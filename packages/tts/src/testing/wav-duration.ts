/** Duration in seconds of a PCM WAV held in memory, from its fmt and data chunks (test helper). */
export function wavDurationSeconds(wav: Buffer): number {
  let offset = 12;
  let bytesPerSecond = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    const length = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') bytesPerSecond = wav.readUInt32LE(offset + 16);
    if (id === 'data') return Math.min(length, wav.length - offset - 8) / bytesPerSecond;
    offset += 8 + length + (length % 2);
  }
  throw new Error('no data chunk');
}
