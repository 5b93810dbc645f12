import type { InstructionState, LogLevel, RemoteActionType } from '@gencaster/domain';
import type { Beacon, RemoteActionTarget } from './osc-messages.ts';

/** Structured logger (pino-compatible): a context object first, then the message. */
export interface OscLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything; the default when none is given. */
export const silentOscLogger: OscLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What a beacon changed beyond the stream point row. */
export interface BeaconOutcome {
  /**
   * Instructions the registry marked FAILURE because the point's boot id changed (its sclang
   * restarted, so they can never finish). The OSC server publishes them on the {@link AckBus}, so
   * the backend waiting for them goes on at once instead of at the deadline.
   */
  abandoned: InstructionAck[];
}

/**
 * Where beacons go: the backend upserts the stream point by (host, port = lang_port), last_live =
 * now. A beacon with `ready: false` (sclang restarted, scsynth booting) must make the point
 * unassignable until a ready beacon comes; a changed `bootId` fails the point's open instructions.
 */
export interface StreamPointRegistry {
  upsertFromBeacon(
    beacon: Beacon & { host: string; receivedAt: Date },
  ): Promise<BeaconOutcome | void>;
}

/**
 * Instruction states as stored by the backend. `applyAck` returns 'unknown' for an instruction it
 * has never heard of and may return 'stale' when the change is not legal any more (e.g. an ack after
 * a timeout already marked it FAILURE).
 */
export interface InstructionLedger {
  markSent(uuid: string): Promise<void>;
  applyAck(
    uuid: string,
    state: InstructionState,
    returnValue: string,
  ): Promise<'ok' | 'unknown' | 'stale'>;
  /**
   * The instruction's recorded state, if the ledger can read it: lets a waiting sender notice an
   * ack that another backend recorded but whose pub/sub message was lost.
   */
  readAck?(uuid: string): Promise<InstructionAck | undefined>;
  /**
   * The final acks (FINISHED, SUCCESS, FAILURE) recorded for any of `uuids`, in one read: the
   * sender's fallback poll then costs one query per interval however many instructions wait.
   */
  readAcks?(uuids: string[]): Promise<InstructionAck[]>;
}

/** A log line for StreamLog. */
export interface OscLogEntry {
  origin: 'supercollider';
  level: LogLevel;
  message: string;
  name: string | null;
  streamPointHost: string;
  streamPointPort: number;
}

/** Where `/log` lines from sclang go (StreamLog, origin supercollider). */
export interface LogSink {
  append(entry: OscLogEntry): Promise<void>;
}

/** A validated live-coding request from `/remote/action`. */
export interface RemoteAction {
  action: RemoteActionType;
  cmd: string;
  target: RemoteActionTarget;
  /** Sender of the request (for logs). */
  senderHost: string;
  /** True when the request carried a valid HMAC, false when a password admitted it. */
  signed: boolean;
}

/** Runs a remote action on the targeted stream points; the backend resolves targets in its database. */
export interface RemoteActionRunner {
  run(action: RemoteAction): Promise<void>;
}

/** An instruction acknowledgement, as passed between backends. */
export interface InstructionAck {
  uuid: string;
  state: InstructionState;
  returnValue: string;
}

/**
 * Publish/subscribe of acknowledgements, so that the backend that *sent* an instruction wakes up even
 * when another backend (sharing the database) received the ack. In-process: {@link createInProcessAckBus}.
 */
export interface AckBus {
  publish(ack: InstructionAck): Promise<void>;
  /** Calls `listener` for every published ack until the returned function is called. */
  subscribe(listener: (ack: InstructionAck) => void): () => void;
}
