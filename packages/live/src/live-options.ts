/** Timing and limits of the live runtime, after defaults were applied. */
export interface LiveOptions {
  /** A stream point is live when its last beacon is at most this old (60 s). */
  liveWindowMs: number;
  /** Anonymous listener sessions one client address may hold on this backend (256). */
  maxListenerSessionsPerClient: number;
  /**
   * Reconnect grace of a session that never started listening (5 s): a page that got a stream but
   * never played it gives the point back sooner than {@link reconnectGraceMs}.
   */
  unstartedGraceMs: number;
  /** How long a listener who lost the connection keeps stream and engine position. */
  reconnectGraceMs: number;
  /**
   * How long a listener on the end screen (after the dead end) keeps its stream before it is
   * released for the next listener; leaving the page (closing the session) releases it at once.
   */
  endScreenGraceMs: number;
  /** This backend's id in engine leases (default: host, pid and a random suffix). */
  backendId: string;
  /** Engine lease duration; a crashed backend's engines move after at most this long (15 s). */
  engineLeaseMs: number;
  /**
   * A listener row nobody stamped for this long is dropped (its backend died and it did not
   * resume elsewhere). Default: the reconnect grace (at least 15 s) plus two stamp intervals.
   */
  listenerSilentMs: number | undefined;
}
