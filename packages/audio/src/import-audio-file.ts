import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GencasterError } from '@gencaster/domain';
import { storedSampleRate } from './audio-formats.ts';
import { checkOggComplete } from './check-ogg-complete.ts';
import { convertAudio, type ConversionProgress } from './convert-audio.ts';
import { inspectAudio, type AudioInfo } from './inspect-audio.ts';
import { readWavLayout } from './read-wav-layout.ts';
import { receiveInput, type AudioInput } from './receive-input.ts';

/** Options of {@link importAudioFile}. */
export interface ImportAudioFileOptions {
  input: AudioInput;
  /** The client's file name: only used to derive {@link ImportedAudio.displayName}, never as a path. */
  originalName: string;
  /** Folder that receives the converted file (created when missing). */
  storageDir: string;
  /** Inputs larger than this are rejected; streams stop being read at this point. */
  maxBytes: number;
  /** Called while ffmpeg decodes, about four times a second. */
  onProgress?: (progress: ConversionProgress) => void;
  /** Deadline for decoding and converting; default 10 minutes. */
  timeoutMs?: number;
  /** Where uploads are spooled before decoding; default the OS temp dir. */
  tempDir?: string;
  /**
   * Longest accepted audio; default and upper bound {@link maxStoredSeconds} (a stereo float WAV
   * must stay below the format's 4 GiB data limit).
   */
  maxDurationSeconds?: number;
}

/** Three hours: 3 h × 48 kHz × 2 channels × 4 bytes ≈ 4.15 GB, just under WAV's 4 GiB limit. */
export const maxStoredSeconds = 3 * 60 * 60;

/** A validated, converted audio file stored under its generated name. */
export interface ImportedAudio {
  /** Generated file name inside `storageDir`, e.g. `9b1d….wav`. */
  storedName: string;
  /** Absolute or storageDir-relative path of the stored file, as passed in. */
  path: string;
  /** Decoded duration of the stored file. */
  durationSeconds: number;
  /** 1 or 2. */
  channels: number;
  sampleRate: typeof storedSampleRate;
  /** What the input was, as probed from its content. */
  originalFormat: AudioInfo;
  /** Size of the stored file. */
  bytes: number;
  /** Size of the input as received. */
  inputBytes: number;
  /** A cleaned-up version of `originalName` for display (no folders, no control characters). */
  displayName: string;
}

/** Missing decoded audio beyond max(100 ms, 2 %) of the declared duration means the file was cut. */
const truncationTolerance = (declared: number): number => Math.max(0.1, declared * 0.02);

/**
 * Validates an upload by decoding all of it and stores it as a 48 kHz float WAV with a generated
 * name. Rejects with INVALID_INPUT (clear message) for empty, over-size, non-audio, corrupt,
 * truncated and zero-length input; on any failure nothing is left in `storageDir` or the temp dir,
 * because the output is written under a hidden partial name and renamed only at the very end.
 *
 * @example
 * const audio = await importAudioFile({ input: req, originalName: 'Intro.mp3', storageDir, maxBytes: 512 * 2 ** 20 });
 * // { storedName: '0c4e….wav', durationSeconds: 12.41, channels: 2, sampleRate: 48000, … }
 */
export async function importAudioFile(options: ImportAudioFileOptions): Promise<ImportedAudio> {
  const displayName = toDisplayName(options.originalName);
  const received = await receiveInput(options.input, {
    maxBytes: options.maxBytes,
    ...(options.tempDir ? { tempDir: options.tempDir } : {}),
  });
  const id = randomUUID();
  const storedName = `${id}.wav`;
  const partialPath = join(options.storageDir, `.${id}.partial.wav`);
  try {
    const info = await inspectAudio(received.path, { displayName });
    if (info.formatName === 'ogg') await rejectIncompleteOgg(received.path, displayName);
    const maxSeconds = Math.min(options.maxDurationSeconds ?? maxStoredSeconds, maxStoredSeconds);
    if (info.durationSeconds !== null && info.durationSeconds > maxSeconds)
      throw tooLong(displayName, maxSeconds);
    await mkdir(options.storageDir, { recursive: true });
    await convertAudio({
      inputPath: received.path,
      outputPath: partialPath,
      channels: Math.min(info.channels, 2),
      maxSeconds: maxSeconds + 1,
      totalSeconds: info.durationSeconds,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      displayName,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const stored = await readWavLayout(partialPath);
    const durationSeconds = stored.frames / storedSampleRate;
    if (durationSeconds > maxSeconds) throw tooLong(displayName, maxSeconds);
    if (stored.frames === 0) {
      throw new GencasterError(
        'INVALID_INPUT',
        `${displayName} contains no audio samples (zero duration)`,
      );
    }
    const declared = info.durationSeconds;
    if (declared !== null && declared - durationSeconds > truncationTolerance(declared)) {
      throw new GencasterError(
        'INVALID_INPUT',
        `${displayName} is truncated: it declares ${declared.toFixed(3)} s but only ${durationSeconds.toFixed(3)} s could be decoded`,
        { details: { declaredSeconds: declared, decodedSeconds: durationSeconds } },
      );
    }
    const { size } = await stat(partialPath);
    const path = join(options.storageDir, storedName);
    await rename(partialPath, path);
    return {
      storedName,
      path,
      durationSeconds,
      channels: stored.channels,
      sampleRate: storedSampleRate,
      originalFormat: info,
      bytes: size,
      inputBytes: received.bytes,
      displayName,
    };
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  } finally {
    await received.dispose();
  }
}

function tooLong(displayName: string, maxSeconds: number): GencasterError {
  return new GencasterError(
    'INVALID_INPUT',
    `${displayName} is longer than the limit of ${maxSeconds} seconds`,
    {
      details: { maxSeconds },
    },
  );
}

async function rejectIncompleteOgg(path: string, displayName: string): Promise<void> {
  const state = await checkOggComplete(path);
  if (state === 'complete') return;
  const why = state === 'truncated' ? 'its last page is cut off' : 'it has no end-of-stream page';
  throw new GencasterError('INVALID_INPUT', `${displayName} is truncated: ${why}`);
}

/** Client file names are untrusted: keep only a readable base name for display. */
function toDisplayName(originalName: string): string {
  const base = basename(originalName.replaceAll('\\', '/'));
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 1024);
  return clean || 'untitled';
}
