import {
  createTtsSchema,
  parseInput,
  ttsKeySchema,
  type CreateTtsInput,
  type TextToSpeech,
  type TtsKeyInput,
} from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/**
 * The newest cache entry for exactly this (provider, text, voice), or undefined (a cache miss):
 * an entry another provider made for the same text and voice is never returned.
 */
export async function findTextToSpeech(
  handle: DbHandle,
  key: TtsKeyInput,
): Promise<TextToSpeech | undefined> {
  const input = parseInput(ttsKeySchema, key);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('textToSpeech')
      .selectAll()
      .where('provider', '=', input.provider)
      .where('voiceName', '=', input.voiceName)
      .where(sql<string>`md5(text)`, '=', sql<string>`md5(${input.text})`)
      .where('text', '=', input.text)
      .orderBy('createdDate', 'desc')
      .executeTakeFirst(),
  );
}

/** Stores a cache entry for (provider, text, voice) pointing at an existing audio file. */
export async function createTextToSpeech(
  handle: DbHandle,
  entry: CreateTtsInput,
): Promise<TextToSpeech> {
  const input = parseInput(createTtsSchema, entry);
  return withDatabaseErrors(() =>
    handle.db.insertInto('textToSpeech').values(input).returningAll().executeTakeFirstOrThrow(),
  );
}
