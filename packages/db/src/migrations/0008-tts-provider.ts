// The speech cache is keyed by provider as well as text and voice: espeak-ng and Google speak the
// same voice name differently, so switching providers must never serve the other one's audio.
// Entries from before were made by the default provider, espeak-ng (Google needs credentials the
// backend never had by default); the default is dropped afterwards so every new entry names its
// provider. The lookup index leads with the provider.

/** Statements of migration 0008. */
export const ttsProvider: readonly string[] = [
  `ALTER TABLE text_to_speech ADD COLUMN provider varchar(64) NOT NULL DEFAULT 'espeak-ng'
    CHECK (provider <> '')`,
  `ALTER TABLE text_to_speech ALTER COLUMN provider DROP DEFAULT`,
  `DROP INDEX text_to_speech_key`,
  `CREATE INDEX text_to_speech_key ON text_to_speech(provider, voice_name, md5(text))`,
];
