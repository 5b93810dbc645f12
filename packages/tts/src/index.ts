export type {
  TtsProvider,
  Voice,
  VoiceGender,
  SynthesizeRequest,
  SynthesizedSpeech,
} from './tts-provider.ts';
export { validateSsml, maxSsmlLength, allowedSsmlElements } from './validate-ssml.ts';
export {
  listEspeakVoices,
  resolveEspeakVoice,
  espeakLanguages,
  defaultEspeakVoice,
  originalGoogleVoices,
} from './espeak-voices.ts';
export { createEspeakProvider, type EspeakProviderOptions } from './espeak-provider.ts';
export {
  createGoogleProvider,
  isGoogleTtsConfigured,
  toGoogleRequest,
  type GoogleProviderOptions,
  type GoogleTtsClient,
  type GoogleSynthesizeRequest,
} from './google-provider.ts';
export { createTtsProviderFromEnv, type TtsProviderFromEnvOptions } from './create-tts-provider.ts';
export {
  createCachedTts,
  type CachedTts,
  type CachedTtsOptions,
  type ImportSpeechAudio,
  type SpeakRequest,
  type SpokenText,
  type TtsAudioFile,
  type TtsCacheEntry,
  type TtsCacheKey,
  type TtsCacheStore,
} from './tts-cache.ts';
export { fixWavSizes } from './wav-header.ts';
export {
  createMemoryTtsCacheStore,
  type MemoryTtsCacheStore,
} from './testing/memory-tts-cache-store.ts';
