import type { StreamPoint } from '@gencaster/domain';
import type { ScriptSandbox } from '@gencaster/story';
import type { EngineFactory } from '../session/engine-factory.ts';
import type { PointLevelShape } from '../play/point-level.ts';
import type { WatchTickets } from '../sound-points/watch-tickets.ts';

/** A stream point address for sending sclang instructions. */
export interface PointAddress {
  host: string;
  port: number;
}

/**
 * Pieces from other packages (osc, story, tts, audio) that the API uses. Tests pass real or
 * narrow in-process implementations; the backend wires the real ones.
 */
export interface ApiServices {
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
  /**
   * Sets a stream variable on a point's sclang as data (osc `setStreamVariable` template through
   * the instruction sender). Without it, streamToSc values are stored but not sent.
   */
  sendStreamVariable?(input: { point: PointAddress; key: string; value: string }): Promise<void>;
  /** Builds the engine of a listener session (see `session/engine-factory.ts`). */
  engineFactory?: EngineFactory;
  /**
   * Ends whoever still receives a point's audio or sends it microphone sound (Janus `kick_all`),
   * before a new stream on the point goes to its listener. Without it nothing is kicked.
   */
  endPointAudience?(point: StreamPoint): Promise<unknown>;
  /** Output levels of stream points (the local sound fleet's status file); for the editor meters. */
  pointLevels?(): PointLevelShape[] | Promise<PointLevelShape[]>;
  /**
   * Signs the watch tickets of `liveCodingPoint` (the backend builds them on the Janus API secret,
   * so its gateway can check them). Without it `liveCodingPoint` is UNAVAILABLE.
   */
  watchTickets?: WatchTickets;
}
