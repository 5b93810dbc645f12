/**
 * Demuxers ffmpeg/ffprobe may use on uploaded content. Probing is restricted to these, so a PNG or
 * a playlist renamed `.wav` is never opened by another demuxer (an HLS playlist could make ffmpeg
 * fetch URLs). `mov` covers m4a/mp4, `matroska` covers webm (browser recordings).
 */
export const allowedDemuxers = [
  'wav',
  'w64',
  'flac',
  'mp3',
  'ogg',
  'aiff',
  'mov',
  'matroska',
] as const;

/** Audio codecs accepted inside those containers (`pcm_*` is matched by prefix). */
export const allowedCodecs = ['flac', 'mp3', 'opus', 'vorbis', 'aac', 'alac'] as const;

/** True when ffprobe's `codec_name` is an accepted audio codec. */
export function isAllowedCodec(codecName: string): boolean {
  return codecName.startsWith('pcm_') || (allowedCodecs as readonly string[]).includes(codecName);
}

/** Sample rate of every stored file: scsynth runs at 48 kHz, so buffers play without resampling. */
export const storedSampleRate = 48_000;

/** ffmpeg options that confine probing and decoding to local files and the allowed demuxers. */
export const inputRestrictions: readonly string[] = [
  '-protocol_whitelist',
  'file',
  '-format_whitelist',
  allowedDemuxers.join(','),
];
