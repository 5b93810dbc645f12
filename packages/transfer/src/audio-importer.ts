import { randomUUID } from 'node:crypto';
import { chmod, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { importAudioFile } from '@gencaster/audio';
import { AUDIO_FILE_FOLDER } from '@gencaster/db';

/** Where imported audio is converted before it gets its final name (inside the media root). */
const INCOMING_FOLDER = 'incoming';

/** Options of {@link createAudioImporter}. */
export interface AudioImporterOptions {
  /** Root of stored media; AudioFile.file paths are relative to it. */
  mediaRoot: string;
  /** Upper bound for every import (the server's upload limit); each call may ask for less. */
  maxBytes?: number;
}

/** One audio file to import: in memory, or a file on disk. */
export interface AudioUpload {
  /** The upload in memory, or … */
  data?: Uint8Array;
  /** … a file on disk (a streamed multipart upload), read in place and left for the caller. */
  path?: string;
  /** The client's file name: a format hint for the decoder, never a path. */
  fileName: string;
  /** Largest accepted input for this call. */
  maxBytes: number;
}

/** Imports audio into the media library (the one upload path of server, CLI and tests). */
export interface AudioImporter {
  /**
   * Validates by decoding all of it (INVALID_INPUT for empty, over-size, non-audio, corrupt or
   * truncated input), converts to 48 kHz and stores it as `audio_files/<uuid>.wav`; resolves with
   * that uuid and path relative to the media root. The caller records the AudioFile row.
   */
  importAudioFile(upload: AudioUpload): Promise<{ uuid: string; file: string }>;
}

/** The folder of the media root where conversions run before {@link publishAudio}. */
export function incomingAudioFolder(mediaRoot: string): string {
  return join(mediaRoot, INCOMING_FOLDER);
}

/**
 * Creates the audio importer on `@gencaster/audio`. Files are converted into `<mediaRoot>/incoming`
 * and renamed to their generated name only when valid, so a failed import leaves nothing behind.
 *
 * @example
 * const importer = createAudioImporter({ mediaRoot, maxBytes: 512 * 2 ** 20 });
 * const { uuid, file } = await importer.importAudioFile({ data, fileName: 'intro.mp3', maxBytes });
 */
export function createAudioImporter(options: AudioImporterOptions): AudioImporter {
  const { mediaRoot } = options;
  const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
  return {
    async importAudioFile(upload) {
      const imported = await importAudioFile({
        input:
          upload.path ??
          Buffer.from(
            upload.data?.buffer ?? new ArrayBuffer(0),
            upload.data?.byteOffset ?? 0,
            upload.data?.byteLength ?? 0,
          ),
        originalName: upload.fileName,
        storageDir: incomingAudioFolder(mediaRoot),
        maxBytes: Math.min(upload.maxBytes, limit),
      });
      const uuid = randomUUID();
      const file = `${AUDIO_FILE_FOLDER}/${uuid}.wav`;
      await publishAudio(mediaRoot, imported.path, file);
      return { uuid, file };
    },
  };
}

/**
 * Moves a converted file into the library, readable for the sound fleet: scsynth plays it as the
 * unprivileged sound user, which reaches `media/` only through the data dir (0710) and media dir
 * (0750) the fleet opened to its group, so 0644/0755 here expose nothing to other users; without
 * the explicit modes the backend's umask (0077) would make the file unplayable.
 */
export async function publishAudio(mediaRoot: string, from: string, file: string): Promise<void> {
  const folder = join(mediaRoot, AUDIO_FILE_FOLDER);
  await mkdir(folder, { recursive: true });
  await chmod(folder, 0o755);
  await rename(from, join(mediaRoot, file));
  await chmod(join(mediaRoot, file), 0o644);
}
