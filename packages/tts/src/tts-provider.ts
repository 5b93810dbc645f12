/** Gender of a voice as the editor shows it. */
export type VoiceGender = 'female' | 'male' | 'neutral';

/** A voice a provider can speak with. */
export interface Voice {
  /** The name passed to `synthesize`, e.g. `de`, `de+f3` or `de-DE-Neural2-C`. */
  id: string;
  /** BCP 47 language tag, e.g. `de-DE`. */
  language: string;
  gender: VoiceGender;
  /** Set when this id is another provider's name that is mapped onto `aliasOf`. */
  aliasOf?: string;
}

/** One synthesis request: SSML (a `<speak>` document, at most 5000 characters) and a voice id. */
export interface SynthesizeRequest {
  ssml: string;
  voice: string;
}

/** Synthesised speech: a complete WAV file in memory. */
export interface SynthesizedSpeech {
  audio: Buffer;
  mimeType: 'audio/wav';
}

/**
 * A text-to-speech engine. Implementations: espeak-ng (local default) and Google Cloud TTS.
 * `synthesize` validates the SSML first and rejects with INVALID_INPUT (bad SSML, unknown voice),
 * TIMEOUT or UNAVAILABLE (engine missing / not configured).
 */
export interface TtsProvider {
  readonly name: string;
  voices(): Voice[];
  synthesize(request: SynthesizeRequest): Promise<SynthesizedSpeech>;
}
