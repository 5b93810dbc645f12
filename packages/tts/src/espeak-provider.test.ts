import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { createEspeakProvider } from './espeak-provider.ts';
import { wavDurationSeconds } from './testing/wav-duration.ts';

const espeakMissing = spawnSync('espeak-ng', ['--version']).error !== undefined;
if (espeakMissing)
  console.warn(
    '[tts] skipping espeak-ng tests: espeak-ng is not installed (Debian package espeak-ng)',
  );

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe.skipIf(espeakMissing)('espeak-ng provider (real espeak-ng)', () => {
  const tts = createEspeakProvider();

  it('speaks SSML into a complete 22.05 kHz mono WAV with corrected sizes', async () => {
    const { audio, mimeType } = await tts.synthesize({
      ssml: '<speak>Hallo Welt</speak>',
      voice: 'de',
    });
    expect(mimeType).toBe('audio/wav');
    expect(audio.toString('latin1', 0, 4)).toBe('RIFF');
    expect(audio.readUInt32LE(4)).toBe(audio.length - 8);
    expect(audio.readUInt16LE(22)).toBe(1); // mono
    expect(audio.readUInt32LE(24)).toBe(22_050);
    const seconds = wavDurationSeconds(audio);
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(2);
  });

  it('interprets SSML: a 500 ms break makes speech about 500 ms longer, tags are not spoken', async () => {
    const plain = await tts.synthesize({
      ssml: '<speak>Hallo Welt, wie geht es dir?</speak>',
      voice: 'de',
    });
    const pause = await tts.synthesize({
      ssml: '<speak>Hallo <break time="500ms"/> Welt, wie geht es dir?</speak>',
      voice: 'de',
    });
    const added = wavDurationSeconds(pause.audio) - wavDurationSeconds(plain.audio);
    expect(added).toBeGreaterThan(0.35);
    expect(added).toBeLessThan(0.8);
  });

  it('maps Google voice names to espeak variants, in the request and in <voice> elements', async () => {
    const ssml = '<speak>Guten Morgen</speak>';
    const female = await tts.synthesize({ ssml, voice: 'de-DE-Neural2-C' });
    const femaleNative = await tts.synthesize({ ssml, voice: 'de+f3' });
    const male = await tts.synthesize({ ssml, voice: 'de-DE-Neural2-B' });
    expect(female.audio.equals(femaleNative.audio)).toBe(true);
    expect(female.audio.equals(male.audio)).toBe(false);

    const inline = await tts.synthesize({
      ssml: '<speak><voice name="de-DE-Neural2-B">Guten Morgen</voice></speak>',
      voice: 'de',
    });
    const inlineNative = await tts.synthesize({
      ssml: '<speak><voice name="de+m2">Guten Morgen</voice></speak>',
      voice: 'de',
    });
    const inlineDefault = await tts.synthesize({
      ssml: '<speak>Guten Morgen</speak>',
      voice: 'de',
    });
    expect(inline.audio.equals(inlineNative.audio)).toBe(true);
    expect(inline.audio.equals(inlineDefault.audio)).toBe(false);
  });

  it('speaks English and French voices', async () => {
    for (const voice of ['en-us', 'en-gb+f3', 'fr-fr']) {
      const { audio } = await tts.synthesize({ ssml: '<speak>Hello, bonjour</speak>', voice });
      expect(wavDurationSeconds(audio)).toBeGreaterThan(0.3);
    }
  });

  it('rejects invalid SSML, over-long text and unknown voices with INVALID_INPUT', async () => {
    for (const request of [
      { ssml: '<speak>Fish & Chips</speak>', voice: 'de' },
      { ssml: `<speak>${'x'.repeat(5000)}</speak>`, voice: 'de' },
      { ssml: '<speak>Hallo</speak>', voice: 'tlh-QO-Standard-A' },
    ]) {
      expect(isGencasterError(await failure(tts.synthesize(request)), 'INVALID_INPUT')).toBe(true);
    }
  });

  it('times out (TIMEOUT) and reports a missing binary (UNAVAILABLE)', async () => {
    const slow = createEspeakProvider({ timeoutMs: 1 });
    const long = `<speak>${'Dies ist ein ziemlich langer Satz. '.repeat(100)}</speak>`;
    expect(
      isGencasterError(await failure(slow.synthesize({ ssml: long, voice: 'de' })), 'TIMEOUT'),
    ).toBe(true);
    const missing = createEspeakProvider({ binary: '/nonexistent/espeak-ng' });
    const error = await failure(missing.synthesize({ ssml: '<speak>x</speak>', voice: 'de' }));
    expect(isGencasterError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/espeak-ng/);
  });
});
