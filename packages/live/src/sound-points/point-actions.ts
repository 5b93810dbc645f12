import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readAudioDuration } from '@gencaster/audio';
import { createInstruction, getAudioFile, type DbHandle } from '@gencaster/db';
import { GencasterError, type PlaybackChoice, type StreamInstruction } from '@gencaster/domain';
import {
  defaultInstructionTimeoutMs,
  playBufferInstruction,
  syncPlayBufferInstruction,
  type InstructionSender,
} from '@gencaster/osc';
import type { CachedTts } from '@gencaster/tts';
import type { LiveLogger } from '../live-logger.ts';
import { syncPlaybackDeadlineMs } from './sync-playback-deadline.ts';

/** The sclang address of a stream point plus its row id (instructions reference it). */
export interface PointTarget {
  uuid: string;
  host: string;
  port: number;
}

/** Per-call options: who hears about the new instruction, and when to give up. */
export interface PointActionOptions {
  /** Called with the stored instruction before it is sent (feeds StreamInfo). */
  onInstruction?: (instruction: StreamInstruction) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What can be done on a stream point: code, audio files, speech. */
export interface PointActions {
  runCode(
    point: PointTarget,
    code: string,
    options?: PointActionOptions & { manualFinish?: boolean },
  ): Promise<string>;
  playAudioFile(
    point: PointTarget,
    audio: { audioFileUuid: string; playback: PlaybackChoice; volume: number },
    options?: PointActionOptions,
  ): Promise<void>;
  speak(
    point: PointTarget,
    ssml: string,
    options?: PointActionOptions & { voice?: string },
  ): Promise<void>;
}

export interface PointActionsOptions {
  database: DbHandle;
  instructions: InstructionSender;
  tts: CachedTts;
  /** Folder that AudioFile.file paths are relative to; sclang reads the files from here. */
  mediaRoot: string;
  /**
   * The sender's default deadline (its `defaultTimeoutMs`), default {@link defaultInstructionTimeoutMs}:
   * a SYNC playback's deadline is the longer of it and the file's duration plus a margin.
   */
  defaultTimeoutMs?: number;
  /** Says when a file's duration is unknown (the backend passes its `point-actions` logger). */
  logger?: Pick<LiveLogger, 'warn'>;
}

/** Speech is normalised by the provider; this leaves headroom when it mixes with other sound. */
const SPEECH_VOLUME = 0.5;

/** Rejects as soon as `signal` aborts, so a listener who left does not wait for sclang. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // its outcome no longer matters to anyone
    return Promise.reject(new GencasterError('UNAVAILABLE', 'the listener left'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new GencasterError('UNAVAILABLE', 'the listener left'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Builds the stream point actions: every action stores a StreamInstruction, sends it over OSC and
 * resolves when sclang acknowledges FINISHED. Paths and values reach sclang as escaped literals.
 */
export function createPointActions(options: PointActionsOptions): PointActions {
  const { database, instructions, tts, mediaRoot } = options;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? defaultInstructionTimeoutMs;
  const log = options.logger;

  async function send(
    point: PointTarget,
    build: (uuid: string) => { code: string; manualFinish: boolean },
    call: PointActionOptions,
  ): Promise<string> {
    // The listener left meanwhile: nothing is stored or sent for them any more.
    if (call.signal?.aborted) throw new GencasterError('UNAVAILABLE', 'the listener left');
    const uuid = randomUUID();
    const { code, manualFinish } = build(uuid);
    const row = await createInstruction(database, {
      uuid,
      streamPointUuid: point.uuid,
      instructionText: code,
    });
    call.onInstruction?.(row);
    const result = await abortable(
      instructions.send({
        host: point.host,
        port: point.port,
        uuid,
        code,
        manualFinish,
        ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
      }),
      call.signal,
    );
    return result.returnValue;
  }

  /**
   * Plays a file; a SYNC playback finishes when the file has played to its end, so its deadline
   * follows the duration (`knownSeconds` when the caller has it, else read from the file's header).
   */
  async function playPath(
    point: PointTarget,
    file: { path: string; knownSeconds?: number },
    playback: PlaybackChoice,
    volume: number,
    call: PointActionOptions,
  ) {
    const { path } = file;
    if (playback !== 'sync_playback') {
      await send(point, () => playBufferInstruction({ path, volume }), call);
      return;
    }
    const durationSeconds =
      file.knownSeconds !== undefined && Number.isFinite(file.knownSeconds)
        ? file.knownSeconds
        : await readAudioDuration(path);
    const deadline = syncPlaybackDeadlineMs({
      durationSeconds,
      baseTimeoutMs: call.timeoutMs ?? defaultTimeoutMs,
    });
    if (!deadline.known) {
      log?.warn(
        { event: 'sync-playback', path, timeoutMs: deadline.timeoutMs },
        'duration of the audio file is unknown: SYNC playback waits up to the longest stored file',
      );
    }
    await send(point, (uuid) => syncPlayBufferInstruction({ path, uuid, volume }), {
      ...call,
      timeoutMs: deadline.timeoutMs,
    });
  }

  return {
    runCode: (point, code, call = {}) =>
      send(point, () => ({ code, manualFinish: call.manualFinish ?? false }), call),
    async playAudioFile(point, audio, call = {}) {
      const file = await getAudioFile(database, audio.audioFileUuid);
      if (!file.file)
        throw new GencasterError('NOT_FOUND', `audio file ${file.uuid} has no stored file`);
      await playPath(
        point,
        { path: join(mediaRoot, file.file) },
        audio.playback,
        audio.volume,
        call,
      );
    },
    async speak(point, ssml, call = {}) {
      const spoken = await tts.speak({ ssml, ...(call.voice ? { voice: call.voice } : {}) });
      await playPath(
        point,
        { path: spoken.audio.path, knownSeconds: spoken.audio.durationSeconds },
        'sync_playback',
        SPEECH_VOLUME,
        call,
      );
    },
  };
}
