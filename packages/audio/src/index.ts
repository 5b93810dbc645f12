export {
  importAudioFile,
  maxStoredSeconds,
  type ImportAudioFileOptions,
  type ImportedAudio,
} from './import-audio-file.ts';
export { inspectAudio, type AudioInfo, type InspectAudioOptions } from './inspect-audio.ts';
export type { ConversionProgress } from './convert-audio.ts';
export type { AudioInput } from './receive-input.ts';
export { allowedDemuxers, allowedCodecs, storedSampleRate } from './audio-formats.ts';
export { checkOggComplete, type OggCompleteness } from './check-ogg-complete.ts';
export { readAudioDuration } from './read-audio-duration.ts';
