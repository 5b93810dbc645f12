import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { GencasterError } from '@gencaster/domain';
import type { TransferEnvironment } from './transfer-types.ts';

/** Audio files stored during one import; `discard` removes them again if the import fails. */
export interface StoredAudioBatch {
  /** Decode-validates and stores bytes; INVALID_INPUT (from the importer) when they are not audio. */
  store(data: Uint8Array, fileName: string): Promise<{ uuid: string; file: string }>;
  /** Deletes every file stored so far (best effort). */
  discard(): Promise<void>;
}

/** Starts a batch on the environment's importer; UNAVAILABLE when audio import is not configured. */
export function createStoredAudioBatch(env: TransferEnvironment): StoredAudioBatch {
  const stored: string[] = [];
  return {
    async store(data, fileName) {
      const { importAudio, mediaRoot } = env;
      if (importAudio === undefined || mediaRoot === undefined) {
        throw new GencasterError('UNAVAILABLE', 'audio import is not configured on this server');
      }
      const result = await importAudio({ data, fileName, maxBytes: env.maxAudioBytes });
      stored.push(join(mediaRoot, result.file));
      return result;
    },
    async discard() {
      await Promise.all(stored.splice(0).map((path) => rm(path, { force: true })));
    },
  };
}

/**
 * The absolute path of a media-relative `file` inside `root`, or undefined when it would leave the
 * folder (`..`, absolute paths): file names in imported data are never trusted as paths.
 */
export function resolveInside(root: string, file: string): string | undefined {
  const path = join(root, file);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return path;
}
