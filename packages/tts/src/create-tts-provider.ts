import { createEspeakProvider, type EspeakProviderOptions } from './espeak-provider.ts';
import { createGoogleProvider, isGoogleTtsConfigured } from './google-provider.ts';
import type { TtsProvider } from './tts-provider.ts';

/** Options of {@link createTtsProviderFromEnv}. */
export interface TtsProviderFromEnvOptions {
  env?: Readonly<Record<string, string | undefined>>;
  espeak?: EspeakProviderOptions;
}

/**
 * Picks the speech engine: Google Cloud TTS when GOOGLE_APPLICATION_CREDENTIALS names an existing
 * file, espeak-ng otherwise (works offline, the default).
 */
export function createTtsProviderFromEnv(options: TtsProviderFromEnvOptions = {}): TtsProvider {
  if (isGoogleTtsConfigured(options.env ?? process.env)) return createGoogleProvider();
  return createEspeakProvider(options.espeak);
}
