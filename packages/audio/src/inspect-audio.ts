import { GencasterError } from '@gencaster/domain';
import { inputRestrictions, isAllowedCodec } from './audio-formats.ts';
import { runProcess } from './run-process.ts';

/** What ffprobe reports about the first audio stream of a file. */
export interface AudioInfo {
  /** ffprobe's `format_name`, e.g. `wav`, `ogg`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** e.g. `pcm_s16le`, `flac`, `mp3`, `opus`. */
  codecName: string;
  channels: number;
  sampleRate: number;
  /** Duration the container declares (header, Xing frame count, last granule …); null if unknown. */
  durationSeconds: number | null;
}

/** Options of {@link inspectAudio}. */
export interface InspectAudioOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Name used in error messages instead of the path (paths of temp files mean nothing to users). */
  displayName?: string;
}

interface ProbeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    channels?: number;
    sample_rate?: string;
    duration?: string;
  }>;
}

/**
 * Probes a file's content with ffprobe (the extension is never consulted) and describes its first
 * audio stream. Rejects with INVALID_INPUT when the content is not audio in an accepted container
 * and codec, UNAVAILABLE when ffprobe is missing.
 *
 * @example
 * const info = await inspectAudio('/data/audio_files/3f2c….wav'); // { codecName: 'pcm_f32le', … }
 */
export async function inspectAudio(
  path: string,
  options: InspectAudioOptions = {},
): Promise<AudioInfo> {
  const label = options.displayName ?? 'file';
  const result = await runProcess({
    command: 'ffprobe',
    args: [
      '-v',
      'error',
      ...inputRestrictions,
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      path,
    ],
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  if (result.code !== 0) {
    const reason = firstLine(result.stderr.replaceAll(path, label));
    throw new GencasterError(
      'INVALID_INPUT',
      `${label} is not a supported audio file (${reason})`,
      {
        details: { reason },
      },
    );
  }
  const probe = JSON.parse(result.stdout.toString('utf8')) as ProbeOutput;
  const stream = probe.streams?.find((candidate) => candidate.codec_type === 'audio');
  if (!stream) throw new GencasterError('INVALID_INPUT', `${label} contains no audio stream`);
  const codecName = stream.codec_name ?? 'unknown';
  if (!isAllowedCodec(codecName)) {
    throw new GencasterError(
      'INVALID_INPUT',
      `${label} uses the unsupported audio codec ${codecName}`,
    );
  }
  const channels = stream.channels ?? 0;
  const sampleRate = Number(stream.sample_rate ?? 0);
  if (channels < 1 || !(sampleRate > 0)) {
    throw new GencasterError('INVALID_INPUT', `${label} has no valid channel count or sample rate`);
  }
  return {
    formatName: probe.format?.format_name ?? 'unknown',
    codecName,
    channels,
    sampleRate,
    durationSeconds: parseDuration(stream.duration) ?? parseDuration(probe.format?.duration),
  };
}

function parseDuration(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() || 'unreadable content';
}
