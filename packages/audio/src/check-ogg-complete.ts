import { open } from 'node:fs/promises';

/** Result of walking an Ogg file's pages. */
export type OggCompleteness = 'complete' | 'truncated' | 'no-end-of-stream';

const headerSize = 27;

/**
 * Walks the page headers of an Ogg file without decoding. ffmpeg decodes a cut Ogg file without a
 * single error and its duration comes from the last granule present, so this is how truncation
 * shows: the last page runs past the end of the file, or no page carries the end-of-stream flag.
 */
export async function checkOggComplete(path: string): Promise<OggCompleteness> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(headerSize + 255);
    let offset = 0;
    let sawEndOfStream = false;
    while (offset < size) {
      const { bytesRead } = await file.read(header, 0, header.length, offset);
      if (bytesRead < headerSize || header.toString('latin1', 0, 4) !== 'OggS') return 'truncated';
      const flags = header[5] ?? 0;
      const segments = header[26] ?? 0;
      if (bytesRead < headerSize + segments) return 'truncated';
      let body = 0;
      for (let index = 0; index < segments; index += 1) body += header[headerSize + index] ?? 0;
      offset += headerSize + segments + body;
      if (offset > size) return 'truncated';
      if (flags & 0x04) sawEndOfStream = true;
    }
    return sawEndOfStream ? 'complete' : 'no-end-of-stream';
  } finally {
    await file.close();
  }
}
