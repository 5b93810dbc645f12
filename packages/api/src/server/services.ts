import type { LiveServices, PointLevel, WatchTickets } from '@gencaster/live';
import type { ScriptSandbox } from '@gencaster/story';

/**
 * Pieces from other packages (live, osc, story, tts, audio) that the API uses: the live runtime's
 * services plus the API's own. Tests pass real or narrow in-process implementations; the backend
 * wires the real ones.
 */
export interface ApiServices extends LiveServices {
  /** The story sandbox, used to check door conditions on save. Without it nothing is checked. */
  sandbox?: ScriptSandbox;
  /** Imports an uploaded file: validates by decoding, stores under a generated name. */
  audio?: {
    /** Resolves with the stored file's uuid and path relative to the media root; INVALID_INPUT if not audio. */
    importAudioFile(input: {
      /** The upload in memory, or … */
      data?: Uint8Array;
      /** … a file on disk (a streamed multipart upload), read in place and left for the caller. */
      path?: string;
      fileName: string;
      maxBytes: number;
    }): Promise<{ uuid: string; file: string }>;
  };
  /** Output levels of stream points (the local sound fleet's status file); for the editor meters. */
  pointLevels?(): PointLevel[] | Promise<PointLevel[]>;
  /**
   * Signs the watch tickets of `liveCodingPoint` (the backend builds them on the Janus API secret,
   * so its gateway can check them). Without it `liveCodingPoint` is UNAVAILABLE.
   */
  watchTickets?: WatchTickets;
}
