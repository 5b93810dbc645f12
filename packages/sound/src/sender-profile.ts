import type { OutPipelineTuning } from './gst-pipelines.ts';

/** Names of the sender profiles the launcher can select (`GENCASTER_SOUND_PROFILE`). */
export const SENDER_PROFILE_NAMES = ['low-latency', 'standard'] as const;

/** One of {@link SENDER_PROFILE_NAMES}. */
export type SenderProfileName = (typeof SENDER_PROFILE_NAMES)[number];

/** What a sender profile fixes: the JACK period, whether realtime is wanted, the pipeline tuning. */
export interface SenderProfile {
  name: SenderProfileName;
  /** JACK period in frames at 48 kHz. */
  jackPeriod: number;
  /**
   * Whether the profile asks for realtime scheduling (jackd -R, the sender pipeline SCHED_FIFO).
   * It is only a wish: the launcher tries it and falls back with a log line where the host refuses.
   */
  realtime: boolean;
  gst: Required<Pick<OutPipelineTuning, 'bufferTimeUs' | 'latencyTimeUs' | 'opusFrameSizeMs'>> &
    OutPipelineTuning;
}

/**
 * The sender profiles. `low-latency`: JACK 128 frames (2.7 ms), realtime where allowed,
 * 2.5 ms jackaudiosrc segments and 10 ms Opus frames, no DTX — the sender adds ~15 ms, the rest is
 * the browser's jitter buffer. Without DTX because Chromium's jitter buffer grows across DTX gaps:
 * clicks after 0.5–0.8 s of silence measured 150–190 ms with DTX against 24–52 ms without, same run
 * (bench/audio-latency.ts). `standard`: JACK 256 (5.3 ms), no realtime, 5 ms segments, 20 ms Opus
 * frames and DTX (a silent point sends ~5 tiny packets/s instead of 100) — the cheap idle sender
 * for hosts that cannot keep a small period or where latency matters less than CPU. Both keep a
 * 100 ms ring buffer (headroom against a starved reader; it adds no delay, a segment is read as
 * soon as it is full) and encode silence as digital silence (no dither), which Opus codes in 15-byte
 * packets.
 */
export const SENDER_PROFILES: Readonly<Record<SenderProfileName, SenderProfile>> = {
  'low-latency': {
    name: 'low-latency',
    jackPeriod: 128,
    realtime: true,
    gst: { bufferTimeUs: 100_000, latencyTimeUs: 2500, opusFrameSizeMs: 10, dtx: false },
  },
  standard: {
    name: 'standard',
    jackPeriod: 256,
    realtime: false,
    gst: { bufferTimeUs: 100_000, latencyTimeUs: 5000, opusFrameSizeMs: 20, dtx: true },
  },
};

/** The profile the launcher uses when none is configured. */
export const DEFAULT_SENDER_PROFILE: SenderProfileName = 'low-latency';

/** Whether `name` is one of {@link SENDER_PROFILE_NAMES}. */
export function isSenderProfileName(name: string): name is SenderProfileName {
  return (SENDER_PROFILE_NAMES as readonly string[]).includes(name);
}
