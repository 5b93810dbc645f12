import { join } from 'node:path';
import { importAudioFile } from '@gencaster/audio';
import { AUDIO_FILE_FOLDER } from '@gencaster/db';
import type { ApiServices } from './services.ts';

/**
 * The `audio` service on `@gencaster/audio`: decodes the whole upload (rejecting non-audio, corrupt
 * or truncated files with INVALID_INPUT), stores it as WAV under `<mediaRoot>/audio_files/<uuid>.wav`.
 */
export function createAudioImporter(options: {
  mediaRoot: string;
  tempDir?: string;
}): NonNullable<ApiServices['audio']> {
  return {
    async importAudioFile({ data, path, fileName, maxBytes }) {
      const imported = await importAudioFile({
        input: path ?? data ?? new Uint8Array(),
        originalName: fileName,
        storageDir: join(options.mediaRoot, AUDIO_FILE_FOLDER),
        maxBytes,
        ...(options.tempDir ? { tempDir: options.tempDir } : {}),
      });
      const uuid = imported.storedName.replace(/\.wav$/, '');
      return { uuid, file: `${AUDIO_FILE_FOLDER}/${imported.storedName}` };
    },
  };
}
