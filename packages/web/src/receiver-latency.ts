// A graph's latency profile applied to the WebRTC receiver of its stream, and the playout delay
// the browser reports for it — shared by the listener page and the editor's play panel.

/** A graph's latency profile as the GraphQL API spells it. */
export type LatencyProfileName = 'INTERACTIVE' | 'ROBUST';

/**
 * Jitter buffer target per profile, in milliseconds. INTERACTIVE asks for no extra buffer: the
 * browser's adaptive jitter buffer stays as short as the network allows (what the original's
 * player had), so a listener's click or step is heard back at once. ROBUST asks for 200 ms, which
 * rides out the jitter of a mobile network or a busy Wi-Fi without drop-outs and time stretching.
 */
export const jitterBufferTargetMs: Readonly<Record<LatencyProfileName, number>> = {
  INTERACTIVE: 0,
  ROBUST: 200,
};

/** How the target reached the receiver. */
export type LatencyMechanism = 'jitterBufferTarget' | 'playoutDelayHint' | 'unsupported';

/** What {@link applyLatencyProfile} did, for the info panel and the log. */
export interface AppliedLatency {
  profile: LatencyProfileName;
  /** The target asked for, in milliseconds. */
  targetMs: number;
  mechanism: LatencyMechanism;
  /** What the receiver reports back, in milliseconds (null when it cannot be read back). */
  readBackMs: number | null;
}

/** The receiver attributes of the standard (`jitterBufferTarget`, ms) and of older Chromium. */
interface ReceiverWithTargets {
  jitterBufferTarget?: number | null;
  /** Chromium's pre-standard hint, in seconds. */
  playoutDelayHint?: number | null;
}

/**
 * Sets the jitter buffer target of a receiver to the profile's ({@link jitterBufferTargetMs}).
 * Uses the standard `RTCRtpReceiver.jitterBufferTarget` (milliseconds; Chromium ≥ 124, Firefox
 * and Safari do not have it yet); where it is missing, Chromium's older `playoutDelayHint`
 * (seconds); where neither exists the browser keeps its own buffer and the result says
 * `unsupported` (logged once per receiver, playback goes on).
 */
export function applyLatencyProfile(
  receiver: RTCRtpReceiver,
  profile: LatencyProfileName,
): AppliedLatency {
  const target = receiver as unknown as ReceiverWithTargets;
  const targetMs = jitterBufferTargetMs[profile];
  try {
    if ('jitterBufferTarget' in receiver) {
      target.jitterBufferTarget = targetMs;
      return { profile, targetMs, mechanism: 'jitterBufferTarget', readBackMs: readBack(target) };
    }
    if ('playoutDelayHint' in receiver) {
      target.playoutDelayHint = targetMs / 1000;
      const hint = target.playoutDelayHint;
      console.info(
        `[latency] jitterBufferTarget is not supported; playoutDelayHint set to ${targetMs / 1000} s`,
      );
      return {
        profile,
        targetMs,
        mechanism: 'playoutDelayHint',
        readBackMs: typeof hint === 'number' ? hint * 1000 : null,
      };
    }
  } catch (error) {
    console.warn(`[latency] the receiver refused a ${targetMs} ms target:`, error);
  }
  console.info(
    `[latency] this browser sets no jitter buffer target; profile ${profile} is not applied`,
  );
  return { profile, targetMs, mechanism: 'unsupported', readBackMs: null };
}

function readBack(target: ReceiverWithTargets): number | null {
  const value = target.jitterBufferTarget;
  return typeof value === 'number' ? value : null;
}

/** Reads the playout delay of one receiver from its `inbound-rtp` stats. */
export interface PlayoutDelayMeter {
  /**
   * The average jitter buffer delay (ms) of the samples played out since the previous read (the
   * whole stream's average at the first read); undefined before any audio was played out.
   */
  read(): Promise<number | undefined>;
}

/**
 * Creates a meter of a receiver's playout delay: `jitterBufferDelay / jitterBufferEmittedCount`
 * of its `inbound-rtp` stats (seconds per sample, shown in milliseconds), over the interval between
 * two reads so that a change of the target shows within one read.
 */
export function createPlayoutDelayMeter(receiver: RTCRtpReceiver): PlayoutDelayMeter {
  let lastDelay = 0;
  let lastCount = 0;
  let lastMs: number | undefined;
  return {
    async read() {
      const report = await receiver.getStats();
      let delay: number | undefined;
      let count: number | undefined;
      report.forEach((entry: { type?: string; kind?: string } & Record<string, unknown>) => {
        if (entry.type !== 'inbound-rtp' || (entry.kind ?? 'audio') !== 'audio') return;
        if (typeof entry.jitterBufferDelay === 'number') delay = entry.jitterBufferDelay;
        if (typeof entry.jitterBufferEmittedCount === 'number')
          count = entry.jitterBufferEmittedCount;
      });
      if (delay === undefined || count === undefined || count === 0) return undefined;
      if (count < lastCount) {
        // a new receiver under the same meter: start over
        lastDelay = 0;
        lastCount = 0;
      }
      const emitted = count - lastCount;
      if (emitted > 0) lastMs = ((delay - lastDelay) / emitted) * 1000;
      lastDelay = delay;
      lastCount = count;
      return lastMs;
    },
  };
}

/**
 * Reads a receiver's playout delay every `intervalMs` (default 1 s) and reports each reading;
 * returns the function that stops it. Both players show the listener's own delay with it.
 */
export function watchPlayoutDelay(
  receiver: RTCRtpReceiver,
  onDelay: (ms: number) => void,
  intervalMs = 1000,
): () => void {
  const meter = createPlayoutDelayMeter(receiver);
  let stopped = false;
  const timer = setInterval(() => {
    meter
      .read()
      .then((ms) => {
        if (!stopped && ms !== undefined) onDelay(ms);
      })
      .catch(() => undefined);
  }, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Applies a player's latency profile to its current receiver and reports what was applied. */
export interface LatencyReporter {
  /** A new receiver (null: the track ended): apply the profile and report it. */
  report: (receiver: RTCRtpReceiver | null) => void;
  /** The profile changed: apply it again to the current receiver. */
  reapply: () => void;
  /** The receiver last reported. */
  readonly receiver: RTCRtpReceiver | null;
}

/**
 * The players' receiver bookkeeping: `latencyProfile` is read at each report (undefined leaves the
 * browser's buffer alone), `onReceiver` gets the receiver and what {@link applyLatencyProfile} did.
 */
export function createLatencyReporter(
  latencyProfile: (() => LatencyProfileName | undefined) | undefined,
  onReceiver:
    ((receiver: RTCRtpReceiver | null, applied: AppliedLatency | null) => void) | undefined,
): LatencyReporter {
  let current: RTCRtpReceiver | null = null;
  const report = (next: RTCRtpReceiver | null) => {
    current = next;
    const profile = latencyProfile?.();
    onReceiver?.(next, next && profile ? applyLatencyProfile(next, profile) : null);
  };
  return {
    report,
    reapply: () => {
      if (current) report(current);
    },
    get receiver() {
      return current;
    },
  };
}
