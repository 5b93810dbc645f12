import { GencasterError } from '@gencaster/domain';
import { inputRestrictions, storedSampleRate } from './audio-formats.ts';
import { runProcess } from './run-process.ts';

/** Progress of a running conversion. */
export interface ConversionProgress {
  /** Seconds of audio decoded so far. */
  processedSeconds: number;
  /** Declared duration of the input, null when unknown. */
  totalSeconds: number | null;
  /** 0…1 when the total is known, else null. */
  fraction: number | null;
}

/** Options of {@link convertAudio}. */
export interface ConvertAudioOptions {
  inputPath: string;
  outputPath: string;
  /** 1 or 2; inputs with more channels are downmixed by ffmpeg's default matrix. */
  channels: number;
  /** Decoding stops after this much audio (the caller rejects longer results). */
  maxSeconds: number;
  totalSeconds: number | null;
  timeoutMs: number;
  displayName: string;
  onProgress?: (progress: ConversionProgress) => void;
}

/**
 * Decodes the whole input with ffmpeg and writes 48 kHz 32-bit float WAV (read by scsynth's
 * libsndfile). Decoding is strict: ffmpeg runs with `-v error -xerror`, so any decoding error
 * (corrupt frame, cut packet) fails the conversion with INVALID_INPUT instead of passing silently.
 */
export async function convertAudio(options: ConvertAudioOptions): Promise<void> {
  const report = options.onProgress;
  const result = await runProcess({
    command: 'ffmpeg',
    args: [
      ...['-nostdin', '-hide_banner', '-v', 'error', '-xerror'],
      ...inputRestrictions,
      ...['-i', options.inputPath],
      ...['-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1'],
      ...['-ac', String(options.channels), '-ar', String(storedSampleRate), '-c:a', 'pcm_f32le'],
      ...['-t', String(options.maxSeconds)],
      ...(report ? ['-progress', 'pipe:1', '-stats_period', '0.25'] : []),
      ...['-f', 'wav', '-y', options.outputPath],
    ],
    timeoutMs: options.timeoutMs,
    ...(report
      ? { onStdoutLine: (line: string) => reportLine(line, options.totalSeconds, report) }
      : {}),
  });
  const errors = result.stderr.trim();
  if (result.code !== 0 || errors) {
    const reason = (errors.split('\n')[0] ?? `ffmpeg exited with ${result.code}`)
      .replaceAll(options.inputPath, options.displayName)
      .replaceAll(options.outputPath, 'output')
      .replace(/^\[[\w:-]+ @ 0x[0-9a-f]+\] /, '');
    throw new GencasterError(
      'INVALID_INPUT',
      `${options.displayName} is corrupt or truncated: decoding failed (${reason || 'no details'})`,
      { details: { reason } },
    );
  }
}

function reportLine(
  line: string,
  totalSeconds: number | null,
  report: (progress: ConversionProgress) => void,
): void {
  const match = /^out_time_us=(\d+)$/.exec(line.trim());
  if (!match) return;
  const processedSeconds = Number(match[1]) / 1e6;
  const fraction = totalSeconds ? Math.min(1, processedSeconds / totalSeconds) : null;
  report({ processedSeconds, totalSeconds, fraction });
}
