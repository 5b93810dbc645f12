// Issue 18 §2: the speech cache is keyed by provider as well as text and voice, so switching
// providers never serves the other provider's audio; migration 0008 gives existing entries the
// provider that made them (espeak-ng, the default).
import { describeEachEngine } from '@gencaster/db/testing';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { migrations } from '../migrations/index.ts';
import { createAudioFile } from './audio-files.ts';
import { createTextToSpeech, findTextToSpeech } from './text-to-speech.ts';

describeEachEngine(
  'speech cache keyed by provider',
  (getDb) => {
    it('same text and voice with two providers gives two entries, each with its own audio', async () => {
      const text = '<speak>Guten Morgen</speak>';
      const voiceName = 'de-DE-Neural2-C';
      const espeakAudio = await createAudioFile(getDb(), { name: 'espeak', extension: '.wav' });
      const googleAudio = await createAudioFile(getDb(), { name: 'google', extension: '.wav' });
      const espeak = await createTextToSpeech(getDb(), {
        provider: 'espeak-ng',
        text,
        voiceName,
        audioFileUuid: espeakAudio.uuid,
      });
      expect(await findTextToSpeech(getDb(), { provider: 'google', text, voiceName })).toBe(
        undefined,
      );
      const google = await createTextToSpeech(getDb(), {
        provider: 'google',
        text,
        voiceName,
        audioFileUuid: googleAudio.uuid,
      });
      expect(espeak.uuid).not.toBe(google.uuid);
      expect(
        await getDb()
          .db.selectFrom('textToSpeech')
          .select(['provider', 'audioFileUuid'])
          .where('text', '=', text)
          .orderBy('provider')
          .execute(),
      ).toEqual([
        { provider: 'espeak-ng', audioFileUuid: espeakAudio.uuid },
        { provider: 'google', audioFileUuid: googleAudio.uuid },
      ]);
      // each provider gets its own audio, also after the other saved a newer entry
      expect(
        await findTextToSpeech(getDb(), { provider: 'espeak-ng', text, voiceName }),
      ).toMatchObject({
        uuid: espeak.uuid,
        provider: 'espeak-ng',
        audioFileUuid: espeakAudio.uuid,
      });
      expect(
        await findTextToSpeech(getDb(), { provider: 'google', text, voiceName }),
      ).toMatchObject({
        uuid: google.uuid,
        provider: 'google',
        audioFileUuid: googleAudio.uuid,
      });
      expect(await findTextToSpeech(getDb(), { provider: 'azure', text, voiceName })).toBe(
        undefined,
      );
    });

    it('refuses an entry without a provider', async () => {
      const audio = await createAudioFile(getDb(), { extension: '.wav' });
      await expect(
        createTextToSpeech(getDb(), {
          provider: '',
          text: '<speak>x</speak>',
          audioFileUuid: audio.uuid,
        }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      // the column has no default: a write that bypasses the schema cannot leave it out either
      await expect(
        getDb()
          .db.insertInto('textToSpeech')
          .values({ text: '<speak>x</speak>', audioFileUuid: audio.uuid } as never)
          .execute(),
      ).rejects.toThrow();
    });

    it('migration 0008 gives entries made before it the provider espeak-ng', async () => {
      // this test's own database, emptied and migrated up to 0007 as an older Gencaster left it
      const db = getDb();
      await sql`drop schema public cascade`.execute(db.db);
      await sql`create schema public`.execute(db.db);
      const before = migrations.filter((migration) => migration.name < '0008');
      await migrate(db, before);
      const audio = await sql<{ uuid: string }>`
        insert into audio_file (name, file) values ('old', 'audio_files/old.wav') returning uuid
      `.execute(db.db);
      await sql`
        insert into text_to_speech (audio_file_uuid, text, voice_name)
        values (${audio.rows[0]!.uuid}, '<speak>Alt</speak>', 'de')
      `.execute(db.db);
      expect((await migrate(db)).applied[0]).toBe('0008-tts-provider');
      const found = await findTextToSpeech(db, {
        provider: 'espeak-ng',
        text: '<speak>Alt</speak>',
        voiceName: 'de',
      });
      expect(found).toMatchObject({ provider: 'espeak-ng', audioFileUuid: audio.rows[0]!.uuid });
      expect(
        await findTextToSpeech(db, {
          provider: 'google',
          text: '<speak>Alt</speak>',
          voiceName: 'de',
        }),
      ).toBe(undefined);
    });
  },
  { fresh: 'test' },
);
