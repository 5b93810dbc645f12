import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { importAudioFile, type ImportAudioFileOptions } from '../import-audio-file.ts';

/** The storage dir and temp dir of one import, so leftovers can be checked exactly. */
export interface ImportDirs {
  storageDir: string;
  tempDir: string;
}

/** Starts an import into fresh folders under `root` (limit 50 MiB unless overridden). */
export async function importInto(
  root: string,
  input: ImportAudioFileOptions['input'],
  originalName: string,
  extra: Partial<ImportAudioFileOptions> = {},
) {
  const base = await mkdtemp(join(root, 'case-'));
  const dirs: ImportDirs = { storageDir: join(base, 'audio_files'), tempDir: join(base, 'tmp') };
  await Promise.all([mkdir(dirs.storageDir), mkdir(dirs.tempDir)]);
  const result = importAudioFile({
    input,
    originalName,
    maxBytes: 50 * 2 ** 20,
    ...dirs,
    ...extra,
  });
  return { dirs, result };
}

/** Every file left in the storage and temp folders. */
export async function leftovers(dirs: ImportDirs): Promise<string[]> {
  const lists = await Promise.all(
    [dirs.storageDir, dirs.tempDir].map((dir) => readdir(dir).catch(() => [])),
  );
  return lists.flat();
}

/** Asserts an INVALID_INPUT rejection with a matching message and no files left behind. */
export async function expectRejected(
  promise: Promise<unknown>,
  dirs: ImportDirs,
  message: RegExp,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isGencasterError(error, 'INVALID_INPUT'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect(await leftovers(dirs)).toEqual([]);
}
