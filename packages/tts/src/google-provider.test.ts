import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { createTtsProviderFromEnv } from './create-tts-provider.ts';
import {
  createGoogleProvider,
  isGoogleTtsConfigured,
  type GoogleSynthesizeRequest,
  type GoogleTtsClient,
} from './google-provider.ts';

// No network here: a live Google call is impossible, so the client is injected and records requests.
function recordingClient(reply: () => Promise<{ audioContent?: Uint8Array | string | null }>) {
  const calls: Array<{ request: GoogleSynthesizeRequest; options: { timeout: number } }> = [];
  const client: GoogleTtsClient = {
    async synthesizeSpeech(request, options) {
      calls.push({ request, options });
      return [await reply()];
    },
  };
  return { client, calls };
}

const fakeWav = Buffer.from('RIFF....WAVEfmt fake');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('Google Cloud TTS provider (request mapping, offline)', () => {
  it('sends SSML, the voice with its language code and LINEAR16 at 48 kHz, with a deadline', async () => {
    const { client, calls } = recordingClient(() => Promise.resolve({ audioContent: fakeWav }));
    const tts = createGoogleProvider({ client, timeoutMs: 12_345 });
    const result = await tts.synthesize({
      ssml: '<speak>Hallo Welt</speak>',
      voice: 'de-DE-Neural2-C',
    });
    expect(calls).toEqual([
      {
        request: {
          input: { ssml: '<speak>Hallo Welt</speak>' },
          voice: { languageCode: 'de-DE', name: 'de-DE-Neural2-C' },
          audioConfig: { audioEncoding: 'LINEAR16', sampleRateHertz: 48_000 },
        },
        options: { timeout: 12_345 },
      },
    ]);
    expect(result).toEqual({ audio: fakeWav, mimeType: 'audio/wav' });
    expect(tts.name).toBe('google');
    expect(tts.voices().find((voice) => voice.id === 'de-DE-Neural2-B')).toEqual({
      id: 'de-DE-Neural2-B',
      language: 'de-DE',
      gender: 'male',
    });
  });

  it('derives the language from other voice names and decodes base64 audio', async () => {
    const { client, calls } = recordingClient(() =>
      Promise.resolve({ audioContent: fakeWav.toString('base64') }),
    );
    const result = await createGoogleProvider({ client }).synthesize({
      ssml: '<speak>Hi</speak>',
      voice: 'en-GB-Wavenet-A',
    });
    expect(calls[0]?.request.voice).toEqual({ languageCode: 'en-GB', name: 'en-GB-Wavenet-A' });
    expect(result.audio.equals(fakeWav)).toBe(true);
  });

  it('validates before calling: bad SSML and non-Google voice names never reach the client', async () => {
    const { client, calls } = recordingClient(() => Promise.resolve({ audioContent: fakeWav }));
    const tts = createGoogleProvider({ client });
    for (const request of [
      { ssml: '<speak>a & b</speak>', voice: 'de-DE-Neural2-C' },
      { ssml: '<speak>ok</speak>', voice: 'de+f3' },
    ]) {
      expect(isGencasterError(await failure(tts.synthesize(request)), 'INVALID_INPUT')).toBe(true);
    }
    expect(calls).toHaveLength(0);
  });

  it('maps gRPC INVALID_ARGUMENT to INVALID_INPUT, other failures and empty audio to UNAVAILABLE', async () => {
    const invalid = Object.assign(new Error('3 INVALID_ARGUMENT: bad ssml'), { code: 3 });
    const down = Object.assign(new Error('14 UNAVAILABLE: no route'), { code: 14 });
    const cases = [
      { reply: () => Promise.reject(invalid), code: 'INVALID_INPUT' as const },
      { reply: () => Promise.reject(down), code: 'UNAVAILABLE' as const },
      { reply: () => Promise.resolve({ audioContent: null }), code: 'UNAVAILABLE' as const },
    ];
    for (const { reply, code } of cases) {
      const { client } = recordingClient(reply);
      const error = await failure(
        createGoogleProvider({ client }).synthesize({
          ssml: '<speak>x</speak>',
          voice: 'de-DE-Neural2-C',
        }),
      );
      expect(isGencasterError(error, code), String(error)).toBe(true);
    }
  });

  it('is only configured when GOOGLE_APPLICATION_CREDENTIALS names an existing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gencaster-google-'));
    try {
      const credentials = join(dir, 'key.json');
      await writeFile(credentials, '{}');
      expect(isGoogleTtsConfigured({})).toBe(false);
      expect(isGoogleTtsConfigured({ GOOGLE_APPLICATION_CREDENTIALS: '' })).toBe(false);
      expect(
        isGoogleTtsConfigured({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'missing.json') }),
      ).toBe(false);
      expect(isGoogleTtsConfigured({ GOOGLE_APPLICATION_CREDENTIALS: credentials })).toBe(true);
      expect(createTtsProviderFromEnv({ env: {} }).name).toBe('espeak-ng');
      expect(
        createTtsProviderFromEnv({ env: { GOOGLE_APPLICATION_CREDENTIALS: credentials } }).name,
      ).toBe('google');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without an injected client and without credentials it fails with UNAVAILABLE, not a network call', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      const error = await failure(
        createGoogleProvider().synthesize({ ssml: '<speak>x</speak>', voice: 'de-DE-Neural2-C' }),
      );
      expect(isGencasterError(error, 'UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    } finally {
      if (saved !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });
});
