import { existsSync } from 'node:fs';
import { GencasterError } from '@gencaster/domain';
import { originalGoogleVoices } from './espeak-voices.ts';
import type { SynthesizedSpeech, SynthesizeRequest, TtsProvider, Voice } from './tts-provider.ts';
import { validateSsml } from './validate-ssml.ts';

/** The request we send to Google's `synthesizeSpeech` (a subset of `ISynthesizeSpeechRequest`). */
export interface GoogleSynthesizeRequest {
  input: { ssml: string };
  voice: { languageCode: string; name: string };
  audioConfig: { audioEncoding: 'LINEAR16'; sampleRateHertz: number };
}

/** The part of `TextToSpeechClient` we use; tests inject their own to check requests offline. */
export interface GoogleTtsClient {
  synthesizeSpeech(
    request: GoogleSynthesizeRequest,
    options: { timeout: number },
  ): Promise<[{ audioContent?: Uint8Array | string | null }, ...unknown[]]>;
}

/** Options of {@link createGoogleProvider}. */
export interface GoogleProviderOptions {
  /** Default: a real `TextToSpeechClient` using GOOGLE_APPLICATION_CREDENTIALS, created on first use. */
  client?: GoogleTtsClient;
  /** Per-call deadline; default 30 s. */
  timeoutMs?: number;
  /** Sample rate requested from Google; default 48 kHz, the rate scsynth runs at. */
  sampleRateHertz?: number;
}

const googleVoicePattern = /^([a-z]{2,3}-[A-Za-z]{2})-[A-Za-z0-9]+-[A-Za-z0-9]+$/;

/** True when Google TTS credentials are configured: GOOGLE_APPLICATION_CREDENTIALS names an existing file. */
export function isGoogleTtsConfigured(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const path = env.GOOGLE_APPLICATION_CREDENTIALS;
  return path !== undefined && path !== '' && existsSync(path);
}

/**
 * Builds the request for one synthesis: the language code is the voice name's first part
 * (`de-DE-Neural2-C` → `de-DE`; the original always sent `de-de`), audio is LINEAR16 (a WAV).
 */
export function toGoogleRequest(
  request: SynthesizeRequest,
  sampleRateHertz = 48_000,
): GoogleSynthesizeRequest {
  const match = googleVoicePattern.exec(request.voice);
  if (!match) {
    throw new GencasterError(
      'INVALID_INPUT',
      `"${request.voice}" is not a Google voice name (like de-DE-Neural2-C)`,
    );
  }
  return {
    input: { ssml: request.ssml },
    voice: { languageCode: match[1] ?? '', name: request.voice },
    audioConfig: { audioEncoding: 'LINEAR16', sampleRateHertz },
  };
}

/**
 * Google Cloud Text-to-Speech (v1). Only usable when credentials are configured (see
 * {@link isGoogleTtsConfigured}); LINEAR16 responses already carry a WAV header. gRPC
 * INVALID_ARGUMENT maps to INVALID_INPUT, every other failure to UNAVAILABLE.
 */
export function createGoogleProvider(options: GoogleProviderOptions = {}): TtsProvider {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let client: Promise<GoogleTtsClient> | undefined = options.client
    ? Promise.resolve(options.client)
    : undefined;
  const voices: Voice[] = Object.entries(originalGoogleVoices).map(([id, gender]) => ({
    id,
    language: id.slice(0, 5),
    gender,
  }));
  return {
    name: 'google',
    voices: () => voices.map((voice) => ({ ...voice })),
    async synthesize(request: SynthesizeRequest): Promise<SynthesizedSpeech> {
      validateSsml(request.ssml);
      const googleRequest = toGoogleRequest(request, options.sampleRateHertz);
      client ??= createRealClient();
      let response: { audioContent?: Uint8Array | string | null };
      try {
        [response] = await (await client).synthesizeSpeech(googleRequest, { timeout: timeoutMs });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const text = error instanceof Error ? error.message : String(error);
        throw new GencasterError(
          code === 3 ? 'INVALID_INPUT' : 'UNAVAILABLE',
          `Google TTS failed: ${text}`,
          {
            cause: error,
          },
        );
      }
      const content = response.audioContent;
      if (!content || content.length === 0)
        throw new GencasterError('UNAVAILABLE', 'Google TTS returned no audio');
      const audio =
        typeof content === 'string' ? Buffer.from(content, 'base64') : Buffer.from(content);
      return { audio, mimeType: 'audio/wav' };
    },
  };
}

async function createRealClient(): Promise<GoogleTtsClient> {
  if (!isGoogleTtsConfigured()) {
    throw new GencasterError(
      'UNAVAILABLE',
      'Google TTS is not configured: set GOOGLE_APPLICATION_CREDENTIALS',
    );
  }
  const { TextToSpeechClient } = await import('@google-cloud/text-to-speech');
  const real = new TextToSpeechClient();
  return {
    synthesizeSpeech: (request, callOptions) => real.synthesizeSpeech(request, callOptions),
  };
}
