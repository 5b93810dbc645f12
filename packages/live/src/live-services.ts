import type { StreamPoint } from '@gencaster/domain';
import type { EngineFactory } from './session/engine-factory.ts';

/** A stream point address for sending sclang instructions. */
export interface PointAddress {
  host: string;
  port: number;
}

/**
 * Pieces from other packages (osc, story) the live runtime drives. Tests pass real or narrow
 * in-process implementations; the backend wires the real ones.
 */
export interface LiveServices {
  /**
   * Sets a stream variable on a point's sclang as data (osc `setStreamVariable` template through
   * the instruction sender). Without it, streamToSc values are stored but not sent.
   */
  sendStreamVariable?(input: { point: PointAddress; key: string; value: string }): Promise<void>;
  /** Builds the engine of a stream (see `session/engine-factory.ts`). Without it no walk runs. */
  engineFactory?: EngineFactory;
  /**
   * Ends whoever still receives a point's audio or sends it microphone sound (Janus `kick_all`),
   * before a new stream on the point goes to its listener. Without it nothing is kicked.
   */
  endPointAudience?(point: StreamPoint): Promise<unknown>;
}
