import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GencasterError } from '@gencaster/domain';

/** Content to import: a path on disk, bytes in memory, or a stream (e.g. an HTTP upload). */
export type AudioInput = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

/** A received input as a file on disk; `dispose` removes whatever was created for it. */
export interface ReceivedInput {
  path: string;
  bytes: number;
  dispose(): Promise<void>;
}

/** Options of {@link receiveInput}. */
export interface ReceiveInputOptions {
  maxBytes: number;
  /** Parent of the per-import temp folder; default the OS temp dir. */
  tempDir?: string;
}

/**
 * Puts the input into a file that ffprobe/ffmpeg can seek in. Streams are copied with a byte
 * counter and abandoned (source destroyed, partial copy deleted) as soon as they exceed `maxBytes`,
 * so an endless upload never fills memory or disk. Paths are used in place after a size check.
 */
export async function receiveInput(
  input: AudioInput,
  options: ReceiveInputOptions,
): Promise<ReceivedInput> {
  if (typeof input === 'string') return checkPath(input, options.maxBytes);
  if (input instanceof Uint8Array) checkSize(input.byteLength, options.maxBytes);

  const folder = await mkdtemp(join(options.tempDir ?? tmpdir(), 'gencaster-audio-'));
  const dispose = (): Promise<void> => rm(folder, { recursive: true, force: true });
  const path = join(folder, 'input');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) callback(overSize(options.maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    const source = input instanceof Uint8Array ? Readable.from([input]) : input;
    await pipeline(source, counter, createWriteStream(path, { flags: 'wx' }));
    checkSize(bytes, options.maxBytes);
    return { path, bytes, dispose };
  } catch (error) {
    await dispose();
    if (error instanceof GencasterError) throw error;
    throw new GencasterError('INVALID_INPUT', `the upload could not be read: ${String(error)}`, {
      cause: error,
    });
  }
}

async function checkPath(path: string, maxBytes: number): Promise<ReceivedInput> {
  const info = await stat(path).catch((error: unknown) => {
    throw new GencasterError('NOT_FOUND', `audio input ${path} does not exist`, { cause: error });
  });
  if (!info.isFile())
    throw new GencasterError('INVALID_INPUT', `audio input ${path} is not a regular file`);
  checkSize(info.size, maxBytes);
  return { path, bytes: info.size, dispose: () => Promise.resolve() };
}

function checkSize(bytes: number, maxBytes: number): void {
  if (bytes === 0) throw new GencasterError('INVALID_INPUT', 'the audio file is empty');
  if (bytes > maxBytes) throw overSize(maxBytes);
}

function overSize(maxBytes: number): GencasterError {
  return new GencasterError(
    'INVALID_INPUT',
    `the audio file is larger than the limit of ${maxBytes} bytes`,
    {
      details: { maxBytes },
    },
  );
}
